"""The plainte on the time-skipping server, through each branch, dates computed by hand."""

from __future__ import annotations

from datetime import date
from typing import Any

from domain.contracts import ProcedureStart, ProcedureStatus
from tests.builders import BAILLEUR, PARQUET, POLICE_EVRY, TRIBUNAL, plainte_start
from tests.workflows.helpers import (
    Acts,
    complete,
    declare,
    due,
    milestone,
    pending,
    refused,
    start_procedure,
    view,
)
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
        "depot_plainte",
        "enregistree",
        "2030-03-14",
        POLICE_EVRY,
        numero_procedure="2030/000123",
        copie_procureur_le="2030-03-14",
    )
    # A copy sent to the procureur Thursday 14 March 2030 + 3 months → Friday 14 June 2030
    # at 24:00 (CPP 85, 801): admissible from Saturday 15 June 2030.
    assert milestone(state, "partie_civile").date == date(2030, 6, 15)
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
    # Lodged with the procureur Wednesday 6 March 2030 → Thursday 6 June at 24:00 → 7 June.
    assert milestone(state, "partie_civile").date == date(2030, 6, 7)
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
    start = filed_by("en_ligne", "degradations", "2030-02-01T10:00", "delit", facts)
    handle = await start_procedure(client, worker, PlainteWorkflow, start)
    proc = Acts(time_env, handle)
    await proc.act("preparation_dossier", "pret", "2030-03-04", BAILLEUR)
    state = await proc.act(
        "depot_plainte", "enregistree", "2030-03-05", BAILLEUR, numero_procedure="EN-LIGNE-7"
    )
    # Filed online, no copy to the procureur yet: CPP 85's 3 months have not started.
    assert "partie_civile" not in {m.key for m in state.milestones}
    await proc.act("enquete", "transmise_parquet", "2030-03-08", POLICE_EVRY)
    state = await declare(handle, "copie_procureur", "2030-03-08", BAILLEUR)
    # Copy sent Friday 8 March 2030 + 3 months → Saturday 8 June; Sunday 9 and Monday 10 June
    # (Whit Monday, Easter 2030 being 21 April) are days off, so the term is extended to
    # Tuesday 11 June at 24:00 (CPP 801) → admissible from Wednesday 12 June 2030.
    assert milestone(state, "partie_civile").date == date(2030, 6, 12)
    await proc.skip_to(date(2030, 6, 11))
    assert "partie_civile_possible" not in pending(await proc.view())
    await proc.skip_to(date(2030, 6, 12))
    state = await proc.view()
    assert pending(state)["partie_civile_possible"].opened_on == date(2030, 6, 12)
    state = await proc.act("decision_parquet", "alternative", "2030-06-12", PARQUET)
    await complete(handle, "avis_plaignant", "notifie", date(2030, 6, 12), PARQUET)
    await complete(handle, "cloture", "close", date(2030, 6, 12), BAILLEUR)
    result = await handle.result()
    assert result.status == ProcedureStatus.CLOSED
    civil = next(s for s in result.steps if s.key == "partie_civile_possible")
    assert civil.status == "skipped"


async def test_a_contravention_never_opens_the_partie_civile(time_env, client, worker):
    facts = {"description": "Tags."}
    start = filed_by("en_ligne", "degradations", "2030-02-01T10:00", "contravention", facts)
    handle = await start_procedure(client, worker, PlainteWorkflow, start)
    proc = Acts(time_env, handle)
    # Contravention: 1 year; 1 February 2031 is a Saturday, shown as it is.
    assert milestone(await proc.view(), "prescription").date == date(2031, 2, 1)
    await proc.act("preparation_dossier", "pret", "2030-03-04", BAILLEUR)
    state = await proc.act(
        "depot_plainte",
        "enregistree",
        "2030-03-05",
        BAILLEUR,
        numero_procedure="EN-LIGNE-8",
        copie_procureur_le="2030-03-05",
    )
    assert "partie_civile" not in {m.key for m in state.milestones}
    message = await refused(declare(handle, "copie_procureur", "2030-03-05", BAILLEUR))
    assert "contravention" in message and "art. 79" in message
    await proc.act("enquete", "transmise_parquet", "2030-03-10", POLICE_EVRY)
    await proc.skip_to(date(2030, 6, 7))  # past any 3 months
    assert "partie_civile_possible" not in pending(await proc.view())
    state = await proc.act(
        "decision_parquet", "classement", "2030-06-07", PARQUET, motif="auteur inconnu"
    )
    # No instruction for a contravention (CPP 79): only the notice and the recours (CPP 40-3).
    assert set(pending(state)) == {"avis_plaignant", "recours_procureur_general"}


