"""The assermentation on the time-skipping server: renewal window and lapse, suspensions."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest
from sqlmodel import Session
from temporalio.client import WorkflowHistory, WorkflowUpdateFailedError
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import Replayer, Worker
from temporalio.workflow import NondeterminismError

from domain.contracts import Declaration, SyncRequest
from domain.procedures.assermentation import AgentStatus
from quietude.worker import SANDBOX, WORKFLOWS, activities_for
from store.register import sworn_agents
from tests.builders import BAILLEUR, PREFECTURE, TRIBUNAL, assermentation_body, start_of
from tests.fixtures import unique_queue
from tests.workflows.earlier_assermentation import (
    AssermentationBeforeTheGap,
    UnguardedAssermentation,
)
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


async def renewal_requested(env, client, worker):
    """The gardien sworn in, its renewal asked on 15 January 2035 (agrément ending on
    1 April 2035): the préfet's instruction is pending."""
    handle = await sworn_in(env, client, worker)
    proc = Acts(env, handle)
    state = await proc.act("renouvellement", "demandee", "2035-01-15", BAILLEUR)
    assert list(pending(state)) == ["instruction_agrement"]
    return handle, proc


async def test_an_agent_has_no_powers_between_the_end_of_its_agrement_and_its_renewal(
    time_env, client, worker, read_model
):
    _, proc = await renewal_requested(time_env, client, worker)
    await proc.skip_to(date(2035, 4, 1))  # the agrément's last day: still active
    assert milestone(await proc.view(), "statut").label == "Agent actif depuis le"
    await proc.skip_to(date(2035, 4, 2))
    state = await proc.handle.execute_update(ProcedureWorkflow.sync, SyncRequest())
    gap = milestone(state, "statut")
    assert gap.label == AgentStatus.AGREMENT_EXPIRE.label
    assert gap.date == date(2035, 4, 2)  # from the day after the end (R. 15-33-27-1 CPP)
    with Session(read_model) as session:  # the register shows it
        (agent,) = sworn_agents(session, BAILLEUR, date(2035, 4, 2))
    assert (agent.statut, agent.statut_depuis) == (gap.label, date(2035, 4, 2))
    assert agent.agrement_jusquau == date(2035, 4, 1)
    state = await proc.act(
        "instruction_agrement", "agree", "2035-05-10", PREFECTURE, arrete_le="2035-05-10"
    )
    # The powers come back with the new arrêté; it runs 5 years: until 10 May 2040.
    assert milestone(state, "statut").label == "Agent actif depuis le"
    assert milestone(state, "statut").date == date(2035, 5, 10)
    assert milestone(state, "fin_agrement").date == date(2040, 5, 10)
    assert not pending(state)
    await replays(await proc.handle.fetch_history(), AssermentationWorkflow)


async def test_a_renewal_refused_during_the_gap_ends_the_agrement(time_env, client, worker):
    _, proc = await renewal_requested(time_env, client, worker)
    await proc.skip_to(date(2035, 4, 2))
    state = await proc.act(
        "instruction_agrement", "refuse", "2035-04-20", PREFECTURE, motif="Casier judiciaire"
    )
    assert milestone(state, "statut").label == "Agrément non renouvelé le"
    assert milestone(state, "statut").date == date(2035, 4, 20)
    assert list(pending(state)) == ["cloture"]


async def test_a_renewal_granted_in_time_takes_the_end_its_arrete_states(time_env, client, worker):
    handle, proc = await renewal_requested(time_env, client, worker)
    await proc.skip_to(date(2035, 3, 1))
    # Arrêté of 28 February 2035: at most 5 years, until 28 February 2040.
    with pytest.raises(WorkflowUpdateFailedError) as beyond:
        await complete(
            handle,
            "instruction_agrement",
            "agree",
            date(2035, 3, 1),
            PREFECTURE,
            arrete_le="2035-02-28",
            fin_le="2040-02-29",
        )
    message = beyond.value.cause.message  # type: ignore[union-attr]
    assert "valable 5 ans (art. R. 15-33-27-1 CPP)" in message
    assert "28/02/2040" in message and "29/02/2040" in message
    state = await complete(
        handle,
        "instruction_agrement",
        "agree",
        date(2035, 3, 1),
        PREFECTURE,
        arrete_le="2035-02-28",
        fin_le="2040-01-31",
    )
    assert milestone(state, "fin_agrement").date == date(2040, 1, 31)
    await proc.skip_to(date(2035, 4, 2))  # the old end passed: renewed in time, still active
    assert milestone(await proc.view(), "statut").label == "Agent actif depuis le"
    assert milestone(await proc.view(), "statut").date == date(2030, 4, 10)


