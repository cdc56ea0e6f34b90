"""Organisation kinds kept a short while (store.organisation_kinds)."""

from __future__ import annotations

from sqlalchemy import Engine
from sqlmodel import Session

from domain.actors import OrgKind
from store.organisation_kinds import OrganisationKinds
from store.tables import Organisation

ORG = "police-essai"


class Clock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _add(engine: Engine, kind: OrgKind) -> None:
    with Session(engine) as session:
        session.add(
            Organisation(
                id=ORG, kind=kind, name="Police d'essai", territory="", email="", managers_email=""
            )
        )
        session.commit()


def _change(engine: Engine, kind: OrgKind) -> None:
    with Session(engine) as session:
        organisation = session.get(Organisation, ORG)
        assert organisation is not None
        organisation.kind = kind
        session.commit()


def test_a_kind_is_read_once_then_kept_until_its_time_is_out(engine: Engine) -> None:
    clock = Clock()
    kinds = OrganisationKinds(ttl=60, clock=clock)
    _add(engine, OrgKind.POLICE)
    with Session(engine) as session:
        assert kinds.read(session, ORG) == OrgKind.POLICE
    _change(engine, OrgKind.GENDARMERIE)

    clock.now += 59
    with Session(engine) as session:
        assert kinds.kept(ORG) == OrgKind.POLICE
        assert kinds.read(session, ORG) == OrgKind.POLICE
    clock.now += 1
    assert kinds.kept(ORG) is None
    with Session(engine) as session:
        assert kinds.read(session, ORG) == OrgKind.GENDARMERIE


def test_an_unknown_organisation_is_not_kept(engine: Engine) -> None:
    kinds = OrganisationKinds(clock=Clock())
    with Session(engine) as session:
        assert kinds.read(session, ORG) is None
    _add(engine, OrgKind.BAILLEUR)

    assert kinds.kept(ORG) is None
    with Session(engine) as session:
        assert kinds.read(session, ORG) == OrgKind.BAILLEUR


def test_the_kinds_kept_are_bounded(engine: Engine) -> None:
    kinds = OrganisationKinds(clock=Clock(), max_kept=1)
    _add(engine, OrgKind.POLICE)
    with Session(engine) as session:
        kinds.read(session, ORG)
        session.add(
            Organisation(
                id="autre",
                kind=OrgKind.PARQUET,
                name="Autre",
                territory="",
                email="",
                managers_email="",
            )
        )
        session.commit()
        assert kinds.read(session, "autre") == OrgKind.PARQUET

    assert kinds.kept("autre") == OrgKind.PARQUET
    assert kinds.kept(ORG) is None
