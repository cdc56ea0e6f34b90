"""The résiliation on the time-skipping server: every due date computed by hand."""

from __future__ import annotations

from datetime import date

import pytest
from temporalio.client import WorkflowUpdateFailedError

from domain.contracts import ProcedureStatus
from domain.facts import EnCours
from domain.imports import plan_import
from domain.procedures.resiliation import DEFINITION as RESILIATION
from domain.procedures.resiliation_facts import ResiliationFacts
from tests.builders import (
    BAILLEUR,
    COMMISSAIRE,
    PARQUET,
    PREFECTURE,
    TRIBUNAL,
    resiliation_body,
    resiliation_start,
)
from tests.workflows.helpers import Acts, complete, due, milestone, pending, start_procedure
from workflows.resiliation import ResiliationWorkflow


async def test_from_the_prefets_injunction_to_an_expulsion_after_the_treve(
    time_env, client, worker
):
    start = resiliation_start(
        date(2030, 6, 3), origine="injonction_prefet", injonction={"date": "2030-06-03"}
    )
    handle = await start_procedure(client, worker, ResiliationWorkflow, start)
    proc = Acts(time_env, handle)
    # Injunction Monday 3 June 2030 + 15 days → Tuesday 18 June 2030 (CCH L. 442-4-3).
    assert due(await proc.view(), "reponse_injonction") == date(2030, 6, 18)

    state = await proc.act("reponse_injonction", "acceptee", "2030-06-14", BAILLEUR)
    # 14 June + 1 month → Sunday 14 July (fête nationale) → Monday 15 July 2030.
    assert due(state, "saisine_juge_apres_injonction") == date(2030, 7, 15)

    state = await proc.act(
        "saisine_juge_apres_injonction",
        "assignation_delivree",
        "2030-07-10",
        BAILLEUR,
        audience="2030-09-02",
    )
    assert due(state, "audience") == date(2030, 9, 2)
    assert "notification_prefet_assignation" not in pending(state)  # no arrears claimed

    await proc.act("audience", "tenue", "2030-09-02", TRIBUNAL)
    state = await proc.act(
        "jugement", "resiliation_prononcee", "2030-10-01", TRIBUNAL, delai_deux_mois="maintenu"
    )
    # 1 Oct + 1 month → Friday 1 Nov (Toussaint) → Monday 4 Nov 2030.
    assert due(state, "signification_jugement") == date(2030, 11, 4)

    state = await proc.act("signification_jugement", "signifie", "2030-10-07", COMMISSAIRE)
    appeal = milestone(state, "delai_appel")
    assert appeal.date == date(2030, 11, 7)  # 7 Oct + 1 month, a Thursday (CPC 538)
    assert due(state, "commandement_quitter_les_lieux") == date(2030, 11, 7)

    state = await proc.act("commandement_quitter_les_lieux", "delivre", "2030-10-15", COMMISSAIRE)
    assert due(state, "information_prefet_ccapex") == date(2030, 10, 15)
    state = await proc.act("information_prefet_ccapex", "informe", "2030-10-15", COMMISSAIRE)
    delay = milestone(state, "fin_delai_commandement")
    # 15 Oct + 2 months → Sunday 15 Dec → Monday 16 Dec 2030 (CPCE L. 412-1).
    assert delay.date == date(2030, 12, 16)
    assert not pending(state)  # the requisition cannot open before the delay ends

    await proc.skip_to(date(2030, 12, 17))
    state = await proc.view()
    assert due(state, "requisition_force_publique") == date(2031, 1, 17)  # 17 Dec + 1 month
    state = await proc.act("requisition_force_publique", "requise", "2030-12-18", COMMISSAIRE)
    # 18 Dec + 2 months → Tuesday 18 February 2031 (CPCE R. 153-1).
    assert due(state, "decision_concours_force_publique") == date(2031, 2, 18)
    assert pending(state)["decision_concours_force_publique"].org == PREFECTURE

    state = await proc.act("decision_concours_force_publique", "accorde", "2031-01-06", PREFECTURE)
    expulsion = pending(state)["expulsion"]
    # Granted Monday 6 January 2031, inside the trêve → Tuesday 1 April 2031 (CPCE L. 412-6).
    assert expulsion.due == date(2031, 4, 1)
    assert "trêve hivernale" in expulsion.due_explanation

    await proc.skip_to(date(2031, 3, 31))
    with pytest.raises(WorkflowUpdateFailedError) as refused:
        await complete(handle, "expulsion", "realisee", date(2031, 3, 31), COMMISSAIRE)
    assert "Premier jour possible : mardi 1er avril 2031" in refused.value.cause.message  # type: ignore[union-attr]
    await proc.act("expulsion", "realisee", "2031-04-01", COMMISSAIRE)
    await complete(handle, "cloture", "close", date(2031, 4, 1), BAILLEUR)
    result = await handle.result()
    assert result.status == ProcedureStatus.CLOSED


