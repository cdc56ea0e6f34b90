"""The résiliation's dates people rely on in court, on the time-skipping server: a date the law
forbids cannot be recorded, délais granted and a moved trêve move what waits on them, the
rehousing offer's month runs from its sending, the CCAPEX referral comes two months before the
assignation, a refused concours can be asked again. Every date computed by hand."""

from __future__ import annotations

from datetime import date

from temporalio.client import WorkflowHandle

from domain.calendar import TreveHivernale
from domain.contracts import PolicyRevision, ProcedureStatus
from tests.builders import (
    BAILLEUR,
    COMMISSAIRE,
    PARQUET,
    PREFECTURE,
    TRIBUNAL,
    resiliation_start,
)
from tests.workflows.helpers import (
    Acts,
    complete,
    declare,
    due,
    milestone,
    pending,
    refused,
    start_procedure,
)
from workflows.engine import ProcedureWorkflow
from workflows.resiliation import ResiliationWorkflow

GRACE = {"juge": "jex", "fondement": "L. 412-3"}


async def to_hearing(proc: Acts, impayes: bool = False) -> None:
    """From the start (Monday 4 March 2030) to a hearing held on Monday 1 July 2030."""
    await proc.act("demande_information_parquet", "aucune_information", "2030-03-08", PARQUET)
    await proc.act("constitution_dossier", "complet", "2030-03-11", BAILLEUR)
    if impayes:
        await proc.act("saisine_ccapex", "saisie", "2030-03-11", BAILLEUR)
    await proc.act("mise_en_demeure", "envoyee", "2030-03-12", BAILLEUR)
    await proc.act("delai_mise_en_demeure", "troubles_persistants", "2030-04-15", BAILLEUR)
    await proc.skip_to(date(2030, 5, 14))
    await proc.act("assignation", "delivree", "2030-05-14", COMMISSAIRE, audience="2030-07-01")
    await proc.act("audience", "tenue", "2030-07-01", TRIBUNAL)


async def started(time_env, client, worker, **facts) -> tuple[WorkflowHandle, Acts]:  # type: ignore[no-untyped-def]
    start = resiliation_start(date(2030, 3, 4), **facts)
    handle = await start_procedure(client, worker, ResiliationWorkflow, start)
    return handle, Acts(time_env, handle)


async def test_an_unlawful_expulsion_day_cannot_be_recorded_nor_a_postponement_to_one(
    time_env, client, worker
):
    handle, proc = await started(time_env, client, worker)
    await to_hearing(proc)
    await proc.act("jugement", "resiliation_prononcee", "2030-07-08", TRIBUNAL)
    await proc.act("signification_jugement", "signifie", "2030-07-09", COMMISSAIRE)
    await proc.act("commandement_quitter_les_lieux", "delivre", "2030-07-10", COMMISSAIRE)
    state = await proc.act("information_prefet_ccapex", "informe", "2030-07-10", COMMISSAIRE)
    # 10 July + 2 months → Tuesday 10 September 2030 (CPCE L. 412-1).
    assert milestone(state, "fin_delai_commandement").date == date(2030, 9, 10)
    await proc.act("requisition_force_publique", "requise", "2030-09-11", COMMISSAIRE)
    state = await proc.act("decision_concours_force_publique", "accorde", "2030-09-13", PREFECTURE)
    assert due(state, "expulsion") == date(2030, 9, 13)  # a Friday, outside the trêve

    await proc.skip_to(date(2030, 9, 15))
    sunday = complete(handle, "expulsion", "realisee", date(2030, 9, 15), COMMISSAIRE)
    assert await refused(sunday) == (
        "Expulsion impossible le dimanche 15 septembre 2030 : le 15 septembre 2030 "
        "est un dimanche, aucune exécution possible (art. L. 141-1 CPCE). Premier jour "
        "possible : lundi 16 septembre 2030."
    )
    await proc.skip_to(date(2030, 9, 16))
    into_the_treve = complete(
        handle, "expulsion", "reportee", date(2030, 9, 16), COMMISSAIRE, nouvelle_date="2030-11-05"
    )
    message = await refused(into_the_treve)
    assert "trêve hivernale" in message
    assert message.endswith("Premier jour possible : mardi 1er avril 2031.")
    armistice = complete(
        handle, "expulsion", "reportee", date(2030, 9, 16), COMMISSAIRE, nouvelle_date="2030-08-15"
    )
    assert "doit suivre la date saisie" in await refused(armistice)
    holiday = complete(
        handle, "expulsion", "reportee", date(2030, 9, 16), COMMISSAIRE, nouvelle_date="2030-11-11"
    )
    assert "Premier jour possible : mardi 1er avril 2031." in await refused(holiday)

    state = await complete(
        handle, "expulsion", "reportee", date(2030, 9, 16), COMMISSAIRE, nouvelle_date="2030-10-28"
    )
    assert due(state, "expulsion") == date(2030, 10, 28)
    await proc.skip_to(date(2030, 11, 4))
    # The postponed date passed: a day inside the trêve is still refused.
    late = complete(handle, "expulsion", "realisee", date(2030, 11, 4), COMMISSAIRE)
    assert "Premier jour possible : mardi 1er avril 2031." in await refused(late)
    state = await complete(handle, "expulsion", "realisee", date(2030, 10, 29), COMMISSAIRE)
    assert list(pending(state)) == ["cloture"]


