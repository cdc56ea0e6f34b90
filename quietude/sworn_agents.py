"""Checks on a sworn agent's procès-verbal: the agent is active, for that résidence and that
offence, on the day of the finding (CPP 29; CSI L. 614-6)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlmodel import Session

from domain.contracts import Link
from store.tables import Procedure

ACTIVE = "Agent actif depuis le"


class PvRefused(ValueError):
    """The PV cannot be recorded as asked (message in French)."""


def milestone(procedure: Procedure, key: str) -> dict[str, Any] | None:
    return next((m for m in procedure.milestones if m.get("key") == key), None)


def check_pv(session: Session, bailleur_id: str, facts: Any) -> tuple[Link, str]:
    """The link to the agent's record and the agent's route; PvRefused when the agent may
    not record this offence at this résidence on the day of the finding."""
    agent = session.get(Procedure, facts.agent_assermente)
    if agent is None or agent.kind != "assermentation" or agent.bailleur_id != bailleur_id:
        raise PvRefused(f"Agent assermenté inconnu : {facts.agent_assermente}.")
    finding: date = facts.finding_date
    status = milestone(agent, "statut")
    if status is None or status["label"] != ACTIVE or date.fromisoformat(status["date"]) > finding:
        state = f"{status['label'].lower()} {status['date']}" if status else "pas encore assermenté"
        raise PvRefused(
            f"L'agent n'était pas en fonction le {finding.isoformat()} ({state}) : "
            "son procès-verbal ne peut être reçu."
        )
    ends = milestone(agent, "fin_agrement")
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
        Link(procedure_id=agent.id, kind="assermentation", relation="agent"),
        str(agent.facts.get("route", "")),
    )
