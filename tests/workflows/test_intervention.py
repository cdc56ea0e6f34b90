"""A joint intervention with three actions for three organisations, evaluated against the
territory's indicators from the read model (a hand-made data set)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlmodel import Session, select
from temporalio.client import WorkflowUpdateFailedError

from activities.projection import ProjectionActivities
from domain.contracts import ProcedureStatus
from store.tables import Step
from tests.builders import (
    BAILLEUR,
    PARQUET,
    POLICE_EVRY,
    intervention_body,
    signalement_body,
    snapshot_of,
    start_of,
)
from tests.workflows.helpers import complete, due, pending, skip_to, start_procedure, view
from workflows.intervention_conjointe import InterventionWorkflow

ACTIONS = [
    {"org": BAILLEUR, "libelle": "Éclairage du hall B2 remplacé", "date": "2030-03-20"},
    {"org": POLICE_EVRY, "libelle": "Présence renforcée en soirée", "date": "2030-03-25"},
    {"org": PARQUET, "libelle": "Traitement prioritaire du secteur", "date": "2030-04-01"},
]
# Facts at the Tilleuls (and one elsewhere): the evaluation of 1 July 2030 compares
# [7 Dec 2029, 20 Mar 2030) with [20 Mar 2030, 1 Jul 2030), 103 days each.
FACTS = [
    ("2029-11-20T22:00:00+01:00", "occupation_halls", "Résidence des Tilleuls"),  # too early
    ("2030-01-10T22:00:00+01:00", "occupation_halls", "Résidence des Tilleuls"),
    ("2030-01-24T23:00:00+01:00", "occupation_halls", "Résidence des Tilleuls"),
    ("2030-02-14T21:00:00+01:00", "degradations", "Résidence des Tilleuls"),
    ("2030-05-05T22:00:00+02:00", "occupation_halls", "Résidence des Tilleuls"),
    ("2030-05-06T22:00:00+02:00", "occupation_halls", "Résidence des Peupliers"),  # elsewhere
]


def project_facts(read_model) -> None:
    projection = ProjectionActivities(read_model)
    for number, (moment, category, residence) in enumerate(FACTS, start=1):
        body = signalement_body(faits_le=moment, categorie=category)
        body["residence"]["nom"] = residence
        created = datetime(2030, 1, 1, tzinfo=UTC)
        procedure_id = f"signalement-2030-{number:06d}"
        snapshot = snapshot_of(
            procedure_id, body, created, title="Signalement", residence_nom=residence
        )
        projection.project(snapshot)


async def test_three_actions_for_three_organisations_then_the_evaluation(
    time_env, client, worker, read_model
):
    project_facts(read_model)
    start = start_of("intervention_conjointe", intervention_body(), date(2030, 3, 4))
    handle = await start_procedure(client, worker, InterventionWorkflow, start)
    assert set(pending(await view(handle))) == {"validation_bailleur", "validation_forces"}
    await skip_to(time_env, date(2030, 3, 5))
    await complete(handle, "validation_bailleur", "accepte", date(2030, 3, 5), BAILLEUR)
    await complete(handle, "validation_forces", "accepte", date(2030, 3, 5), POLICE_EVRY)
    await skip_to(time_env, date(2030, 3, 6))
    with pytest.raises(WorkflowUpdateFailedError) as bad_plan:
        await complete(
            handle,
            "planification",
            "planifiee",
            date(2030, 3, 6),
            POLICE_EVRY,
            actions=[{"org": POLICE_EVRY, "libelle": "Sans date"}],
        )
    assert "Actions du plan invalides" in bad_plan.value.cause.message  # type: ignore[union-attr]
    state = await complete(
        handle, "planification", "planifiee", date(2030, 3, 6), POLICE_EVRY, actions=ACTIONS
    )
    actions = [s for s in state.steps if s.key == "action" and s.pending]
    assert sorted((a.org, a.due) for a in actions) == [
        (BAILLEUR, date(2030, 3, 20)),
        (PARQUET, date(2030, 4, 1)),
        (POLICE_EVRY, date(2030, 3, 25)),
    ]
    with Session(read_model) as session:  # each organisation finds only its own action
        for org in (BAILLEUR, POLICE_EVRY, PARQUET):
            inbox = session.exec(
                select(Step).where(Step.org_id == org, Step.status == "pending")
            ).all()
            assert [(s.key, s.due) for s in inbox] == [
                ("action", date.fromisoformat(next(a["date"] for a in ACTIONS if a["org"] == org)))
            ]
    for action in sorted(actions, key=lambda a: a.due):  # parallel steps, named "key:seq"
        await skip_to(time_env, action.due)
        await complete(handle, f"action:{action.seq}", "realisee", action.due, action.org)
    state = await view(handle)
    assert due(state, "compte_rendu") == date(2030, 4, 8)  # 7 days after 1 April
    await skip_to(time_env, date(2030, 4, 3))
    await complete(handle, "compte_rendu", "transmis", date(2030, 4, 3), POLICE_EVRY)
    assert not pending(await view(handle))  # the evaluation waits 3 months

    await skip_to(time_env, date(2030, 7, 1))
    state = await view(handle)
    assert pending(state)["evaluation"].opened_on == date(2030, 7, 1)
    note = next(e for e in state.events if e.data.get("avant") is not None)
    assert note.data["avant"] == {"occupation_halls": 2, "degradations": 1}
    assert note.data["apres"] == {"occupation_halls": 1}
    assert note.data["periode_avant"] == ["2029-12-07", "2030-03-20"]
    await complete(handle, "evaluation", "efficace", date(2030, 7, 1), BAILLEUR)
    await complete(handle, "cloture", "close", date(2030, 7, 1), BAILLEUR)
    assert (await handle.result()).status == ProcedureStatus.CLOSED
