"""Indicators of the local diagnostics on a small hand-made set, on SQLite and PostgreSQL."""

from datetime import date

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from domain.contracts import ProcedureStatus
from store.diagnostic_figures import DiagnosticSettings, Figure, percentile
from store.diagnostics import SHARED, DiagnosticFilters, Diagnostics, compute, viewer_of
from store.visibility import scope_of
from tests.store import diagnostic_rows as rows

EVRY_PERIOD = DiagnosticFilters(start=rows.START, end=rows.END, commune=rows.EVRY)


@pytest.fixture
def loaded(reference: Engine) -> Engine:
    """The reference data and the hand-made set."""
    rows.load(reference)
    return reference


def diagnostics_of(
    engine: Engine,
    org: str,
    role: str = "manager",
    filters: DiagnosticFilters = EVRY_PERIOD,
    settings: DiagnosticSettings | None = None,
) -> Diagnostics:
    with Session(engine) as session:
        return compute(session, viewer_of(scope_of(session, org, role)), filters, settings)


def values(figures: dict[str, Figure]) -> dict[str, int | None]:
    return {key: figure.value for key, figure in figures.items()}


def test_owner_sees_its_exact_counts_by_kind_and_category(loaded: Engine) -> None:
    figures = diagnostics_of(loaded, rows.BAILLEUR)
    assert figures.exact
    assert values(figures.totals) == {"signalement": 8, "plainte": 1, "resiliation": 1}
    assert values(figures.by_category["signalement"]) == {
        "occupation_halls": 6,
        "troubles_jouissance": 2,
    }
    assert values(figures.by_category["plainte"]) == {"degradations": 1}
    assert values(figures.by_category["resiliation"]) == {
        "trafic_stupefiants": 1,
        "troubles_jouissance": 1,
    }


def test_hours_are_read_in_paris_time_whatever_the_offset(loaded: Engine) -> None:
    figures = diagnostics_of(loaded, rows.BAILLEUR)
    hours = {hour: f.value for hour, f in enumerate(figures.by_hour) if f.value}
    assert hours == {22: 6, 14: 2, 23: 1}
    moments = [*rows.TILLEULS_MOMENTS, *rows.ERABLES_MOMENTS, rows.PLAINTE_MOMENT]
    expected = [0] * 7
    for moment in moments:
        expected[date.fromisoformat(moment[:10]).weekday()] += 1
    assert [f.value for f in figures.by_weekday] == expected


def test_response_times_median_p90_and_share_overdue(loaded: Engine) -> None:
    figures = diagnostics_of(loaded, rows.BAILLEUR)
    times = {(t.actor, t.step_key): t for t in figures.response_times}
    accuse = times[("forces", "accuse_reception")]
    assert accuse.steps.value == 6
    assert accuse.median_days == 1.5
    assert accuse.p90_days == 10.0
    assert accuse.overdue_share == pytest.approx(2 / 6, abs=1e-4)
    assert times[("parquet", "decision_parquet")].median_days == 20.0
    assert times[("bailleur", "constitution_dossier")].median_days == 9.0


def test_outcomes_of_parquet_and_judgments(loaded: Engine) -> None:
    figures = diagnostics_of(loaded, rows.BAILLEUR)
    outcomes = {(o.kind, o.step_key, o.outcome): o.count.value for o in figures.outcomes}
    assert outcomes == {
        ("plainte", "decision_parquet", "poursuites"): 1,
        ("resiliation", "jugement", "resiliation_prononcee"): 1,
    }


def test_halls_are_graded_trafficking_first(loaded: Engine) -> None:
    figures = diagnostics_of(loaded, rows.BAILLEUR)
    graded = [(h.residence, h.batiment, h.hall, h.count.value, h.level) for h in figures.halls]
    assert graded == [
        ("Résidence des Tilleuls", "A", "1", 1, 3),  # trafficking: established at once
        ("Résidence des Tilleuls", "B", "2", 6, 2),
        ("Résidence des Érables", "C", "1", 2, 1),
    ]
    assert figures.halls[0].level_label == "Activité délinquante installée"


def test_levels_follow_configured_thresholds(loaded: Engine) -> None:
    settings = DiagnosticSettings(established_from=6, trafficking_is_established=False)
    figures = diagnostics_of(loaded, rows.BAILLEUR, settings=settings)
    levels = {(h.batiment, h.hall): h.level for h in figures.halls}
    assert levels == {("B", "2"): 3, ("A", "1"): 1, ("C", "1"): 1}


def test_trend_against_the_previous_period_of_same_length(loaded: Engine) -> None:
    figures = diagnostics_of(loaded, rows.BAILLEUR)
    assert (figures.previous_start, figures.previous_end) == (date(2025, 7, 4), date(2025, 12, 31))
    trend = {t.kind: t for t in figures.trend}
    assert trend["signalement"].previous.value == 1
    assert trend["signalement"].evolution == 7.0
    assert trend["plainte"].evolution is None  # nothing before