async def test_delais_a_refused_concours_renewed_a_late_grant_and_a_moved_treve(
    time_env, client, worker
):
    handle, proc = await started(time_env, client, worker)
    await to_hearing(proc)
    early = declare(
        handle, "delais_accordes", "2030-07-01", BAILLEUR, jusqu_au="2030-09-01", **GRACE
    )
    assert "qu'après le jugement" in await refused(early)
    await proc.act(
        "jugement",
        "resiliation_prononcee",
        "2030-10-07",
        TRIBUNAL,
        delais_accordes_jusqu_au="2031-01-15",
    )
    await proc.act("signification_jugement", "signifie", "2030-10-14", COMMISSAIRE)
    await proc.act("commandement_quitter_les_lieux", "delivre", "2030-10-21", COMMISSAIRE)
    state = await proc.act("information_prefet_ccapex", "informe", "2030-10-21", COMMISSAIRE)
    # 21 October + 2 months → Saturday 21 December → Monday 23 December 2030.
    assert milestone(state, "fin_delai_commandement").date == date(2030, 12, 23)

    # The judgment's délais run to 15 January 2031: no réquisition before the 16th.
    await proc.skip_to(date(2031, 1, 15))
    assert "requisition_force_publique" not in pending(await proc.view())
    await proc.skip_to(date(2031, 1, 16))
    requisition = pending(await proc.view())["requisition_force_publique"]
    assert (requisition.opened_on, requisition.not_before) == (date(2031, 1, 16), date(2031, 1, 16))

    await proc.skip_to(date(2031, 1, 20))
    too_long = declare(
        handle, "delais_accordes", "2031-01-20", BAILLEUR,
        jusqu_au="2031-04-01", juge="jex", fondement="L. 412-2",
    )  # fmt: skip
    # The 2-month delay ended on 23 December 2030: prorogued by 3 months at most (L. 412-2).
    assert "au plus tard le 23 mars 2031" in await refused(too_long)
    state = await declare(
        handle, "delais_accordes", "2031-01-20", BAILLEUR,
        jusqu_au="2031-03-20", juge="jex", fondement="L. 412-2",
    )  # fmt: skip
    assert pending(state)["requisition_force_publique"].not_before == date(2031, 3, 21)
    assert milestone(state, "fin_delais_accordes").date == date(2031, 3, 20)
    too_soon = complete(
        handle, "requisition_force_publique", "requise", date(2031, 1, 20), COMMISSAIRE
    )
    assert "ne peut être faite avant le vendredi 21 mars 2031" in await refused(too_soon)

    await proc.act("requisition_force_publique", "requise", "2031-03-21", COMMISSAIRE)
    state = await proc.act("decision_concours_force_publique", "refuse", "2031-03-24", PREFECTURE)
    assert set(pending(state)) == {"recours_indemnitaire", "requisition_force_publique"}
    by_the_bailleur = declare(handle, "concours_accorde", "2031-03-25", BAILLEUR)
    assert "préfet" in await refused(by_the_bailleur)
    await proc.skip_to(date(2031, 3, 25))
    state = await declare(handle, "concours_accorde", "2031-03-25", PREFECTURE)
    skipped = [s for s in state.steps if s.key == "requisition_force_publique"][-1]
    assert skipped.status == "skipped"
    expulsion = pending(state)["expulsion"]
    # Granted Tuesday 25 March 2031, inside the trêve → Tuesday 1 April 2031.
    assert expulsion.due == date(2031, 4, 1)
    assert expulsion.due_explanation.startswith(
        "fin des délais accordés le 20 mars 2031 (art. L. 412-2 à L. 412-4 CPCE), lendemain : "
        "vendredi 21 mars 2031 → concours de la force publique accordé le mardi 25 mars 2031"
    )
    assert "recours_indemnitaire" in pending(state)  # the claim stays open

    await proc.skip_to(date(2031, 5, 22))
    ascension = complete(handle, "expulsion", "realisee", date(2031, 5, 22), COMMISSAIRE)
    assert "Premier jour possible : vendredi 23 mai 2031." in await refused(ascension)

    # A text moves the end of the 2031 trêve to 31 May: Sunday 1 June, Whit Monday 2 June →
    # Tuesday 3 June 2031.
    treve = TreveHivernale().moved(2031, date(2031, 5, 31))
    revision = PolicyRevision(treve=treve, reason="loi du 20 mai 2031", sub="admin")
    state = await handle.execute_update(ProcedureWorkflow.revise_policy, revision)
    assert due(state, "expulsion") == date(2031, 6, 3)
    assert any(e.type == "policy_revised" for e in state.events)
    assert any(e.type == "step_rescheduled" for e in state.events)
    await proc.skip_to(date(2031, 5, 23))
    inside = complete(handle, "expulsion", "realisee", date(2031, 5, 23), COMMISSAIRE)
    assert "Premier jour possible : mardi 3 juin 2031." in await refused(inside)

    too_short = declare(
        handle, "delais_accordes", "2031-05-23", BAILLEUR, jusqu_au="2031-06-10", **GRACE
    )
    assert "d'un mois à un an" in await refused(too_short)
    state = await declare(
        handle, "delais_accordes", "2031-05-23", BAILLEUR, jusqu_au="2031-07-10", **GRACE
    )
    expulsion = pending(state)["expulsion"]
    assert expulsion.due == date(2031, 7, 11)  # the day after the délais, a Friday
    assert "fin des délais accordés le 10 juillet 2031" in expulsion.due_explanation

    await proc.act("expulsion", "realisee", "2031-07-11", COMMISSAIRE)
    state = await proc.act("recours_indemnitaire", "forme", "2031-07-15", BAILLEUR)
    assert list(pending(state)) == ["cloture"]
    state = await proc.act("cloture", "close", "2031-07-15", BAILLEUR)
    assert state.status == ProcedureStatus.CLOSED


