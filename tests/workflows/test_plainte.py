"""The plainte on the time-skipping server, through each branch, dates computed by hand."""

from __future__ import annotations

from datetime import date

from domain.contracts import ProcedureStatus
from tests.builders import BAILLEUR, PARQUET, POLICE_EVRY, TRIBUNAL, plainte_start
from tests.workflows.helpers import complete, pending, skip_to, start_procedure, view
from workflows.plainte import PlainteWorkflow


async def act(env, handle, key, outcome, on, org, **data):
    await skip_to(env, on)
    return await complete(handle, key, outcome, on, org, **data)


def milestone(state, key):
    return next(m.date for m in state.milestones if m.key == key)


async def test_classement_then_recours_and_partie_civile(time_env, client, worker):
    handle = await start_procedure(client, worker, PlainteWorkflow, plainte_start(date(2030, 3, 4)))
    state = await view(handle)
    # Délit committed on 30 August 2029: prescribed 6 years later (CPP 8).
    assert milestone(state, "prescription") == date(2035, 8, 30)
    assert pending(state)["preparation_dossier"].due == date(2030, 3, 11)  # 5 working days

    state = await act(time_env, handle, "preparation_dossier", "pret", date(2030, 3, 5), BAILLEUR)
    assert pending(state)["rendez_vous_depot"].due == date(2030, 3, 12)
    state = await act(
        time_env,
        handle,
        "rendez_vous_depot",
        "fixe",
        date(2030, 3, 6),
        POLICE_EVRY,
        rendez_vous="2030-03-14",
    )
    assert pending(state)["depot_plainte"].due == date(2030, 3, 14)
    state = await act(
        time_env,
        handle,
        "depot_plainte",
        "enregistree",
        date(2030, 3, 14),
        POLICE_EVRY,
        numero_procedure="2030/000123",
    )
    # Filed Thursday 14 March 2030 + 3 months → Friday 14 June 2030 (CPP 85, 801).
    assert milestone(state, "partie_civile") == date(2030, 6, 14)
    assert pending(state)["enquete"].due == date(2030, 6, 14)

    state = await act(
        time_env, handle, "enquete", "transmise_parquet", date(2030, 4, 2), POLICE_EVRY
    )
    assert pending(state)["decision_parquet"].due == date(2030, 7, 2)
    state = await act(
        time_env,
        handle,
        "decision_parquet",
        "classement",
        date(2030, 4, 10),
        PARQUET,
        motif="auteur inconnu",
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
    start = plainte_start(
        date(2030, 3, 4),
        canal="courrier_procureur",
        faits={
            "categorie": "trafic_stupefiants",
            "le": "2030-01-10T18:00:00+01:00",
            "qualification": "delit",
            "trafic_stupefiants": True,
            "description": "Trafic.",
        },
    )
    handle = await start_procedure(client, worker, PlainteWorkflow, start)
    # Drug trafficking délit: 20 years (CPP 706-26).
    assert milestone(await view(handle), "prescription") == date(2050, 1, 10)
    state = await act(time_env, handle, "preparation_dossier", "pret", date(2030, 3, 5), BAILLEUR)
    filing = pending(state)["depot_plainte"]
    assert (filing.org, filing.due) == (BAILLEUR, date(2030, 3, 12))  # the bailleur writes
    state = await act(
        time_env,
        handle,
        "depot_plainte",
        "enregistree",
        date(2030, 3, 6),
        BAILLEUR,
        numero_procedure="PARQ-2030-1",
    )
    assert milestone(state, "partie_civile") == date(2030, 6, 6)
    await act(time_env, handle, "enquete", "transmise_parquet", date(2030, 3, 20), POLICE_EVRY)
    state = await act(
        time_env,
        handle,
        "decision_parquet",
        "poursuites",
        date(2030, 3, 25),
        PARQUET,
        audience="2030-06-03",
    )
    assert pending(state)["audience_penale"].due == date(2030, 6, 3)
    await complete(handle, "avis_plaignant", "notifie", date(2030, 3, 25), PARQUET)
    await act(time_env, handle, "audience_penale", "jugement", date(2030, 6, 3), TRIBUNAL)
    state = await act(
        time_env,
        handle,
        "jugement_penal",
        "condamnation",
        date(2030, 6, 17),
        TRIBUNAL,
        condamne_locataire=True,
    )
    assert state.suggestions == ["resiliation"]
    assert pending(state)["transmission_decision"].due == date(2030, 7, 17)
    assert "partie_civile_possible" not in {s.key for s in state.steps}  # prosecuted in time
    await complete(handle, "transmission_decision", "transmise", date(2030, 6, 17), PARQUET)
    await complete(handle, "cloture", "close", date(2030, 6, 17), BAILLEUR)
    assert (await handle.result()).status == ProcedureStatus.CLOSED


async def test_alternative_after_the_cpp85_date_opened_the_partie_civile(time_env, client, worker):
    start = plainte_start(
        date(2030, 3, 4),
        canal="en_ligne",
        faits={
            "categorie": "degradations",
            "le": "2030-02-01T10:00:00+01:00",
            "qualification": "contravention",
            "description": "Tags.",
        },
    )
    handle = await start_procedure(client, worker, PlainteWorkflow, start)
    # Contravention: 1 year; 1 February 2031 is a Saturday, shown as it is.
    assert milestone(await view(handle), "prescription") == date(2031, 2, 1)
    await act(time_env, handle, "preparation_dossier", "pret", date(2030, 3, 4), BAILLEUR)
    await act(
        time_env,
        handle,
        "depot_plainte",
        "enregistree",
        date(2030, 3, 5),
        BAILLEUR,
        numero_procedure="EN-LIGNE-7",
    )
    await act(time_env, handle, "enquete", "transmise_parquet", date(2030, 3, 10), POLICE_EVRY)
    await skip_to(time_env, date(2030, 6, 5))  # 5 March + 3 months: Wednesday 5 June 2030
    state = await view(handle)
    assert pending(state)["partie_civile_possible"].opened_on == date(2030, 6, 5)
    state = await act(
        time_env, handle, "decision_parquet", "alternative", date(2030, 6, 7), PARQUET
    )
    await complete(handle, "avis_plaignant", "notifie", date(2030, 6, 7), PARQUET)
    await complete(handle, "cloture", "close", date(2030, 6, 7), BAILLEUR)
    result = await handle.result()
    assert result.status == ProcedureStatus.CLOSED
    civil = next(s for s in result.steps if s.key == "partie_civile_possible")
    assert civil.status == "skipped"
