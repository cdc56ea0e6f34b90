"""The plainte on the time-skipping server, through each branch, dates computed by hand."""

from __future__ import annotations

from datetime import date
from typing import Any

from domain.contracts import ProcedureStart, ProcedureStatus
from tests.builders import BAILLEUR, PARQUET, POLICE_EVRY, TRIBUNAL, plainte_start
from tests.workflows.helpers import Acts, complete, due, milestone, pending, start_procedure
from workflows.plainte import PlainteWorkflow


def filed_by(
    canal: str, categorie: str, le: str, qualification: str, facts: dict[str, Any]
) -> ProcedureStart:
    """A plainte of 4 March 2030 sent by `canal`, of facts of `categorie` at `le` (Paris, in
    winter: +01:00) qualified as `qualification`, and `facts`."""
    faits = {"categorie": categorie, "le": f"{le}:00+01:00", "qualification": qualification}
    return plainte_start(date(2030, 3, 4), canal=canal, faits={**faits, **facts})


async def test_classement_then_recours_and_partie_civile(time_env, client, worker):
    handle = await start_procedure(client, worker, PlainteWorkflow, plainte_start(date(2030, 3, 4)))
    proc = Acts(time_env, handle)
    state = await proc.view()
    # Délit committed on 30 August 2029: prescribed 6 years later (CPP 8).
    assert milestone(state, "prescription").date == date(2035, 8, 30)
    assert due(state, "preparation_dossier") == date(2030, 3, 11)  # 5 working days

    state = await proc.act("preparation_dossier", "pret", "2030-03-05", BAILLEUR)
    assert due(state, "rendez_vous_depot") == date(2030, 3, 12)
    state = await proc.act(
        "rendez_vous_depot", "fixe", "2030-03-06", POLICE_EVRY, rendez_vous="2030-03-14"
    )
    assert due(state, "depot_plainte") == date(2030, 3, 14)
    state = await proc.act(
        "depot_plainte", "enregistree", "2030-03-14", POLICE_EVRY, numero_procedure="2030/000123"
    )
    # Filed Thursday 14 March 2030 + 3 months → Friday 14 June 2030 (CPP 85, 801).
    assert milestone(state, "partie_civile").date == date(2030, 6, 14)
    assert due(state, "enquete") == date(2030, 6, 14)

    state = await proc.act("enquete", "transmise_parquet", "2030-04-02", POLICE_EVRY)
    assert due(state, "decision_parquet") == date(2030, 7, 2)
    state = await proc.act(
        "decision_parquet", "classement", "2030-04-10", PARQUET, motif="auteur inconnu"
    )
    steps = pending(state)
    assert set(steps) == {"avis_plaignant", "recours_procureur_general", "partie_civile_possible"}
    assert steps["avis_plaignant"].due == date(2030, 4, 10)  # with the decision (CPP 40-2)
    assert steps["partie_civile_possible"].opened_on == date(2030, 4, 10)  # at once after it

    await complete(handle, "avis_plaignant", "notifie", date(2030, 4, 10), PARQUET)
    await complete(handle, "partie_civile_possible", "renonce", date(2030, 4, 10), BAILLEUR)
    state = await complete(
        handle, "recours_procureur_general", "forme", date(2030, 4, 10), BAILLEUR
    )
    assert list(pending(state)) == ["cloture"]
    await complete(handle, "cloture", "close", date(2030, 4, 10), BAILLEUR)
    assert (await handle.result()).status == ProcedureStatus.CLOSED


async def test_poursuites_to_a_conviction_that_suggests_a_resiliation(time_env, client, worker):
    facts = {"trafic_stupefiants": True, "description": "Trafic."}
    start = filed_by("courrier_procureur", "trafic_stupefiants", "2030-01-10T18:00", "delit", facts)
    handle = await start_procedure(client, worker, PlainteWorkflow, start)
    proc = Acts(time_env, handle)
    # Drug trafficking délit: 20 years (CPP 706-26).
    assert milestone(await proc.view(), "prescription").date == date(2050, 1, 10)
    state = await proc.act("preparation_dossier", "pret", "2030-03-05", BAILLEUR)
    filing = pending(state)["depot_plainte"]
    assert (filing.org, filing.due) == (BAILLEUR, date(2030, 3, 12))  # the bailleur writes
    state = await proc.act(
        "depot_plainte", "enregistree", "2030-03-06", BAILLEUR, numero_procedure="PARQ-2030-1"
    )
    assert milestone(state, "partie_civile").date == date(2030, 6, 6)
    await proc.act("enquete", "transmise_parquet", "2030-03-20", POLICE_EVRY)
    state = await proc.act(
        "decision_parquet", "poursuites", "2030-03-25", PARQUET, audience="2030-06-03"
    )
    assert due(state, "audience_penale") == date(2030, 6, 3)
    await complete(handle, "avis_plaignant", "notifie", date(2030, 3, 25), PARQUET)
    await proc.act("audience_penale", "jugement", "2030-06-03", TRIBUNAL)
    state = await proc.act(
        "jugement_penal", "condamnation", "2030-06-17", TRIBUNAL, condamne_locataire=True
    )
    assert state.suggestions == ["resiliation"]
    assert due(state, "transmission_decision") == date(2030, 7, 17)
    assert "partie_civile_possible" not in {s.key for s in state.steps}  # prosecuted in time
    await complete(handle, "transmission_decision", "transmise", date(2030, 6, 17), PARQUET)
    await complete(handle, "cloture", "close", date(2030, 6, 17), BAILLEUR)
    assert (await handle.result()).status == ProcedureStatus.CLOSED


async def test_alternative_after_the_cpp85_date_opened_the_partie_civile(time_env, client, worker):
    facts = {"description": "Tags."}
    start = filed_by("en_ligne", "degradations", "2030-02-01T10:00", "contravention", facts)
    handle = await start_procedure(client, worker, PlainteWorkflow, start)
    proc = Acts(time_env, handle)
    # Contravention: 1 year; 1 February 2031 is a Saturday, shown as it is.
    assert milestone(await proc.view(), "prescription").date == date(2031, 2, 1)
    await proc.act("preparation_dossier", "pret", "2030-03-04", BAILLEUR)
    await proc.act(
        "depot_plainte", "enregistree", "2030-03-05", BAILLEUR, numero_procedure="EN-LIGNE-7"
    )
    await proc.act("enquete", "transmise_parquet", "2030-03-10", POLICE_EVRY)
    await proc.skip_to(date(2030, 6, 5))  # 5 March + 3 months: Wednesday 5 June 2030
    state = await proc.view()
    assert pending(state)["partie_civile_possible"].opened_on == date(2030, 6, 5)
    state = await proc.act("decision_parquet", "alternative", "2030-06-07", PARQUET)
    await complete(handle, "avis_plaignant", "notifie", date(2030, 6, 7), PARQUET)
    await complete(handle, "cloture", "close", date(2030, 6, 7), BAILLEUR)
    result = await handle.result()
    assert result.status == ProcedureStatus.CLOSED
    civil = next(s for s in result.steps if s.key == "partie_civile_possible")
    assert civil.status == "skipped"
