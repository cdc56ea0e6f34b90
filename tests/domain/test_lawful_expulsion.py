"""The lawful days of an expulsion (CPCE L. 141-1, L. 412-1 to L. 412-8): one check for every
date recorded, planned or postponed, naming the rule and the first lawful day; the trêve of each
winter, whose end a text may move."""

from __future__ import annotations

from datetime import date

import pytest

from domain.calendar import TreveHivernale, earliest_expulsion, expulsion_refusal, in_treve

D = date.fromisoformat
TREVE = TreveHivernale()
OPEN = D("2026-01-01")  # no délai pending


@pytest.mark.parametrize(
    ("day", "earliest", "exception", "rule", "first"),
    [
        # Thursday 5 November 2026: inside the trêve → Thursday 1 April 2027.
        (
            "2026-11-05",
            OPEN,
            False,
            "trêve hivernale (du 1er novembre au 31 mars",
            "jeudi 1er avril 2027",
        ),
        # A postponement to 15 December falls inside the trêve as well.
        ("2026-12-15", OPEN, False, "art. L. 412-6 CPCE", "jeudi 1er avril 2027"),
        # Sunday 7 June 2026 → Monday 8 June.
        (
            "2026-06-07",
            OPEN,
            False,
            "est un dimanche, aucune exécution possible",
            "lundi 8 juin 2026",
        ),
        # Ascension, Thursday 14 May 2026 → Friday 15 May.
        ("2026-05-14", OPEN, False, "jour férié (Ascension)", "vendredi 15 mai 2026"),
        # Saturday is lawful (L. 141-1 forbids Sundays and holidays only): none refused here.
        # Before the end of the délais (last day 9 June) → Wednesday 10 June.
        (
            "2026-06-01",
            D("2026-06-10"),
            False,
            "courent jusqu'au 9 juin 2026",
            "mercredi 10 juin 2026",
        ),
        # Délais ending inside the trêve: the first lawful day is after the trêve.
        (
            "2026-10-15",
            D("2026-12-01"),
            False,
            "courent jusqu'au 30 novembre",
            "jeudi 1er avril 2027",
        ),
        # An exception to the trêve (rehousing ensured…) still leaves Sundays out.
        ("2026-11-08", OPEN, True, "dimanche", "lundi 9 novembre 2026"),
    ],
)
def test_an_unlawful_expulsion_day_names_the_rule_and_the_first_lawful_day(
    day: str, earliest: date, exception: bool, rule: str, first: str
) -> None:
    refusal = expulsion_refusal(D(day), earliest, TREVE, exception)
    assert refusal is not None
    assert refusal.startswith("Expulsion impossible le ")
    assert rule in refusal
    assert refusal.endswith(f"Premier jour possible : {first}.")


@pytest.mark.parametrize(
    ("day", "earliest", "exception"),
    [
        ("2026-04-01", OPEN, False),  # the day after the trêve, a Wednesday
        ("2026-06-06", OPEN, False),  # a Saturday
        ("2026-06-10", D("2026-06-10"), False),  # the first day after the délais
        ("2026-11-05", OPEN, True),  # inside the trêve, with an exception recorded
    ],
)
def test_a_lawful_expulsion_day_is_accepted(day: str, earliest: date, exception: bool) -> None:
    assert expulsion_refusal(D(day), earliest, TREVE, exception) is None


def test_the_end_of_one_winter_moved_by_a_text_applies_to_that_winter_only() -> None:
    # 2021: the trêve ended on 31 May (ordonnance of the health emergency).
    treve = TREVE.moved(2021, D("2021-05-31"))
    assert in_treve(D("2021-05-31"), treve) and not in_treve(D("2021-06-01"), treve)
    assert in_treve(D("2020-11-01"), treve)
    assert not in_treve(D("2022-04-01"), treve)  # the next winter ends on 31 March again
    earliest = earliest_expulsion(D("2021-04-10"), treve)
    assert earliest.due == D("2021-06-01")  # a Tuesday
    assert "du 1er novembre 2020 au 31 mai 2021, fin reportée" in earliest.explanation


def test_a_moved_end_cannot_come_before_the_start() -> None:
    with pytest.raises(ValueError):
        TREVE.moved(2027, D("2026-10-01"))