async def test_a_crime_opens_the_partie_civile_at_the_filing(time_env, client, worker):
    facts = {"description": "Agression armée du gardien."}
    start = filed_by("commissariat", "agression_personnel", "2030-02-01T10:00", "crime", facts)
    handle = await start_procedure(client, worker, PlainteWorkflow, start)
    proc = Acts(time_env, handle)
    # Crime: 20 years (CPP 7).
    assert milestone(await proc.view(), "prescription").date == date(2050, 2, 1)
    await proc.act("preparation_dossier", "pret", "2030-03-04", BAILLEUR)
    await proc.act("rendez_vous_depot", "fixe", "2030-03-04", POLICE_EVRY, rendez_vous="2030-03-05")
    state = await proc.act(
        "depot_plainte", "enregistree", "2030-03-05", POLICE_EVRY, numero_procedure="2030/77"
    )
    # CPP 85 exempts crimes from the 3 months: admissible at once, on Tuesday 5 March 2030.
    assert milestone(state, "partie_civile").date == date(2030, 3, 5)
    assert pending(state)["partie_civile_possible"].opened_on == date(2030, 3, 5)
    message = await refused(declare(handle, "copie_procureur", "2030-03-05", BAILLEUR))
    assert "crime" in message


async def test_a_delit_without_copy_opens_the_partie_civile_after_a_classement(
    time_env, client, worker
):
    handle = await start_procedure(client, worker, PlainteWorkflow, plainte_start(date(2030, 3, 4)))
    proc = Acts(time_env, handle)
    await proc.act("preparation_dossier", "pret", "2030-03-04", BAILLEUR)
    await proc.act("rendez_vous_depot", "fixe", "2030-03-04", POLICE_EVRY, rendez_vous="2030-03-05")
    # A copy dated before the filing is refused, naming the first possible day.
    message = await refused(
        complete(
            handle,
            "depot_plainte",
            "enregistree",
            date(2030, 3, 5),
            POLICE_EVRY,
            numero_procedure="2030/78",
            copie_procureur_le="2030-03-04",
        )
    )
    assert "art. 85 CPP" in message and "premier jour possible : 05/03/2030" in message
    message = await refused(declare(handle, "copie_procureur", "2030-03-05", BAILLEUR))
    assert "une fois la plainte déposée" in message
    await proc.act(
        "depot_plainte", "enregistree", "2030-03-05", POLICE_EVRY, numero_procedure="2030/78"
    )
    message = await refused(declare(handle, "copie_procureur", "2030-03-04", BAILLEUR))
    assert "premier jour possible : 05/03/2030" in message
    await proc.act("enquete", "transmise_parquet", "2030-03-12", POLICE_EVRY)
    state = await proc.act(
        "decision_parquet", "classement", "2030-04-10", PARQUET, motif="auteur inconnu"
    )
    # No copy was sent, but the procureur declined to prosecute: admissible at once (CPP 85).
    assert "partie_civile" not in {m.key for m in state.milestones}
    steps = pending(state)
    assert set(steps) == {"avis_plaignant", "recours_procureur_general", "partie_civile_possible"}
    assert steps["partie_civile_possible"].opened_on == date(2030, 4, 10)
    assert steps["recours_procureur_general"].due is None  # CPP 40-3: no time limit


async def test_the_prescription_counts_from_the_day_of_the_facts_in_paris(client, worker):
    faits = {
        "categorie": "degradations",
        "le": "2030-03-10T23:30:00Z",  # 00:30 on Monday 11 March 2030 in Paris (CET, +01:00)
        "qualification": "delit",
        "description": "Portes fracturées.",
    }
    start = plainte_start(date(2030, 3, 11), faits=faits)
    handle = await start_procedure(client, worker, PlainteWorkflow, start)
    # Délit: 6 years from 11 March 2030 (CPP 8), not from 10 March.
    assert milestone(await view(handle), "prescription").date == date(2036, 3, 11)