def test_partner_gets_small_counts_suppressed(loaded: Engine) -> None:
    figures = diagnostics_of(loaded, rows.POLICE_EVRY)
    assert not figures.exact
    # Both bailleurs' signalements in which the police acts; no plainte nor résiliation.
    assert values(figures.totals) == {"signalement": 11, "plainte": 0, "resiliation": 0}
    category = figures.by_category["signalement"]
    assert category["occupation_halls"] == Figure(6, False)
    assert category["troubles_jouissance"] == Figure(None, True)
    assert category["degradations"] == Figure(None, True)
    halls = {(h.residence, h.hall): (h.count, h.level) for h in figures.halls}
    assert halls[("Résidence des Tilleuls", "2")] == (Figure(6, False), 2)
    times = {t.step_key: t for t in figures.response_times}
    assert (times["accuse_reception"].steps, times["accuse_reception"].median_days) == (
        Figure(6, False),
        1.5,
    )
    assert halls[("Résidence des Peupliers", "4")] == (Figure(None, True), None)
    assert {t.kind: t.evolution for t in figures.trend}["signalement"] is None


def test_prefecture_admin_sees_everything_aggregated(loaded: Engine) -> None:
    figures = diagnostics_of(loaded, "prefecture-91", "admin")
    assert values(figures.totals) == {"signalement": 11, "plainte": None, "resiliation": None}
    assert figures.totals["plainte"].supprime
    # Counted from the steps alone: the same times as those who see the procedures.
    times = {t.step_key: t for t in figures.response_times}
    assert (times["accuse_reception"].steps.value, times["accuse_reception"].p90_days) == (6, 10)
    assert times["decision_parquet"].supprime
    agent = diagnostics_of(loaded, "prefecture-91", "agent")
    assert values(agent.totals) == {"signalement": 0, "plainte": 0, "resiliation": 0}


def test_hall_limit_keeps_the_most_troubled_and_counts_them_all(loaded: Engine) -> None:
    figures = diagnostics_of(loaded, rows.BAILLEUR)
    assert figures.halls_total == len(figures.halls) == 3
    with Session(loaded) as session:
        viewer = viewer_of(scope_of(session, rows.BAILLEUR, "manager"))
        worst = compute(session, viewer, EVRY_PERIOD, hall_limit=2)
    assert [(h.batiment, h.hall, h.level) for h in worst.halls] == [("A", "1", 3), ("B", "2", 2)]
    assert worst.halls_total == 3


def test_a_procedure_cancelled_later_leaves_the_response_times(loaded: Engine) -> None:
    moment = rows.TILLEULS_MOMENTS[0]
    cancelled = ProcedureStatus.CANCELLED
    place = rows.residence("Résidence des Tilleuls", "B", "2")
    for _ in range(2):  # a retried projection changes nothing more
        steps = rows.accuse(moment, done_after=rows.TILLEULS_DELAYS[0], due_after=2)
        rows.signalement(loaded, 1, moment, "occupation_halls", place, steps, status=cancelled)
        for figures in (diagnostics_of(loaded, rows.BAILLEUR), shared_evry(loaded)):
            accuse = {t.step_key: t for t in figures.response_times}["accuse_reception"]
            assert (accuse.steps.value, accuse.completed) == (5, 5)
            assert figures.totals["signalement"].value == (7 if figures.exact else 10)


def shared_evry(engine: Engine) -> Diagnostics:
    with Session(engine) as session:
        return compute(session, SHARED, EVRY_PERIOD)


def test_threshold_is_configurable(loaded: Engine) -> None:
    settings = DiagnosticSettings(suppression_threshold=2)
    figures = diagnostics_of(loaded, rows.POLICE_EVRY, settings=settings)
    assert figures.by_category["signalement"]["troubles_jouissance"] == Figure(2, False)


def test_territory_filters(loaded: Engine) -> None:
    with Session(loaded) as session:

        def total(**territory: str) -> int | None:
            filters = DiagnosticFilters(start=rows.START, end=rows.END, **territory)
            return compute(session, SHARED, filters).totals["signalement"].value

        assert total() == 12  # Évry's 11 and Étampes' one, shown to the convention
        assert total(arrondissement="912") == 11
        assert total(unit=rows.POLICE_ETAMPES) is None  # one only: suppressed
        assert total(commune=rows.EVRY, residence="Résidence des Tilleuls") == 6
        assert total(residence="Résidence des Tilleuls", batiment="B", hall="2") == 6
        assert total(residence="Résidence des Tilleuls", hall="9") == 0


def test_nearest_rank_percentile() -> None:
    assert percentile([], 0.9) is None
    assert percentile([4], 0.9) == 4.0
    assert percentile(list(range(1, 11)), 0.9) == 9.0
    assert percentile(list(range(1, 11)), 0.5) == 5.0