async def test_suspension_adjourned_hearing_and_implicit_refusal(time_env, client, worker):
    start = resiliation_start(date(2030, 3, 4), impayes=True)
    handle = await start_procedure(client, worker, ResiliationWorkflow, start)
    proc = Acts(time_env, handle)
    state = await proc.view()
    assert due(state, "constitution_dossier") == date(2030, 4, 4)
    assert pending(state)["demande_information_parquet"].org == PARQUET
    kinds = {e.data.get("kind") for e in state.events if e.type == "document_generated"}
    assert "demande_information_parquet" in kinds

    await proc.act("demande_information_parquet", "aucune_information", "2030-03-08", PARQUET)
    state = await proc.act("constitution_dossier", "complet", "2030-03-11", BAILLEUR)
    assert due(state, "mise_en_demeure") == date(2030, 3, 26)  # 11 March + 15 days
    # Arrears claimed: the CCAPEX is referred meanwhile (loi 89 art. 24 II and IV).
    assert due(state, "saisine_ccapex") == date(2030, 3, 26)
    state = await proc.act("saisine_ccapex", "saisie", "2030-03-11", BAILLEUR)
    # 11 March + 2 months → Saturday 11 May → Monday 13 May 2030; assignation from 14 May.
    assert milestone(state, "fin_delai_ccapex").date == date(2030, 5, 13)
    state = await proc.act("mise_en_demeure", "envoyee", "2030-03-12", BAILLEUR)
    assert due(state, "delai_mise_en_demeure") == date(2030, 4, 12)
    state = await proc.act(
        "delai_mise_en_demeure",
        "troubles_persistants",
        "2030-04-15",
        BAILLEUR,
        offre_relogement=True,
    )
    assert due(state, "envoi_offre_relogement") == date(2030, 4, 30)  # 15 April + 15 days
    state = await proc.act("envoi_offre_relogement", "envoyee", "2030-04-15", BAILLEUR)
    # The tenant's month runs from the sending (CCH L. 442-4-1): Wednesday 15 May 2030.
    assert due(state, "reponse_offre_relogement") == date(2030, 5, 15)

    await proc.skip_to(date(2030, 5, 16))  # silence: the offer is refused by the law
    state = await proc.view()
    offer = next(s for s in state.steps if s.key == "reponse_offre_relogement")
    assert (offer.outcome, offer.implicite) == ("implicite_refus", True)
    # The assignation opens from 15 May: + 1 month → Saturday 15 June → Monday 17 June 2030.
    assert due(state, "assignation") == date(2030, 6, 17)

    await proc.skip_to(date(2030, 5, 20))
    with pytest.raises(WorkflowUpdateFailedError) as refused:
        await complete(
            handle, "assignation", "delivree", date(2030, 5, 20), COMMISSAIRE, audience="2030-06-20"
        )
    assert "six semaines" in refused.value.cause.message  # type: ignore[union-attr]
    state = await complete(
        handle, "assignation", "delivree", date(2030, 5, 20), COMMISSAIRE, audience="2030-07-15"
    )
    # Hearing Monday 15 July 2030 − 43 days → Sunday 2 June 2030, never shifted.
    assert due(state, "notification_prefet_assignation") == date(2030, 6, 2)
    await proc.act("notification_prefet_assignation", "notifiee", "2030-05-27", COMMISSAIRE)

    state = await proc.act(
        "audience", "renvoi", "2030-07-15", TRIBUNAL, nouvelle_audience="2030-09-16"
    )
    assert due(state, "audience") == date(2030, 9, 16)
    await proc.act("audience", "tenue", "2030-09-16", TRIBUNAL)
    await proc.act(
        "jugement", "resiliation_prononcee", "2030-10-07", TRIBUNAL, delai_deux_mois="maintenu"
    )
    await proc.act("signification_jugement", "signifie", "2030-10-14", COMMISSAIRE)
    await proc.act("commandement_quitter_les_lieux", "delivre", "2030-10-21", COMMISSAIRE)

    await proc.skip_to(date(2030, 11, 5))
    information = pending(await proc.view())["information_prefet_ccapex"]
    assert information.overdue and information.escalated
    state = await complete(
        handle, "information_prefet_ccapex", "informe", date(2030, 11, 5), COMMISSAIRE
    )
    notes = [e for e in state.events if e.type == "note"]
    assert any("suspendu" in e.message for e in notes)
    assert any(e.data.get("reprise_le") == "2030-11-05" for e in notes)
    delay = milestone(state, "fin_delai_commandement")
    # The delay runs from the information (5 Nov), not the commandement (21 Oct):
    # 5 Nov + 2 months → Sunday 5 January → Monday 6 January 2031.
    assert delay.date == date(2031, 1, 6)

    await proc.skip_to(date(2031, 1, 7))
    state = await proc.act("requisition_force_publique", "requise", "2031-01-08", COMMISSAIRE)
    # 8 Jan + 2 months → Saturday 8 March → Monday 10 March 2031.
    assert due(state, "decision_concours_force_publique") == date(2031, 3, 10)
    await proc.skip_to(date(2031, 3, 11))
    state = await proc.view()
    decision = next(s for s in state.steps if s.key == "decision_concours_force_publique")
    assert (decision.outcome, decision.implicite) == ("implicite_refus", True)
    # The claim against the State, and a renewed réquisition beside it.
    assert set(pending(state)) == {"recours_indemnitaire", "requisition_force_publique"}