async def test_a_renewed_requisition_and_giving_up(time_env, client, worker):
    handle, proc = await started(time_env, client, worker)
    await to_hearing(proc)
    await proc.act(
        "jugement", "resiliation_prononcee", "2030-07-08", TRIBUNAL, delai_deux_mois="supprime"
    )
    await proc.act("signification_jugement", "signifie", "2030-07-09", COMMISSAIRE)
    await proc.act("commandement_quitter_les_lieux", "delivre", "2030-07-10", COMMISSAIRE)
    await proc.act("information_prefet_ccapex", "informe", "2030-07-10", COMMISSAIRE)
    for asked, refused_on in (("2030-07-11", "2030-07-20"), ("2030-07-22", "2030-08-01")):
        await proc.act("requisition_force_publique", "requise", asked, COMMISSAIRE)
        state = await proc.act("decision_concours_force_publique", "refuse", refused_on, PREFECTURE)
        assert set(pending(state)) == {"recours_indemnitaire", "requisition_force_publique"}
        # Renewing is the bailleur's choice: tracked without a due date, never overdue.
        assert pending(state)["requisition_force_publique"].due is None
    await proc.skip_to(date(2031, 1, 5))
    late = [s.key for s in (await proc.view()).steps if s.pending and s.overdue]
    assert "requisition_force_publique" not in late, late
    claims = [s for s in state.steps if s.key == "recours_indemnitaire"]
    assert len(claims) == 1  # one claim for the whole refusal, beside the renewals
    state = await proc.act("requisition_force_publique", "renonce", "2030-08-05", COMMISSAIRE)
    assert list(pending(state)) == ["recours_indemnitaire"]


