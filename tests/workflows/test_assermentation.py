"""The assermentation on the time-skipping server: renewal window and lapse, suspensions."""

from __future__ import annotations

from datetime import date

import pytest
from temporalio.client import WorkflowUpdateFailedError

from domain.contracts import Declaration
from tests.builders import BAILLEUR, PREFECTURE, TRIBUNAL, assermentation_body, start_of
from tests.workflows.helpers import Acts, complete, due, milestone, pending, start_procedure
from workflows.assermentation import AssermentationWorkflow
from workflows.engine import ProcedureWorkflow


async def sworn_in(env, client, worker):
    """A gardien through training, aptitude, commission, agrément (arrêté 1 April 2030),
    card and oath (10 April 2030)."""
    start = start_of("assermentation", assermentation_body(), date(2030, 3, 4))
    handle = await start_procedure(client, worker, AssermentationWorkflow, start)
    proc = Acts(env, handle)
    await proc.skip_to(date(2030, 3, 5))
    with pytest.raises(WorkflowUpdateFailedError) as short:
        await complete(handle, "formation", "suivie", date(2030, 3, 5), BAILLEUR, heures=8)
    assert "au moins 10 heures" in short.value.cause.message  # type: ignore[union-attr]
    await complete(handle, "formation", "suivie", date(2030, 3, 5), BAILLEUR, heures=12)
    await proc.act(
        "aptitude_technique", "reconnue", "2030-03-11", PREFECTURE, arrete_le="2030-03-10"
    )
    await proc.act("commission", "signee", "2030-03-12", BAILLEUR)
    await proc.act("demande_agrement", "deposee", "2030-03-13", BAILLEUR, pieces_completes=True)
    await proc.act(
        "instruction_agrement", "agree", "2030-04-01", PREFECTURE, arrete_le="2030-04-01"
    )
    await proc.act("carte_agrement", "delivree", "2030-04-05", BAILLEUR, visa_le="2030-04-05")
    state = await proc.act("prestation_serment", "pretee", "2030-04-10", TRIBUNAL)
    assert milestone(state, "statut").label == "Agent actif depuis le"
    assert milestone(state, "statut").date == date(2030, 4, 10)
    # Agrément of 1 April 2030: valid 5 years, until 1 April 2035 (R. 15-33-27-1 CPP).
    assert milestone(state, "fin_agrement").date == date(2035, 4, 1)
    assert not pending(state)
    return handle


async def test_an_agrement_reaches_its_renewal_window_and_lapses(time_env, client, worker):
    handle = await sworn_in(time_env, client, worker)
    proc = Acts(time_env, handle)
    await proc.skip_to(date(2034, 11, 30))
    assert not pending(await proc.view())  # the window opens 4 months before the end
    await proc.skip_to(date(2034, 12, 2))
    renewal = pending(await proc.view())["renouvellement"]
    assert (renewal.opened_on, renewal.due) == (date(2034, 12, 1), date(2035, 4, 1))
    await proc.skip_to(date(2035, 4, 2))
    state = await proc.view()
    lapsed = next(s for s in state.steps if s.key == "renouvellement")
    assert (lapsed.outcome, lapsed.implicite) == ("expire", True)
    assert milestone(state, "statut").label == "Agrément expiré le"
    assert list(pending(state)) == ["cloture"]


async def test_a_suspension_renewed_once_then_refused_a_third_time(time_env, client, worker):
    handle = await sworn_in(time_env, client, worker)
    proc = Acts(time_env, handle)
    await proc.skip_to(date(2030, 5, 2))
    with pytest.raises(WorkflowUpdateFailedError):  # the préfet suspends, not the bailleur
        await handle.execute_update(
            ProcedureWorkflow.declare,
            Declaration(key="suspension", on=date(2030, 5, 2), org=BAILLEUR, sub="b"),
        )
    state = await handle.execute_update(
        ProcedureWorkflow.declare,
        Declaration(key="suspension", on=date(2030, 5, 2), org=PREFECTURE, sub="p"),
    )
    assert milestone(state, "statut").label == "Agent suspendu depuis le"
    assert due(state, "suspension") == date(2030, 8, 2)  # at most 3 months
    state = await proc.act("suspension", "renouvelee", "2030-08-01", PREFECTURE)
    # Renewed on 1 August: + 3 months → Friday 1 November (Toussaint) → Monday 4 November.
    assert due(state, "suspension") == date(2030, 11, 4)
    await proc.skip_to(date(2030, 10, 2))
    with pytest.raises(WorkflowUpdateFailedError) as third:
        await complete(handle, "suspension", "renouvelee", date(2030, 10, 2), PREFECTURE)
    assert "qu'une fois" in third.value.cause.message  # type: ignore[union-attr]
    state = await complete(handle, "suspension", "levee", date(2030, 10, 2), PREFECTURE)
    assert milestone(state, "statut").label == "Agent actif depuis le"
    assert milestone(state, "statut").date == date(2030, 10, 2)
