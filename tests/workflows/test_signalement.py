"""The signalement on the time-skipping server, with the real activities and read model."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import Session, select
from temporalio.client import WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError

from domain.contracts import ImportedStep, ProcedureStatus
from store.tables import Event, Notification, Procedure, Step
from tests.builders import BAILLEUR, PARQUET, POLICE_EVRY, signalement_start
from tests.workflows.helpers import complete, pending, skip_to, start_procedure, view
from workflows.signalement import SignalementWorkflow

MONDAY = date(2030, 3, 4)  # legal dates ahead of the server's clock, so nothing is late at start


async def test_whole_signalement_with_reminder_overdue_escalation_and_parquet(
    time_env, client, worker, read_model, settings
):
    handle = await start_procedure(
        client, worker, SignalementWorkflow, signalement_start(created_on=MONDAY)
    )
    reception = pending(await view(handle))["accuse_reception"]
    # 2 working days after Monday 4 March 2030 → Wednesday 6 March 2030.
    assert (reception.org, reception.due) == (POLICE_EVRY, date(2030, 3, 6))
    assert "2 jours ouvrés" in reception.due_explanation

    await skip_to(time_env, date(2030, 3, 7))  # the due date has passed (24:00 on the 6th)
    reception = pending(await view(handle))["accuse_reception"]
    # Due two working days after it opened: no lead time for a reminder, escalated when due.
    assert reception.overdue and reception.escalated and not reception.reminded
    outbox = sorted(p.name for p in settings.outbox_dir.iterdir())
    assert [n for n in outbox if "escalade" in n] and not [n for n in outbox if "rappel" in n]
    escalation = next(p for p in settings.outbox_dir.iterdir() if "escalade" in p.name)
    assert f"responsables.{POLICE_EVRY}@quietude.invalid" in escalation.read_text()
    with Session(read_model) as session:
        row = session.exec(select(Step).where(Step.key == "accuse_reception")).one()
        assert row.overdue and row.status == "pending"
        procedure = session.get(Procedure, handle.id)
        assert procedure is not None and procedure.overdue
        kinds = sorted(n.kind for n in session.exec(select(Notification)).all())
        assert kinds == ["escalade"]

    await complete(handle, "accuse_reception", "recu", date(2030, 3, 7), POLICE_EVRY)
    feedback = pending(await view(handle))["retour_information"]
    # 15 days from Thursday 7 March 2030 → Friday 22 March 2030.
    assert feedback.due == date(2030, 3, 22)

    await skip_to(time_env, date(2030, 3, 20))
    # Reminded at 08:00 on Wednesday 20 March, 2 working days before the due date.
    assert pending(await view(handle))["retour_information"].reminded
    await complete(handle, "retour_information", "transmis_parquet", date(2030, 3, 20), POLICE_EVRY)
    decision = pending(await view(handle))["decision_parquet"]
    # 2 months from 20 March 2030 → Monday 20 May 2030.
    assert (decision.org, decision.due) == (PARQUET, date(2030, 5, 20))

    with pytest.raises(WorkflowUpdateFailedError) as refused:
        await complete(handle, "decision_parquet", "classement", date(2030, 3, 20), PARQUET)
    assert isinstance(refused.value.cause, ApplicationError)
    assert refused.value.cause.type == "InvalidData" and "motif" in refused.value.cause.message

    await complete(
        handle,
        "decision_parquet",
        "classement",
        date(2030, 3, 20),
        PARQUET,
        motif="absence d'infraction",
    )
    # After a classement, the bailleur may form a recours before the procureur général: an
    # optional step with no due date, CPP 40-3 setting no time limit.
    recourse = pending(await view(handle))["recours_procureur_general"]
    assert list(pending(await view(handle))) == ["recours_procureur_general"]
    assert (recourse.org, recourse.due, recourse.opened_on) == (BAILLEUR, None, date(2030, 3, 20))
    assert recourse.legal_basis == "art. 40-3 CPP (sans délai)"
    await complete(handle, "recours_procureur_general", "renonce", date(2030, 3, 20), BAILLEUR)
    assert list(pending(await view(handle))) == ["cloture"]
    await complete(handle, "cloture", "close", date(2030, 3, 20), BAILLEUR)
    result = await handle.result()
    assert result.status == ProcedureStatus.CLOSED
    with Session(read_model) as session:
        procedure = session.get(Procedure, handle.id)
        assert procedure is not None and procedure.status == "closed"
        assert procedure.closed_at is not None and not procedure.overdue
        events = session.exec(select(Event).order_by(Event.seq)).all()  # type: ignore[arg-type]
        assert [e.seq for e in events] == list(range(1, len(events) + 1))
        types = [e.type for e in events]
        assert types[0] == "procedure_started" and types[-1] == "procedure_closed"
        assert {"reminder_sent", "step_overdue", "escalated"} <= set(types)
        steps = session.exec(select(Step)).all()
        assert {s.key: s.status for s in steps} == {
            "transmission": "done",
            "accuse_reception": "done",
            "retour_information": "done",
            "decision_parquet": "done",
            "recours_procureur_general": "done",
            "cloture": "done",
        }


async def test_refused_completions_leave_nothing_in_history(time_env, client, worker):
    handle = await start_procedure(
        client, worker, SignalementWorkflow, signalement_start(created_on=MONDAY)
    )
    await skip_to(time_env, MONDAY)
    refusals = [
        ("accuse_reception", "recu", "gendarmerie-merevillois", "WrongOrganisation"),
        ("accuse_reception", "vu", POLICE_EVRY, "InvalidOutcome"),
        ("retour_information", "sans_suite", POLICE_EVRY, "StepNotPending"),
        ("inconnue", "recu", POLICE_EVRY, "UnknownStep"),
    ]
    for key, outcome, org, kind in refusals:
        with pytest.raises(WorkflowUpdateFailedError) as refused:
            await complete(handle, key, outcome, MONDAY, org)
        assert isinstance(refused.value.cause, ApplicationError)
        assert refused.value.cause.type == kind
    await complete(handle, "accuse_reception", "recu", MONDAY, POLICE_EVRY)
    with pytest.raises(WorkflowUpdateFailedError) as again:
        await complete(handle, "accuse_reception", "recu", MONDAY, POLICE_EVRY)
    assert again.value.cause.type == "StepNotPending"  # type: ignore[union-attr]
    history = await handle.fetch_history()
    accepted = [
        e
        for e in history.events
        if e.HasField("workflow_execution_update_accepted_event_attributes")
    ]
    # The sync at start and the one completion that was valid: nothing of the refusals.
    assert len(accepted) == 2


async def test_sworn_agent_pv_is_due_five_days_after_the_finding(client, worker):
    start = signalement_start(
        created_on=MONDAY,
        source="agent_assermente",
        constate_le="2030-03-01",
        agent_assermente="assermentation-2026-000001",
        infraction="R. 635-1",
    )
    handle = await start_procedure(client, worker, SignalementWorkflow, start)
    steps = pending(await view(handle))
    # Finding Friday 1 March 2030 + 5 days → Wednesday 6 March 2030 (CPP 29, 801).
    assert steps["transmission_pv"].due == date(2030, 3, 6)
    assert steps["transmission_pv"].org == BAILLEUR
    assert "accuse_reception" in steps  # the PV and the report to the forces run in parallel


async def test_denonciation_goes_straight_to_the_parquet(client, worker):
    start = signalement_start(created_on=MONDAY, destinataire="parquet")
    handle = await start_procedure(client, worker, SignalementWorkflow, start)
    steps = pending(await view(handle))
    assert list(steps) == ["decision_parquet"]
    assert steps["decision_parquet"].due == date(2030, 5, 6)  # 4 March + 2 months, a Monday


async def test_plainte_requise_is_recorded_as_a_suggestion(time_env, client, worker, read_model):
    handle = await start_procedure(
        client, worker, SignalementWorkflow, signalement_start(created_on=MONDAY)
    )
    await skip_to(time_env, MONDAY)
    await complete(handle, "accuse_reception", "recu", MONDAY, POLICE_EVRY)
    state = await complete(handle, "retour_information", "plainte_requise", MONDAY, POLICE_EVRY)
    assert state.suggestions == ["plainte"]
    assert list(pending(state)) == ["cloture"]
    with Session(read_model) as session:
        procedure = session.get(Procedure, handle.id)
        assert procedure is not None
        assert procedure.links == [{"type": "suggestion", "kind": "plainte"}]


async def test_imported_dossier_is_overdue_at_once_from_the_dates_given(client, worker, settings):
    imported = [
        ImportedStep(key="transmission", on=date(2026, 10, 1), outcome="transmis"),
        ImportedStep(key="accuse_reception", on=date(2026, 10, 2), outcome="recu"),
    ]
    start = signalement_start(created_on=MONDAY, imported=imported, etape="retour_information")
    handle = await start_procedure(client, worker, SignalementWorkflow, start)
    state = await view(handle)
    done = {s.key: s.completed_on for s in state.steps if not s.pending}
    assert done == {"transmission": date(2026, 10, 1), "accuse_reception": date(2026, 10, 2)}
    feedback = pending(state)["retour_information"]
    # 15 days from 2 October 2026 → Saturday 17 October → Monday 19 October 2026: long past.
    assert feedback.due == date(2026, 10, 19)
    assert feedback.overdue and feedback.escalated and not feedback.reminded


async def test_cancel_by_the_bailleur_cancels_pending_steps(client, worker, read_model):
    from domain.contracts import CancelProcedure
    from workflows.engine import ProcedureWorkflow

    handle = await start_procedure(
        client, worker, SignalementWorkflow, signalement_start(created_on=MONDAY)
    )
    with pytest.raises(WorkflowUpdateFailedError):
        await handle.execute_update(
            ProcedureWorkflow.cancel, CancelProcedure(reason="erreur", org=POLICE_EVRY, sub="x")
        )
    await handle.execute_update(
        ProcedureWorkflow.cancel, CancelProcedure(reason="faits résolus", org=BAILLEUR, sub="j")
    )
    result = await handle.result()
    assert result.status == ProcedureStatus.CANCELLED
    assert not pending(result)
    with Session(read_model) as session:
        procedure = session.get(Procedure, handle.id)
        assert procedure is not None and procedure.status == "cancelled"
        step = session.exec(select(Step).where(Step.key == "accuse_reception")).one()
        assert step.status == "cancelled"


async def test_transmission_produces_the_fiche_de_signalement(client, worker, read_model):
    from docx import Document as Docx

    from store.tables import Document

    handle = await start_procedure(
        client,
        worker,
        SignalementWorkflow,
        signalement_start(created_on=MONDAY, destinataire="forces_et_parquet"),
    )
    with Session(read_model) as session:
        row = session.exec(select(Document).where(Document.procedure_id == handle.id)).one()
    assert row.kind == "fiche_signalement" and row.step_key == "transmission"
    text = "\n".join(
        [p.text for p in Docx(row.path).paragraphs]
        + [c.text for t in Docx(row.path).tables for r in t.rows for c in r.cells]
    )
    assert "Démo — Habitat Essonne" in text
    assert "Commissariat d’agglomération d'Evry-Corbeil" in text
    assert "Parquet du tribunal judiciaire d'Évry-Courcouronnes" in text
    assert "Évry-Courcouronnes" in text and "Résidence des Tilleuls" in text
    assert "20 novembre 2026" in text
    events = (await view(handle)).events
    assert any(e.type == "document_generated" for e in events)


async def test_an_internal_service_agent_pv_goes_through_the_opj(time_env, client, worker):
    start = signalement_start(
        created_on=MONDAY,
        source="agent_assermente",
        constate_le="2030-03-01",
        agent_assermente="assermentation-2026-000002",
        infraction="R. 635-1",
    )
    start.resolved["agent_route"] = "service_interne_securite"
    handle = await start_procedure(client, worker, SignalementWorkflow, start)
    steps = pending(await view(handle))
    # The bailleur hands the PV to the competent OPJ first (CSI L. 614-6): finding Friday
    # 1 March 2030 + 5 days → Wednesday 6 March 2030, the limit for the PV to reach the procureur.
    handing = steps["remise_pv_opj"]
    assert (handing.org, handing.due) == (BAILLEUR, date(2030, 3, 6))
    assert handing.legal_basis == "art. L. 614-6 CSI (à peine de nullité)"
    assert "transmission_pv" not in steps
    await skip_to(time_env, MONDAY)
    state = await complete(handle, "remise_pv_opj", "remis", MONDAY, BAILLEUR)
    pv = pending(state)["transmission_pv"]
    # The OPJ sends it on within the same 5 days from the finding, not 5 days from the handing
    # (which would give Monday 11 March): still Wednesday 6 March 2030.
    assert (pv.org, pv.opened_on, pv.due) == (POLICE_EVRY, MONDAY, date(2030, 3, 6))
    assert pv.legal_basis == "art. L. 614-6 CSI (à peine de nullité)"
    with pytest.raises(WorkflowUpdateFailedError) as refused:
        await complete(handle, "transmission_pv", "transmis", date(2030, 3, 1), POLICE_EVRY)
    # The OPJ cannot send it before it was handed to him: the step opened on 4 March.
    message = refused.value.cause.message  # type: ignore[union-attr]
    assert "La date saisie (01/03/2030) précède l'ouverture de l'étape" in message
    assert "(04/03/2030)" in message
    await complete(handle, "transmission_pv", "transmis", MONDAY, POLICE_EVRY)


async def test_a_garde_particulier_pv_is_sent_by_the_bailleur_under_cpp_29(client, worker):
    start = signalement_start(
        created_on=MONDAY,
        source="agent_assermente",
        constate_le="2030-03-01",
        agent_assermente="assermentation-2026-000001",
        infraction="R. 635-1",
    )
    handle = await start_procedure(client, worker, SignalementWorkflow, start)
    pv = pending(await view(handle))["transmission_pv"]
    assert (pv.org, pv.due, pv.legal_basis) == (
        BAILLEUR,
        date(2030, 3, 6),
        "art. 29 CPP (à peine de nullité)",
    )
    assert "remise_pv_opj" not in pending(await view(handle))


async def test_a_denonciation_classee_opens_the_recours_without_due_date(time_env, client, worker):
    start = signalement_start(created_on=MONDAY, destinataire="parquet")
    handle = await start_procedure(client, worker, SignalementWorkflow, start)
    await skip_to(time_env, date(2030, 3, 11))
    state = await complete(
        handle, "decision_parquet", "classement", date(2030, 3, 11), PARQUET, motif="inconnu"
    )
    recourse = pending(state)["recours_procureur_general"]
    assert (recourse.org, recourse.due, recourse.opened_on) == (BAILLEUR, None, date(2030, 3, 11))
    state = await complete(
        handle, "recours_procureur_general", "forme", date(2030, 3, 11), BAILLEUR
    )
    assert list(pending(state)) == ["cloture"]
