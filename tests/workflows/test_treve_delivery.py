"""A text moves the end of a winter's trêve while a résiliation waits for its expulsion: the
change recorded by an administrator reaches the running procedure, whose expulsion moves to the
first lawful day after the new end; sending it again changes nothing; the history replays."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Engine
from sqlmodel import Session, select
from temporalio.client import Client
from temporalio.worker import Replayer, Worker

from domain.calendar import TreveHivernale
from domain.facts import EnCours
from domain.imports import plan_import
from domain.procedures.resiliation import DEFINITION as RESILIATION
from domain.procedures.resiliation_facts import ResiliationFacts
from quietude.treve import TreveChange, TreveDelivery, change_end
from quietude.worker import SANDBOX, WORKFLOWS
from store.tables import Step
from tests.builders import (
    BAILLEUR,
    COMMISSAIRE,
    PREFECTURE,
    TRIBUNAL,
    resiliation_body,
    resiliation_start,
)
from tests.workflows.helpers import Acts, due, pending, start_procedure
from workflows.resiliation import ResiliationWorkflow

LAW_2027 = "loi n° 2027-123 du 20 mars 2027"
MAY_2027 = TreveChange(
    year=2027, ends_on=date(2027, 5, 31), reason=LAW_2027, sub="admin@prefecture-91"
)


async def expulsion_pending_in_spring_2027(time_env, client: Client, worker: Worker) -> Acts:  # type: ignore[no-untyped-def]
    """A dossier imported at its judgment, then carried to a concours granted on Monday
    15 February 2027, inside the trêve: its expulsion waits for Thursday 1 April 2027."""
    en_cours = EnCours(
        etape="jugement",
        dates={
            "constitution_dossier": date(2026, 1, 5),
            "demande_information_parquet": date(2026, 1, 20),
            "mise_en_demeure": date(2026, 1, 12),
            "delai_mise_en_demeure": date(2026, 2, 16),
            "assignation": date(2026, 3, 2),
            "audience": date(2026, 5, 4),
        },
        outcomes={
            "delai_mise_en_demeure": "troubles_persistants",
            "demande_information_parquet": "transmise",
        },
        data={"assignation": {"audience": "2026-05-04"}},
    )
    facts = ResiliationFacts.model_validate(resiliation_body(en_cours=en_cours.model_dump()))
    imported = plan_import(RESILIATION, facts, date(2026, 12, 3))
    start = resiliation_start(date(2026, 12, 3), imported=imported, etape="jugement")
    proc = Acts(time_env, await start_procedure(client, worker, ResiliationWorkflow, start))
    await proc.act("jugement", "resiliation_prononcee", "2026-12-07", TRIBUNAL)
    await proc.act("signification_jugement", "signifie", "2026-12-08", COMMISSAIRE)
    await proc.act("commandement_quitter_les_lieux", "delivre", "2026-12-09", COMMISSAIRE)
    await proc.act("information_prefet_ccapex", "informe", "2026-12-09", COMMISSAIRE)
    # 9 December + 2 months → Tuesday 9 February 2027 (CPCE L. 412-1).
    await proc.act("requisition_force_publique", "requise", "2027-02-10", COMMISSAIRE)
    state = await proc.act("decision_concours_force_publique", "accorde", "2027-02-15", PREFECTURE)
    assert due(state, "expulsion") == date(2027, 4, 1)
    return proc


def expulsion_row(read_model: Engine, procedure_id: str) -> Step:
    with Session(read_model) as session:
        return session.exec(
            select(Step).where(Step.procedure_id == procedure_id, Step.key == "expulsion")
        ).one()


async def test_a_moved_trêve_reaches_a_running_résiliation_and_moves_its_expulsion(
    time_env, client, worker, read_model, settings
):
    proc = await expulsion_pending_in_spring_2027(time_env, client, worker)
    procedure_id = proc.handle.id

    delivery = await change_end(client, read_model, TreveHivernale(), MAY_2027)

    assert delivery.updated == [procedure_id]
    state = await proc.view()
    expulsion = pending(state)["expulsion"]
    # The trêve now ends on Monday 31 May 2027: Tuesday 1 June 2027.
    assert expulsion.due == date(2027, 6, 1)
    assert "du 1er novembre 2026 au 31 mai 2027, fin reportée par un texte exceptionnel" in (
        expulsion.due_explanation
    )
    assert "expulsion au plus tôt le mardi 1er juin 2027" in expulsion.due_explanation
    revised = [e for e in state.events if e.type == "policy_revised"]
    assert [e.sub for e in revised] == ["admin@prefecture-91"]
    assert LAW_2027 in revised[0].message and "trêve 2027 jusqu'au 31 mai 2027" in (
        revised[0].message
    )
    assert any(e.type == "step_rescheduled" for e in state.events)
    assert expulsion_row(read_model, procedure_id).due == date(2027, 6, 1)

    # The same change sent again (a retried command) is harmless: nothing moves.
    again = await change_end(client, read_model, TreveHivernale(), MAY_2027)
    assert (again.updated, again.unchanged) == ([], [procedure_id])
    assert (await proc.view()).events == state.events

    # Carried out on the first lawful day; the whole history replays.
    await proc.act("expulsion", "realisee", "2027-06-01", COMMISSAIRE)
    await proc.act("cloture", "close", "2027-06-01", BAILLEUR)
    replayer = Replayer(
        workflows=WORKFLOWS, workflow_runner=SANDBOX, data_converter=client.data_converter
    )
    result = await replayer.replay_workflow(await proc.handle.fetch_history())
    assert result.replay_failure is None


async def test_a_closed_procedure_is_left_out(time_env, client, worker, read_model):
    proc = await expulsion_pending_in_spring_2027(time_env, client, worker)
    await proc.act("expulsion", "realisee", "2027-04-01", COMMISSAIRE)
    await proc.act("cloture", "close", "2027-04-01", BAILLEUR)

    delivery = await change_end(client, read_model, TreveHivernale(), MAY_2027)

    assert delivery == TreveDelivery()
    assert not any(e.type == "policy_revised" for e in (await proc.view()).events)
