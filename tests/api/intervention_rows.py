"""A joint intervention of the Tilleuls in the read model, written by the real projection: its
plan, actions, report and indicators, at the evaluation or at the planning."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Engine

from activities.projection import ProjectionActivities
from domain.actors import Actor
from domain.contracts import EventRecord
from domain.procedures.intervention_conjointe import CATALOG as INTERVENTION
from domain.steps import StepState, StepStatus
from tests.api.rows import BAILLEUR, PARQUET, POLICE_EVRY, at, step
from tests.builders import intervention_body, snapshot_of

INTERVENTION_ID = "intervention_conjointe-2030-000001"
ACTIONS = [
    {"org": BAILLEUR, "libelle": "Éclairage du hall B2 remplacé", "date": "2030-03-20"},
    {"org": POLICE_EVRY, "libelle": "Présence renforcée en soirée", "date": "2030-03-25"},
    {"org": PARQUET, "libelle": "Traitement prioritaire du secteur", "date": "2030-04-01"},
]
REPORT = "Trois patrouilles en soirée, aucun rassemblement constaté."
INDICATORS: dict[str, Any] = {
    "avant": {"occupation_halls": 2, "degradations": 1},
    "apres": {"occupation_halls": 1},
    "periode_avant": ["2029-12-07", "2030-03-20"],
    "periode_apres": ["2030-03-20", "2030-07-01"],
}


def done(key: str, org: str, day: date, outcome: str, actor: Actor, **extra: object) -> StepState:
    """A step completed by `org` on `day`."""
    base = step(key, org, day, actor=actor, status=StepStatus.DONE, outcome=outcome)
    return base.model_copy(update={"completed_on": day, "label": label_of(key), **extra})


def label_of(key: str) -> str:
    """The label the workflow gives the step."""
    return INTERVENTION.spec(key).label


def evaluated_steps() -> list[StepState]:
    """An intervention validated, planned, carried out, reported, its evaluation open."""
    actions = []
    for seq, action in enumerate(ACTIONS, start=1):
        day = date.fromisoformat(action["date"])
        actor = Actor.BAILLEUR
        outcome, data = ("realisee", {}) if seq < 3 else ("non_realisee", {"motif": "Audience"})
        actions.append(done("action", action["org"], day, outcome, actor, seq=seq, data=data))
    return [
        done("validation_bailleur", BAILLEUR, date(2030, 3, 5), "accepte", Actor.BAILLEUR),
        done("validation_forces", POLICE_EVRY, date(2030, 3, 5), "accepte", Actor.FORCES),
        done(
            "planification",
            POLICE_EVRY,
            date(2030, 3, 6),
            "planifiee",
            Actor.FORCES,
            data={"actions": ACTIONS},
        ),
        *actions,
        done(
            "compte_rendu", POLICE_EVRY, date(2030, 4, 3), "transmis", Actor.FORCES, comment=REPORT
        ),
        step(
            "evaluation",
            BAILLEUR,
            date(2030, 7, 1),
            actor=Actor.BAILLEUR,
            due=date(2030, 8, 1),
            label=label_of("evaluation"),
        ),
    ]


def planning_steps() -> list[StepState]:
    """An intervention validated by both partners, its plan awaited from the police."""
    return [
        done("validation_bailleur", BAILLEUR, date(2030, 3, 5), "accepte", Actor.BAILLEUR),
        done("validation_forces", POLICE_EVRY, date(2030, 3, 5), "accepte", Actor.FORCES),
        step(
            "planification",
            POLICE_EVRY,
            date(2030, 3, 5),
            due=date(2030, 4, 5),
            label=label_of("planification"),
        ),
    ]


def project_intervention(
    engine: Engine,
    steps: list[StepState],
    procedure_id: str = INTERVENTION_ID,
    indicators: dict[str, Any] | None = None,
) -> None:
    """Write a joint intervention of the Tilleuls to the read model through the projection."""
    events = [EventRecord(seq=1, at=at(date(2030, 3, 4)), type="procedure_started", message="")]
    if indicators is not None:
        moment = datetime(2030, 7, 1, 4, tzinfo=UTC)
        events.append(
            EventRecord(seq=2, at=moment, type="note", message="Indicateurs", data=indicators)
        )
    title = "Intervention conjointe — Résidence des Tilleuls"
    started = at(date(2030, 3, 4))
    snapshot = snapshot_of(procedure_id, intervention_body(), started, steps, events, title=title)
    ProjectionActivities(engine).project(snapshot)