async def test_an_internal_service_agent_cites_the_csi_not_the_garde_particulier_texts(
    time_env, client, worker
):
    body = assermentation_body(route="service_interne_securite", infractions=["R. 635-1"])
    start = start_of("assermentation", body, date(2030, 3, 4))
    handle = await start_procedure(client, worker, AssermentationWorkflow, start)
    proc = Acts(time_env, handle)
    await proc.act("formation", "suivie", "2030-03-05", BAILLEUR, heures=8)
    await proc.act("commission", "signee", "2030-03-12", BAILLEUR)
    await proc.act("demande_agrement", "deposee", "2030-03-13", BAILLEUR, pieces_completes=True)
    await proc.act(
        "instruction_agrement", "agree", "2030-04-01", PREFECTURE, arrete_le="2030-04-01"
    )
    await proc.act("carte_agrement", "delivree", "2030-04-05", BAILLEUR, visa_le="2030-04-05")
    state = await proc.act("prestation_serment", "pretee", "2030-04-10", TRIBUNAL)
    ends = milestone(state, "fin_agrement")
    assert ends.date == date(2035, 4, 1)
    assert ends.explanation == "5 ans à compter de l'arrêté du 1er avril 2030 (art. R. 614-15 CSI)"
    await proc.skip_to(date(2030, 5, 2))
    state = await handle.execute_update(
        ProcedureWorkflow.declare,
        Declaration(key="suspension", on=date(2030, 5, 2), org=PREFECTURE, sub="p"),
    )
    assert pending(state)["suspension"].legal_basis == "décret n° 2022-777 (article à confirmer)"
    await proc.act("suspension", "levee", "2030-06-02", PREFECTURE)
    await proc.skip_to(date(2034, 12, 2))  # 4 months before the end: the renewal window
    state = await proc.view()
    assert pending(state)["renouvellement"].legal_basis == "art. R. 614-15 CSI"
    cited = [s.key for s in state.steps if "CPP" in s.legal_basis or "2006" in s.legal_basis]
    assert not cited


async def replays(history: WorkflowHistory, workflow: type) -> None:
    """Replay `history` against the workflows, `workflow` as the assermentation."""
    workflows = [w for w in WORKFLOWS if w is not AssermentationWorkflow] + [workflow]
    replayer = Replayer(
        workflows=workflows, workflow_runner=SANDBOX, data_converter=pydantic_data_converter
    )
    await replayer.replay_workflow(history)


async def test_a_renewal_examined_before_the_change_replays_without_the_gap(
    time_env, read_model, settings
):
    workflows = [w for w in WORKFLOWS if w is not AssermentationWorkflow]
    with ThreadPoolExecutor(max_workers=4) as executor:
        earlier = Worker(
            time_env.client,
            task_queue=unique_queue("tq"),
            workflows=[*workflows, AssermentationBeforeTheGap],
            workflow_runner=SANDBOX,
            activities=activities_for(settings, read_model, time_env.client),
            activity_executor=executor,
        )
        async with earlier:
            handle, proc = await renewal_requested(time_env, time_env.client, earlier)
            await proc.skip_to(date(2035, 4, 2))
            assert milestone(await proc.view(), "statut").label == "Agent actif depuis le"
            await proc.act(
                "instruction_agrement", "agree", "2035-05-10", PREFECTURE, arrete_le="2035-05-10"
            )
            history = await handle.fetch_history()
    await replays(history, AssermentationWorkflow)  # the patch keeps the run as it was
    with pytest.raises(NondeterminismError):
        await replays(history, UnguardedAssermentation)
