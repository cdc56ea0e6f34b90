"""The register of a bailleur's sworn agents: who, for which résidences and offences, until
when, and how their procès-verbaux reached the procureur."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from domain.kinds import ProcedureKind
from domain.procedures import signalement
from domain.procedures.assermentation import AGREMENT_END_MILESTONE, STATUS_MILESTONE
from domain.steps import StepStatus
from store.tables import Procedure, Step


@dataclass(frozen=True)
class SwornAgent:
    procedure_id: str
    nom: str
    prenom: str
    poste: str
    route: str
    residences: list[str]
    infractions: list[str]
    statut: str
    statut_depuis: date | None
    agrement_jusquau: date | None
    pv: int
    pv_en_retard: int


def milestone(procedure: Procedure, key: str) -> dict[str, Any] | None:
    """The milestone `key` shown on a procedure (a projected dict), if any."""
    return next((m for m in procedure.milestones if m.get("key") == key), None)


def _day(milestone: dict[str, Any] | None) -> date | None:
    return date.fromisoformat(milestone["date"]) if milestone else None


def _late(step: Step, today: date) -> bool:
    if step.due is None:
        return False
    if step.completed_on is not None:
        return step.completed_on > step.due
    return step.status == StepStatus.PENDING and today > step.due


def sworn_agents(session: Session, bailleur_id: str, today: date) -> list[SwornAgent]:
    """Every assermentation of the bailleur, with its PVs' count and lateness (CPP 29: 5 days)."""
    agents = session.exec(
        select(Procedure)
        .where(
            col(Procedure.kind) == ProcedureKind.ASSERMENTATION,
            col(Procedure.bailleur_id) == bailleur_id,
        )
        .order_by(col(Procedure.id))
    ).all()
    pvs = session.exec(
        select(Procedure).where(
            col(Procedure.kind) == ProcedureKind.SIGNALEMENT,
            col(Procedure.bailleur_id) == bailleur_id,
        )
    ).all()
    by_agent: dict[str, list[str]] = {}
    for pv in pvs:
        for link in pv.links:
            if link.get("type") == "lien" and link.get("relation") == "agent":
                by_agent.setdefault(link["procedure_id"], []).append(pv.id)
    transmissions = (
        {
            step.procedure_id: step
            for step in session.exec(
                select(Step).where(
                    col(Step.key) == signalement.StepKey.TRANSMISSION_PV,
                    col(Step.procedure_id).in_([p.id for p in pvs]),
                )
            ).all()
        }
        if pvs
        else {}
    )
    register = []
    for agent in agents:
        facts, status = agent.facts, milestone(agent, STATUS_MILESTONE)
        mine = by_agent.get(agent.id, [])
        register.append(
            SwornAgent(
                procedure_id=agent.id,
                nom=facts["agent"]["nom"],
                prenom=facts["agent"]["prenom"],
                poste=facts["agent"]["poste"],
                route=facts["route"],
                residences=[r["nom"] for r in facts.get("residences", [])],
                infractions=list(facts.get("infractions", [])),
                statut=status["label"] if status else "En cours d'assermentation",
                statut_depuis=_day(status),
                agrement_jusquau=_day(milestone(agent, AGREMENT_END_MILESTONE)),
                pv=len(mine),
                pv_en_retard=sum(
                    1
                    for pv_id in mine
                    if pv_id in transmissions and _late(transmissions[pv_id], today)
                ),
            )
        )
    return register
