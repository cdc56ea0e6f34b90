"""A sworn agent's PV checked against the register: refused once the agrément has ended, even
while its renewal is examined (law.md §7: a PV written in that gap is void)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from activities.projection import ProjectionActivities
from domain.contracts import Milestone
from domain.procedures.assermentation import AgentStatus
from domain.procedures.signalement import SignalementFacts
from quietude.sworn_agents import PvRefused, check_pv
from tests.builders import BAILLEUR, assermentation_body, signalement_body, snapshot_of, tilleuls

AGENT = "assermentation-2035-000001"


def project_agent(engine: Engine, status: AgentStatus, since: date, route: str) -> None:
    """An agent whose agrément ended on 1 April 2035, now in `status` since `since`."""
    body = assermentation_body(route=route, infractions=["R. 635-1"])
    milestones = [
        Milestone(key="statut", label=status.label, date=since),
        Milestone(key="fin_agrement", label="Agrément valable jusqu'au", date=date(2035, 4, 1)),
    ]
    created = datetime(2030, 3, 4, 9, tzinfo=UTC)
    snapshot = snapshot_of(
        AGENT, body, created, title="Assermentation — gardien", milestones=milestones
    )
    ProjectionActivities(engine).project(snapshot)


def pv(finding: date, **overrides: object) -> SignalementFacts:
    """The agent's PV of a finding on `finding` at the Tilleuls."""
    body = signalement_body(
        source="agent_assermente",
        agent_assermente=AGENT,
        infraction="R. 635-1",
        faits_le=f"{finding.isoformat()}T08:00:00+02:00",
        destinataire="parquet",
        **overrides,
    )
    return SignalementFacts.model_validate(body)


@pytest.mark.parametrize(
    ("route", "basis"),
    [
        ("garde_particulier", "art. R. 15-33-27-1 CPP"),
        ("service_interne_securite", "art. R. 614-15 CSI"),
    ],
)
def test_a_pv_written_after_the_end_of_the_agrement_during_its_renewal_is_refused(
    reference_engine: Engine, route: str, basis: str
):
    project_agent(reference_engine, AgentStatus.AGREMENT_EXPIRE, date(2035, 4, 2), route)
    with Session(reference_engine) as session, pytest.raises(PvRefused) as refused:
        check_pv(session, BAILLEUR, pv(date(2035, 4, 2)))
    assert str(refused.value) == (
        "L'agent n'avait pas de pouvoirs le 02/04/2035 : agrément expiré le 01/04/2035, "
        f"renouvellement en cours d'examen ({basis}) ; son procès-verbal ne peut être reçu."
    )


def test_a_pv_of_the_agrements_last_day_is_received_during_the_renewal(reference_engine: Engine):
    project_agent(
        reference_engine, AgentStatus.AGREMENT_EXPIRE, date(2035, 4, 2), "garde_particulier"
    )
    with Session(reference_engine) as session:
        link, route = check_pv(session, BAILLEUR, pv(date(2035, 4, 1)))
    assert (link.procedure_id, route) == (AGENT, "garde_particulier")


def test_an_internal_service_agent_records_only_in_its_buildings_by_the_csi(
    reference_engine: Engine,
):
    project_agent(
        reference_engine, AgentStatus.ACTIF, date(2030, 4, 10), "service_interne_securite"
    )
    elsewhere = tilleuls(nom="Résidence des Acacias")
    with Session(reference_engine) as session, pytest.raises(PvRefused) as refused:
        check_pv(session, BAILLEUR, pv(date(2031, 5, 6), residence=elsewhere))
    assert "(art. L. 614-6 CSI)" in str(refused.value)