async def test_the_ccapex_two_months_before_an_assignation_resting_on_a_debt(
    time_env, client, worker
):
    handle, proc = await started(time_env, client, worker, impayes=True)
    state = await proc.act("constitution_dossier", "complet", "2030-03-11", BAILLEUR)
    assert {"mise_en_demeure", "saisine_ccapex"} <= set(pending(state))
    await proc.act("mise_en_demeure", "envoyee", "2030-03-12", BAILLEUR)
    state = await proc.act("delai_mise_en_demeure", "troubles_persistants", "2030-04-15", BAILLEUR)
    assert "assignation" not in pending(state)  # not before the referral
    state = await proc.act("saisine_ccapex", "saisie", "2030-04-16", BAILLEUR)
    # 16 April + 2 months → Sunday 16 June → Monday 17 June 2030 (the later day, UNCONF);
    # assignation from Tuesday 18 June, due a month later.
    assert milestone(state, "fin_delai_ccapex").date == date(2030, 6, 17)
    assignation = pending(state)["assignation"]
    assert (assignation.not_before, assignation.due) == (date(2030, 6, 18), date(2030, 7, 18))
    await proc.skip_to(date(2030, 6, 17))
    early = complete(
        handle, "assignation", "delivree", date(2030, 6, 17), COMMISSAIRE, audience="2030-09-02"
    )
    assert await refused(early) == (
        "L'assignation ne peut être délivrée avant le mardi 18 juin 2030 : deux "
        "mois après la saisine de la CCAPEX (art. 24 II loi 89-462, à peine d'irrecevabilité)."
    )
    await proc.skip_to(date(2030, 6, 18))
    state = await complete(
        handle, "assignation", "delivree", date(2030, 6, 18), COMMISSAIRE, audience="2030-09-02"
    )
    assert "audience" in pending(state)


async def test_the_tenants_month_runs_from_the_offers_sending(time_env, client, worker):
    handle, proc = await started(time_env, client, worker)
    await proc.act("constitution_dossier", "complet", "2030-03-11", BAILLEUR)
    await proc.act("mise_en_demeure", "envoyee", "2030-03-12", BAILLEUR)
    state = await proc.act(
        "delai_mise_en_demeure", "troubles_persistants", "2030-04-15", BAILLEUR,
        offre_relogement=True,
    )  # fmt: skip
    assert "reponse_offre_relogement" not in pending(state)
    kinds = [e.data.get("kind") for e in state.events if e.type == "document_generated"]
    assert "offre_relogement" in kinds  # the letter, produced as the sending step opens
    state = await proc.act("envoi_offre_relogement", "envoyee", "2030-04-25", BAILLEUR)
    # Sent Thursday 25 April + 1 month → Saturday 25 May → Monday 27 May 2030.
    answer = pending(state)["reponse_offre_relogement"]
    assert (answer.opened_on, answer.due) == (date(2030, 4, 25), date(2030, 5, 27))
    state = await proc.act("reponse_offre_relogement", "refusee", "2030-05-02", BAILLEUR)
    assert pending(state)["assignation"].opened_on == date(2030, 5, 2)


async def test_the_appeal_of_a_refere_order_is_open_15_days(time_env, client, worker):
    handle, proc = await started(time_env, client, worker)
    await to_hearing(proc)
    await proc.act("jugement", "resiliation_prononcee", "2030-07-08", TRIBUNAL, refere=True)
    state = await proc.act("signification_jugement", "signifie", "2030-07-09", COMMISSAIRE)
    # Served Tuesday 9 July + 15 days → Wednesday 24 July 2030 (CPC 490).
    appeal = milestone(state, "delai_appel")
    assert appeal.date == date(2030, 7, 24)
    assert "art. 490 CPC" in appeal.legal_basis
