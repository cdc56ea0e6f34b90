"""Checks on a sworn agent's procès-verbal: the agent is active, for that résidence and that
offence, on the day of the finding (CPP 29; CSI L. 614-6)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlmodel import Session

from domain.contracts import Link
from domain.kinds import ProcedureKind
from domain.procedures.assermentation import (
    AGREMENT_END_MILESTONE,
    STATUS_MILESTONE,
    AgentStatus,
)
from store.register import milestone
from store.tables import Procedure


class PvRefused(ValueError):
    """The PV cannot be recorded as asked (message in French)."""


def check_pv(session: Session, bailleur_id: str, facts: Any) -> tuple[Link, str]:
    """The link to the agent's record and the agent's route; PvRefused when the agent may
    not record this offence at this résidence on the day of the finding."""
    agent = session.get(Procedure, facts.sworn_agent)
    kind = ProcedureKind.ASSERMENTATION
    if agent is None or agent.kind != kind or agent.bailleur_id != bailleur_id:
        raise PvRefused(f"Agent assermenté inconnu : {facts.sworn_agent}.")
    finding: date = facts.finding_date
    status = milestone(agent, STATUS_MILESTONE)
    if (
        status is None
        or status["label"] != AgentStatus.ACTIF
        or date.fromisoformat(status["date"]) > finding
    ):
        state = f"{status['label'].lower()} {status['date']}" if status else "pas encore assermenté"
        raise PvRefused(
            f"L'agent n'était pas en fonction le {finding.isoformat()} ({state}) : "
            "son procès-verbal ne peut être reçu."
        )
    ends = milestone(agent, AGREMENT_END_MILESTONE)
    if ends is None or date.fromisoformat(ends["date"]) < finding:
        raise PvRefused("L'agrément de l'agent n'était plus valable le jour du constat.")
    places = {(r["nom"], r["commune_insee"]) for r in agent.facts.get("residences", [])}
    if (facts.residence.nom, facts.residence.commune_insee) not in places:
        raise PvRefused(
            "La résidence du constat n'est pas dans la commission de l'agent "
            "(art. R. 15-33-24 CPP)."
        )
    if facts.infraction not in agent.facts.get("infractions", []):
        raise PvRefused(f"L'infraction {facts.infraction} n'est pas dans la commission de l'agent.")
    return (
        Link(procedure_id=agent.id, kind=kind, relation="agent"),
        str(agent.facts.get("route", "")),
    )