async def test_imported_dossier_at_judgment_with_a_rejected_claim(time_env, client, worker):
    en_cours = EnCours(
        etape="jugement",
        dates={
            "constitution_dossier": date(2026, 1, 5),
            "mise_en_demeure": date(2026, 1, 12),
            "delai_mise_en_demeure": date(2026, 2, 16),
            "assignation": date(2026, 3, 2),
            "audience": date(2026, 5, 4),
            "demande_information_parquet": date(2026, 1, 20),
        },
        outcomes={
            "delai_mise_en_demeure": "troubles_persistants",
            "demande_information_parquet": "transmise",
        },
        data={"assignation": {"audience": "2026-05-04"}},
    )
    facts = ResiliationFacts.model_validate(resiliation_body(en_cours=en_cours.model_dump()))
    imported = plan_import(RESILIATION, facts, date(2026, 11, 1))
    assert [s.key for s in imported] == [
        "constitution_dossier",
        "demande_information_parquet",
        "mise_en_demeure",
        "delai_mise_en_demeure",
        "assignation",
        "audience",
    ]
    start = resiliation_start(date(2030, 3, 4), imported=imported, etape="jugement")
    handle = await start_procedure(client, worker, ResiliationWorkflow, start)
    proc = Acts(time_env, handle)
    state = await proc.view()
    assert list(pending(state)) == ["jugement"]
    assert pending(state)["jugement"].opened_on == date(2026, 5, 4)
    await proc.skip_to(date(2026, 12, 1))
    await complete(handle, "jugement", "rejet", date(2026, 12, 1), TRIBUNAL)
    state = await complete(handle, "cloture", "close", date(2026, 12, 1), BAILLEUR)
    result = await handle.result()
    assert result.status == ProcedureStatus.CLOSED
    assert not any(s.key == "signification_jugement" for s in result.steps)


async def test_voluntary_departure_at_any_step_leads_to_the_closing(time_env, client, worker):
    from domain.contracts import Declaration
    from workflows.engine import ProcedureWorkflow

    handle = await start_procedure(
        client, worker, ResiliationWorkflow, resiliation_start(date(2030, 3, 4))
    )

    proc = Acts(time_env, handle)
    await proc.skip_to(date(2030, 3, 6))
    state = await handle.execute_update(
        ProcedureWorkflow.declare,
        Declaration(key="appel", on=date(2030, 3, 5), org=BAILLEUR, sub="j"),
    )
    assert "constitution_dossier" in pending(state)  # an appeal is informative
    state = await handle.execute_update(
        ProcedureWorkflow.declare,
        Declaration(key="depart_volontaire", on=date(2030, 3, 6), org=BAILLEUR, sub="j"),
    )
    assert list(pending(state)) == ["cloture"]
    skipped = {s.key for s in state.steps if s.status == "skipped"}
    assert skipped == {"constitution_dossier", "demande_information_parquet"}
