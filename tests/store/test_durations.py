"""Step duration counts: kept by the projection without counting twice, read as exact medians."""

import random
import statistics
from datetime import date

from sqlalchemy import Engine
from sqlmodel import Session, col, delete, select

from domain.actors import Actor
from domain.steps import StepState, StepStatus
from store.durations import AS_BAILLEUR, step_durations
from store.tables import Organisation, Step, StepDurationCount
from store.visibility import scope_of
from tests.api.rows import BAILLEUR, PARQUET, POLICE_EVRY, project, step

ONE = "signalement-2026-000001"


def _done(key: str, org: str, opened: date, days: int, **kwargs: object) -> StepState:
    completed = date.fromordinal(opened.toordinal() + days)
    return step(key, org, opened, status=StepStatus.DONE, completed_on=completed, **kwargs)  # type: ignore[arg-type]


def _project(engine: Engine, steps: list[StepState]) -> None:
    project(engine, ONE, steps)


def _counts(engine: Engine) -> dict[tuple[str, str, str, int], int]:
    with Session(engine) as session:
        rows = session.exec(select(StepDurationCount)).all()
        return {(r.org_id, r.role, r.key, r.days): r.steps for r in rows if r.steps}


def _medians(engine: Engine, org: str) -> dict[str, tuple[float, int]]:
    with Session(engine) as session:
        scope = scope_of(session, org)
        return {d.key: (d.median_days, d.count) for d in step_durations(session, scope)}


def test_the_medians_read_from_the_counts_are_the_medians_of_the_values(engine: Engine) -> None:
    rng = random.Random(7)
    values_of = {}
    with Session(engine) as session:
        session.add(
            Organisation(
                id=BAILLEUR, kind="bailleur", name="B", territory="91", email="", managers_email=""
            )
        )
        for size in range(1, 40):
            key = f"etape_{size:02d}"
            values = [rng.randrange(0, 12) for _ in range(size)]
            values_of[key] = values
            for days in set(values):
                row = StepDurationCount(
                    org_id=BAILLEUR,
                    role=AS_BAILLEUR,
                    kind="signalement",
                    key=key,
                    days=days,
                    steps=values.count(days),
                    label=key,
                )
                session.add(row)
        # A count emptied by a later projection is no value.
        session.add(
            StepDurationCount(
                org_id=BAILLEUR,
                role=AS_BAILLEUR,
                kind="signalement",
                key="etape_01",
                days=40,
                steps=0,
                label="etape_01",
            )
        )
        session.commit()
    medians = _medians(engine, BAILLEUR)
    assert medians == {
        key: (statistics.median(values), len(values)) for key, values in values_of.items()
    }


def test_a_replayed_projection_counts_nothing_twice(reference: Engine) -> None:
    steps = [
        _done("accuse_reception", POLICE_EVRY, date(2026, 10, 1), 3),
        step("retour_information", POLICE_EVRY, date(2026, 10, 4), due=date(2026, 10, 18)),
    ]
    _project(reference, steps)
    _project(reference, steps)
    assert _counts(reference) == {
        (BAILLEUR, "bailleur", "accuse_reception", 3): 1,
        (POLICE_EVRY, "partenaire", "accuse_reception", 3): 1,
    }


def test_a_new_partner_counts_the_steps_done_before_it_came(reference: Engine) -> None:
    first = [_done("accuse_reception", POLICE_EVRY, date(2026, 10, 1), 3)]
    _project(reference, first)
    assert _medians(reference, PARQUET) == {}
    later = [
        *first,
        _done("retour_information", POLICE_EVRY, date(2026, 10, 4), 6),
        step("decision_parquet", PARQUET, date(2026, 10, 10), actor=Actor.PARQUET),
    ]
    _project(reference, later)
    expected = {"accuse_reception": (3, 1), "retour_information": (6, 1)}
    assert _medians(reference, PARQUET) == expected
    assert _medians(reference, POLICE_EVRY) == expected
    assert _medians(reference, BAILLEUR) == expected


def test_a_step_removed_from_the_read_model_is_uncounted_at_the_next_projection(
    reference: Engine,
) -> None:
    steps = [
        _done("accuse_reception", POLICE_EVRY, date(2026, 10, 1), 3),
        _done("accuse_reception", POLICE_EVRY, date(2026, 10, 5), 9, seq=2),
    ]
    _project(reference, steps)
    assert _medians(reference, BAILLEUR) == {"accuse_reception": (6.0, 2)}
    with Session(reference) as session:  # as a drift repair removes a row the workflow lacks
        session.exec(delete(Step).where(col(Step.seq) == 2))  # type: ignore[call-overload]
        session.commit()
    _project(reference, steps[:1])
    assert _medians(reference, BAILLEUR) == {"accuse_reception": (3, 1)}
    assert _counts(reference) == {
        (BAILLEUR, "bailleur", "accuse_reception", 3): 1,
        (POLICE_EVRY, "partenaire", "accuse_reception", 3): 1,
    }


def test_a_bailleur_holding_a_step_elsewhere_does_not_see_that_procedure(
    reference: Engine,
) -> None:
    other = "demo-logis-sud"
    steps = [_done("cloture", other, date(2026, 10, 1), 2, actor=Actor.BAILLEUR)]
    _project(reference, steps)
    assert _medians(reference, BAILLEUR) == {"cloture": (2, 1)}
    assert _medians(reference, other) == {}
