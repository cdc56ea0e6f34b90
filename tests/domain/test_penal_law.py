"""The penal procedures' rules of law: CPP 85's 3 months, the day of the facts in Paris, the
prescription counted from it. Dates computed by hand (weekdays checked with `date -d`)."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from domain.calendar import compute_deadline
from domain.facts import paris_day
from domain.procedures.plainte import PARTIE_CIVILE, PlainteFacts, prescription
from domain.procedures.signalement import SignalementFacts
from tests.builders import plainte_body, signalement_body

D = date.fromisoformat

# (copy sent to the procureur, first day the plainte avec constitution de partie civile is
# admissible): the 3 months end at 24:00 on their last day (CPP 85, 801).
PARTIE_CIVILE_CASES = [
    # law.md: copy sent Tue 10 March 2026 → term ends Wed 10 June at 24:00 → Thu 11 June.
    ("2026-03-10", "2026-06-11"),
    # Thu 14 March 2030 → Fri 14 June 2030 → Sat 15 June 2030.
    ("2030-03-14", "2030-06-15"),
    # Sat 14 March 2026 → Sun 14 June 2026, extended to Mon 15 June (CPP 801) → Tue 16 June.
    ("2026-03-14", "2026-06-16"),
]


@pytest.mark.parametrize(("sent", "admissible"), PARTIE_CIVILE_CASES)
def test_partie_civile_is_admissible_the_day_after_the_three_months(sent: str, admissible: str):
    assert compute_deadline(D(sent), PARTIE_CIVILE).due == D(admissible)


def test_partie_civile_explanation_says_the_term_ends_the_day_before():
    explanation = compute_deadline(D("2026-03-10"), PARTIE_CIVILE).explanation
    assert explanation == (
        "plainte avec constitution de partie civile recevable : 3 mois à compter du "
        "10 mars 2026 → mercredi 10 juin 2026, terme du délai à 24 h (art. 801 CPP) → à partir "
        "du jeudi 11 juin 2026"
    )


# (moment as the client sent it, its day in Paris)
PARIS_DAY_CASES = [
    # CET (+01:00): 23:30 UTC on 10 March 2026 is 00:30 on 11 March in Paris.
    ("2026-03-10T23:30:00Z", "2026-03-11"),
    # CEST (+02:00): 22:30 UTC on 10 July 2026 is 00:30 on 11 July in Paris.
    ("2026-07-10T22:30:00+00:00", "2026-07-11"),
    # 22:30 UTC in winter is 23:30 the same day in Paris.
    ("2026-03-10T22:30:00Z", "2026-03-10"),
    # Sent in Paris time: unchanged.
    ("2026-03-11T00:30:00+01:00", "2026-03-11"),
    # A client in New York at 20:00 on 10 March (-04:00): 01:00 on 11 March in Paris.
    ("2026-03-10T20:00:00-04:00", "2026-03-11"),
]


@pytest.mark.parametrize(("moment", "day"), PARIS_DAY_CASES)
def test_the_day_of_the_facts_is_the_day_in_paris(moment: str, day: str):
    assert paris_day(datetime.fromisoformat(moment)) == D(day)


def test_a_plainte_counts_the_prescription_from_the_day_in_paris():
    faits = {**plainte_body()["faits"], "le": "2026-03-10T23:30:00Z", "qualification": "delit"}
    facts = PlainteFacts.model_validate(plainte_body(faits=faits))
    assert facts.facts_date == D("2026-03-11")
    # Délit: 6 years from 11 March 2026 (CPP 8).
    day, _ = prescription(facts.faits.le, facts.faits.qualification, trafic=False)
    assert day == D("2032-03-11")


def test_a_signalement_dates_its_facts_and_finding_in_paris():
    facts = SignalementFacts.model_validate(signalement_body(faits_le="2026-03-10T23:30:00Z"))
    assert (facts.facts_date, facts.finding_date) == (D("2026-03-11"), D("2026-03-11"))
