"""Checks on a sworn agent's procès-verbal: the agent is active, for that résidence and that
offence, on the day of the finding (CPP 29; CSI L. 614-6)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlmodel import Session

from domain.contracts import Link
from domain.kinds import ProcedureKind
from domain.procedures.assermentation import (
    AGREMENT_END_MILESTONE,
    COMMISSION_BASES,
    STATUS_MILESTONE,
    VALIDITY_BASES,
    AgentStatus,
    RouteAssermentation,
    agent_status,
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
    route = RouteAssermentation(agent.facts.get("route", RouteAssermentation.GARDE_PARTICULIER))
    finding: date = facts.finding_date
    _check_powers(agent, route, finding)
    places = {(r["nom"], r["commune_insee"]) for r in agent.facts.get("residences", [])}
    if (facts.residence.nom, facts.residence.commune_insee) not in places:
        raise PvRefused(
            "La résidence du constat n'est pas dans la commission de l'agent "
            f"({COMMISSION_BASES[route]})."
        )
    if facts.infraction not in agent.facts.get("infractions", []):
        raise PvRefused(f"L'infraction {facts.infraction} n'est pas dans la commission de l'agent.")
    return Link(procedure_id=agent.id, kind=kind, relation="agent"), str(route)


def _check_powers(agent: Procedure, route: RouteAssermentation, finding: date) -> None:
    """PvRefused unless the agent had its powers on the day of the finding: sworn in, not
    suspended nor withdrawn, its agrément not ended (a PV written after its end is void, even
    while the renewal is examined)."""
    status = milestone(agent, STATUS_MILESTONE)
    since = date.fromisoformat(status["date"]) if status else None
    code = agent_status(status["label"]) if status else None
    ends = milestone(agent, AGREMENT_END_MILESTONE)
    end_day = date.fromisoformat(ends["date"]) if ends else None
    basis = VALIDITY_BASES[route]
    if code == AgentStatus.AGREMENT_EXPIRE and since is not None and finding >= since:
        ended = end_day if end_day is not None else since - timedelta(days=1)
        raise PvRefused(
            f"L'agent n'avait pas de pouvoirs le {finding:%d/%m/%Y} : agrément expiré le "
            f"{ended:%d/%m/%Y}, renouvellement en cours d'examen ({basis}) ; "
            "son procès-verbal ne peut être reçu."
        )
    # A finding before the lapse was made under the agrément that has since ended.
    active = code == AgentStatus.ACTIF and since is not None and since <= finding
    if not (active or code == AgentStatus.AGREMENT_EXPIRE):
        state = (
            f"{status['label'].lower()} {since:%d/%m/%Y}"
            if status and since
            else "pas encore assermenté"
        )
        raise PvRefused(
            f"L'agent n'était pas en fonction le {finding:%d/%m/%Y} ({state}) : "
            "son procès-verbal ne peut être reçu."
        )
    if end_day is None or end_day < finding:
        ended_text = f" le {end_day:%d/%m/%Y}" if end_day else ""
        raise PvRefused(
            f"L'agent n'avait pas de pouvoirs le {finding:%d/%m/%Y} : agrément expiré"
            f"{ended_text} ({basis}) ; son procès-verbal ne peut être reçu."
        )
