"""Legal deadline computation: CPC 640-642, CPP 801, working days, trêve hivernale."""

import sys
import uuid
from datetime import date, timedelta
from pathlib import Path

import pytest
from pydantic import ValidationError
from temporalio import workflow
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from domain.calendar import (
    DeadlineRule,
    Regime,
    TreveHivernale,
    add_working_days,
    compute_deadline,
    earliest_expulsion,
    french_date,
    in_treve,
    is_public_holiday,
    is_working_day,
)

D = date.fromisoformat
PENAL, SLA = Regime.PENAL, Regime.SLA

# (start, rule, nominal, due). Weekdays checked with `date -d YYYY-MM-DD +%a`.
FORWARD_CASES = [
    # law.md: Sat 31 Jan 2026 + 1 month = 28 Feb (Sat) -> Sun 1 Mar -> Mon 2 Mar.
    ("2026-01-31", {"months": 1}, "2026-02-28", "2026-03-02"),
    # law.md: 15 Sep 2025 + 2 months = 15 Nov 2025 (Sat) -> Mon 17 Nov.
    ("2025-09-15", {"months": 2}, "2025-11-15", "2025-11-17"),
    # No 31 April: last day of the month, Thu 30 Apr 2026, a working day.
    ("2026-03-31", {"months": 1}, "2026-04-30", "2026-04-30"),
    # 2028 is a leap year: 31 Jan + 1 month = Tue 29 Feb 2028.
    ("2028-01-31", {"months": 1}, "2028-02-29", "2028-02-29"),
    # 29 Feb 2028 + 12 months: no 29 Feb 2029 -> Wed 28 Feb 2029.
    ("2028-02-29", {"months": 12}, "2029-02-28", "2029-02-28"),
    # 31 Jan 2027 + 1 month = 28 Feb 2027, a Sunday -> Mon 1 Mar 2027.
    ("2027-01-31", {"months": 1}, "2027-02-28", "2027-03-01"),
    # Months first, then days: 30 Jan + 1 month = 28 Feb, + 2 days = Mon 2 Mar (days first: 1 Mar).
    ("2026-01-30", {"months": 1, "days": 2}, "2026-03-02", "2026-03-02"),
    # Days: the trigger day does not count, Mon 2 Mar + 15 = Tue 17 Mar.
    ("2026-03-02", {"days": 15}, "2026-03-17", "2026-03-17"),
    # 6 Apr 2026 is Easter Monday -> Tue 7 Apr.
    ("2026-03-06", {"months": 1}, "2026-04-06", "2026-04-07"),
    # Chain: Sat 4 Apr, Sun 5 Apr (Easter), Mon 6 Apr (Easter Monday) -> Tue 7 Apr 2026.
    ("2026-03-04", {"months": 1}, "2026-04-04", "2026-04-07"),
    # Good Friday (3 Apr 2026) is a holiday only in Alsace-Moselle: no shift in Essonne.
    ("2026-03-03", {"months": 1}, "2026-04-03", "2026-04-03"),
    # 30 Apr + 14 days = Thu 14 May 2026, Ascension -> Fri 15 May.
    ("2026-04-30", {"days": 14}, "2026-05-14", "2026-05-15"),
    # 8 May + 15 days = Sat 23 May, Sun 24, Whit Monday 25 May 2026 -> Tue 26 May.
    ("2026-05-08", {"days": 15}, "2026-05-23", "2026-05-26"),
    # Easter 2027 is 28 March: 19 Mar + 10 days = Mon 29 Mar (Easter Monday) -> Tue 30 Mar.
    ("2027-03-19", {"days": 10}, "2027-03-29", "2027-03-30"),
    # 27 Feb 2027 + 1 month = Sat 27 Mar, Easter Sunday, Easter Monday -> Tue 30 Mar 2027.
    ("2027-02-27", {"months": 1}, "2027-03-27", "2027-03-30"),
    # 22 Dec 2025 + 10 days = Thu 1 Jan 2026 -> Fri 2 Jan.
    ("2025-12-22", {"days": 10}, "2026-01-01", "2026-01-02"),
    # 1 Dec 2027 + 1 month = Sat 1 Jan 2028 (also New Year), Sun 2 -> Mon 3 Jan 2028.
    ("2027-12-01", {"months": 1}, "2028-01-01", "2028-01-03"),
    # 1 Apr + 1 month = Fri 1 May 2026, then the weekend -> Mon 4 May.
    ("2026-04-01", {"months": 1}, "2026-05-01", "2026-05-04"),
    # 8 Apr + 1 month = Fri 8 May 2026, then the weekend -> Mon 11 May.
    ("2026-04-08", {"months": 1}, "2026-05-08", "2026-05-11"),
    # 14 Jun + 1 month = Tue 14 Jul 2026 -> Wed 15 Jul.
    ("2026-06-14", {"months": 1}, "2026-07-14", "2026-07-15"),
    # 15 Jul + 1 month = Sun 15 Aug 2027 -> Mon 16 Aug.
    ("2027-07-15", {"months": 1}, "2027-08-15", "2027-08-16"),
    # SLA in calendar days also avoids days off: 10 Aug + 5 = Sat 15 Aug 2026 -> Mon 17 Aug.
    ("2026-08-10", {"days": 5, "regime": SLA}, "2026-08-15", "2026-08-17"),
    # CPP 801: PV within 5 days of Tue 27 Oct 2026 = Sun 1 Nov (Toussaint) -> Mon 2 Nov.
    ("2026-10-27", {"days": 5, "regime": PENAL}, "2026-11-01", "2026-11-02"),
    # CPP 801: PV within 5 days of Mon 9 Mar 2026 = Sat 14 Mar -> Mon 16 Mar.
    ("2026-03-09", {"days": 5, "regime": PENAL}, "2026-03-14", "2026-03-16"),
    # 1 Oct + 1 month = Mon 1 Nov 2027 (Toussaint) -> Tue 2 Nov.
    ("2027-10-01", {"months": 1}, "2027-11-01", "2027-11-02"),
    # 11 Oct + 1 month = Wed 11 Nov 2026 (Armistice) -> Thu 12 Nov.
    ("2026-10-11", {"months": 1}, "2026-11-11", "2026-11-12"),
    # 10 Dec + 15 days = Fri 25 Dec 2026, then the weekend -> Mon 28 Dec.
    ("2026-12-10", {"days": 15}, "2026-12-25", "2026-12-28"),
    # 26 Dec is a holiday only in Alsace-Moselle: 11 Dec + 14 = Thu 25 Dec 2025 -> Fri 26 Dec.
    ("2025-12-11", {"days": 14}, "2025-12-25", "2025-12-26"),
]


@pytest.mark.parametrize(("start", "rule", "nominal", "due"), FORWARD_CASES)
def test_forward_deadline_ends_on_next_working_day(
    start: str, rule: dict, nominal: str, due: str
) -> None:
    deadline = compute_deadline(D(start), DeadlineRule(**rule))
    assert (deadline.nominal, deadline.due) == (D(nominal), D(due))
    # One shift per day off crossed, chained from the nominal date to the due date.
    assert [(s.from_date, s.to_date) for s in deadline.shifts] == [
        (D(nominal) + timedelta(days=i), D(nominal) + timedelta(days=i + 1))
        for i in range((D(due) - D(nominal)).days)
    ]


def test_explanation_of_the_law_example() -> None:
    deadline = compute_deadline(D("2026-01-31"), DeadlineRule(months=1))
    assert deadline.explanation == (
        "1 mois à compter du 31 janvier 2026 → 28 février 2026 (samedi) "
        "→ reporté au lundi 2 mars 2026 (art. 642 CPC)"
    )
    assert [s.reason for s in deadline.shifts] == [
        "le 28 février 2026 est un samedi",
        "le 1er mars 2026 est un dimanche",
    ]
    assert deadline.legal_basis == "art. 640 à 642 CPC"


def test_explanation_names_holidays_in_a_chain() -> None:
    rule = DeadlineRule(months=1, label="délai d'appel", legal_basis="art. 538 CPC")
    deadline = compute_deadline(D("2026-03-04"), rule)
    assert deadline.explanation == (
        "délai d'appel : 1 mois à compter du 4 mars 2026 → 4 avril 2026 (samedi) "
        "→ 6 avril 2026 (lundi de Pâques, jour férié) → reporté au mardi 7 avril 2026 "
        "(art. 642 CPC)"
    )
    assert deadline.shifts[-1].reason == "le 6 avril 2026 est un jour férié (lundi de Pâques)"
    assert deadline.legal_basis == "art. 538 CPC"


def test_holiday_on_a_weekend_gives_both_reasons() -> None:
    deadline = compute_deadline(D("2026-10-27"), DeadlineRule(days=5, regime=PENAL))
    assert deadline.shifts[0].reason == (
        "le 1er novembre 2026 est un dimanche et un jour férié (Toussaint)"
    )
    assert deadline.explanation.endswith("→ reporté au lundi 2 novembre 2026 (art. 801 CPP)")
    assert deadline.legal_basis == "art. 801 CPP"


def test_sla_shift_is_not_presented_as_law() -> None:
    deadline = compute_deadline(D("2026-08-10"), DeadlineRule(days=5, regime=SLA))
    assert "(samedi, Assomption, jour férié)" in deadline.explanation
    assert "CPC" not in deadline.explanation
    assert deadline.legal_basis == "objectif de la convention (sans valeur légale)"


def test_unshifted_deadline_explanation() -> None:
    deadline = compute_deadline(D("2026-03-02"), DeadlineRule(days=15))
    assert deadline.shifts == []
    assert deadline.explanation == "15 jours à compter du 2 mars 2026 → mardi 17 mars 2026"


# (hearing, days, due): due = hearing - days - 1, whatever day of the week it is.
BACKWARD_CASES = [
    # 15 Jan 2027 - 43 days: back to 31 Dec is 15 days, 28 more -> Thu 3 Dec 2026.
    ("2027-01-15", 42, "2026-12-03"),
    # 15 Jun 2026 - 43: back to 31 May is 15, 28 more -> 3 May 2026, a Sunday: kept.
    ("2026-06-15", 42, "2026-05-03"),
    # 26 Aug 2026 - 43: back to 31 Jul is 26, 17 more -> Tue 14 Jul, a holiday: kept.
    ("2026-08-26", 42, "2026-07-14"),
]


@pytest.mark.parametrize(("hearing", "days", "due"), BACKWARD_CASES)
def test_backward_deadline_is_never_shifted(hearing: str, days: int, due: str) -> None:
    deadline = compute_deadline(D(hearing), DeadlineRule(days=days, before=True))
    assert deadline.due == deadline.nominal == D(due)
    assert deadline.shifts == []


def test_backward_deadline_explanation() -> None:
    deadline = compute_deadline(D("2027-01-15"), DeadlineRule(days=42, before=True))
    assert deadline.explanation == (
        "au plus tard le jeudi 3 décembre 2026, 42 jours (6 semaines) pleins avant "
        "le vendredi 15 janvier 2027, sans report (délai à rebours)"
    )


# (start, n, due): n working days after start, the start itself excluded.
WORKING_DAY_CASES = [
    # Thu 30 Apr 2026: Fri 1 May off, Mon 4..Thu 7 = 4, Fri 8 May off, Mon 11 = 5th.
    ("2026-04-30", 5, "2026-05-11"),
    # Thu 24 Dec 2026: Fri 25 off, weekend, Mon 28 = 1, Tue 29 = 2.
    ("2026-12-24", 2, "2026-12-29"),
    # Sat 23 May 2026: Sun, Whit Monday 25 off, Tue 26 = 1, Wed 27 = 2, Thu 28 = 3.
    ("2026-05-23", 3, "2026-05-28"),
    # Wed 13 May 2026: Thu 14 (Ascension) off, Fri 15 = 1.
    ("2026-05-13", 1, "2026-05-15"),
    # Mon 30 Mar 2026: 31, 1, 2, 3 Apr (Good Friday worked) = 4, Mon 6 off, 7..10 = 8,
    # Mon 13 = 9, Tue 14 = 10.
    ("2026-03-30", 10, "2026-04-14"),
    # Zero working days: the start itself, even on a holiday.
    ("2026-05-01", 0, "2026-05-01"),
]


@pytest.mark.parametrize(("start", "n", "due"), WORKING_DAY_CASES)
def test_add_working_days(start: str, n: int, due: str) -> None:
    assert add_working_days(D(start), n) == D(due)


def test_working_day_sla_explanation_lists_skipped_holidays() -> None:
    deadline = compute_deadline(D("2026-04-30"), DeadlineRule(working_days=5, regime=SLA))
    assert deadline.due == D("2026-05-11")
    assert deadline.shifts == []
    assert deadline.explanation == (
        "5 jours ouvrés après le jeudi 30 avril 2026 → lundi 11 mai 2026 (jours fériés non "
        "comptés : fête du Travail le 1er mai 2026, fête de la Victoire le 8 mai 2026)"
    )


# (day, public holiday, working day)
DAY_CASES = [
    ("2026-04-06", True, False),  # Easter Monday
    ("2026-05-14", True, False),  # Ascension
    ("2026-05-25", True, False),  # Whit Monday
    ("2027-03-29", True, False),  # Easter Monday 2027 (Easter on 28 March)
    ("2026-08-15", True, False),  # Assumption, on a Saturday
    ("2026-04-03", False, True),  # Good Friday: Alsace-Moselle only
    ("2026-12-26", False, False),  # Alsace-Moselle only; a Saturday anyway
    ("2026-03-01", False, False),  # plain Sunday
    ("2026-03-02", False, True),  # plain Monday
]


@pytest.mark.parametrize(("day", "holiday", "working"), DAY_CASES)
def test_public_holidays_and_working_days(day: str, holiday: bool, working: bool) -> None:
    assert is_public_holiday(D(day)) is holiday
    assert is_working_day(D(day)) is working


@pytest.mark.parametrize(
    ("day", "weekday", "text"),
    [
        ("2026-03-02", False, "2 mars 2026"),
        ("2026-04-01", False, "1er avril 2026"),
        ("2026-03-02", True, "lundi 2 mars 2026"),
        ("2026-04-01", True, "mercredi 1er avril 2026"),
        ("2026-08-15", True, "samedi 15 août 2026"),
        ("2026-12-01", False, "1er décembre 2026"),
    ],
)
def test_french_date(day: str, weekday: bool, text: str) -> None:
    assert french_date(D(day), weekday=weekday) == text


@pytest.mark.parametrize(
    ("day", "end", "inside"),
    [
        ("2025-11-01", (3, 31), True),  # first day included
        ("2026-03-31", (3, 31), True),  # last day included
        ("2026-04-01", (3, 31), False),
        ("2026-10-31", (3, 31), False),
        ("2027-01-15", (3, 31), True),
        ("2026-05-31", (5, 31), True),  # 2021-style end
        ("2026-06-01", (5, 31), False),
    ],
)
def test_in_treve(day: str, end: tuple[int, int], inside: bool) -> None:
    treve = TreveHivernale(end_month=end[0], end_day=end[1])
    assert in_treve(D(day), treve) is inside


# (not_before, options, due)
EXPULSION_CASES = [
    # law.md: commandement due Mon 17 Nov 2025, inside the trêve -> Wed 1 Apr 2026.
    ("2025-11-17", {}, "2026-04-01"),
    # Last day of the trêve (Tue 31 Mar 2026) -> Wed 1 Apr.
    ("2026-03-31", {}, "2026-04-01"),
    # Outside the trêve, Tue 14 Apr 2026: unchanged.
    ("2026-04-14", {}, "2026-04-14"),
    # Saturday 11 Apr 2026 is allowed (only Sundays and holidays are excluded).
    ("2026-04-11", {}, "2026-04-11"),
    # Sunday 12 Apr 2026 -> Mon 13 Apr.
    ("2026-04-12", {}, "2026-04-13"),
    # Fri 1 May 2026 (holiday) -> Sat 2 May, allowed.
    ("2026-05-01", {}, "2026-05-02"),
    # Sat 15 Aug 2026 (Assumption) -> Sun 16 -> Mon 17 Aug.
    ("2026-08-15", {}, "2026-08-17"),
    # Easter 2029 is 1 April: the day after the trêve is Easter Sunday, then Easter Monday
    # 2 Apr -> Tue 3 Apr 2029.
    ("2029-01-10", {}, "2029-04-03"),
    # Sun 31 Oct 2027 -> Mon 1 Nov, Toussaint and first day of the trêve -> Sat 1 Apr 2028.
    ("2027-10-31", {}, "2028-04-01"),
    # Trêve until 31 May: 15 Apr 2026 -> Mon 1 Jun 2026.
    ("2026-04-15", {"treve": TreveHivernale(end_month=5, end_day=31)}, "2026-06-01"),
    # Trêve until 10 Jul (2020): 20 Mar 2020 -> Sat 11 Jul 2020, a Saturday is allowed.
    ("2020-03-20", {"treve": TreveHivernale(end_month=7, end_day=10)}, "2020-07-11"),
    # Exception (e.g. rehousing ensured): Wed 24 Dec 2025 stays.
    ("2025-12-24", {"exception": True}, "2025-12-24"),
    # Exception, but Thu 25 Dec 2025 is Christmas -> Fri 26 Dec.
    ("2025-12-25", {"exception": True}, "2025-12-26"),
    # Concours granted later, on Fri 8 May 2026 (holiday) -> Sat 9 May.
    ("2026-04-10", {"concours_le": D("2026-05-08")}, "2026-05-09"),
    # Concours granted before not_before: Tue 2 Jun 2026 stays.
    ("2026-06-02", {"concours_le": D("2026-05-20")}, "2026-06-02"),
    # Concours granted Thu 5 Nov 2026, in the trêve -> Thu 1 Apr 2027.
    ("2026-09-01", {"concours_le": D("2026-11-05")}, "2027-04-01"),
]


@pytest.mark.parametrize(("not_before", "options", "due"), EXPULSION_CASES)
def test_earliest_expulsion(not_before: str, options: dict, due: str) -> None:
    deadline = earliest_expulsion(D(not_before), **options)
    assert deadline.due == D(due)
    assert deadline.due.weekday() != 6 and not is_public_holiday(deadline.due)
    assert deadline.legal_basis == "art. L. 412-6 et L. 141-1 CPCE"


def test_expulsion_after_the_law_example_commandement() -> None:
    commandement = compute_deadline(D("2025-09-15"), DeadlineRule(months=2))
    deadline = earliest_expulsion(commandement.due)
    assert deadline.due == D("2026-04-01")
    assert deadline.shifts[0].reason == (
        "le 17 novembre 2025 est pendant la trêve hivernale "
        "(du 1er novembre au 31 mars, art. L. 412-6 CPCE)"
    )
    assert deadline.explanation.endswith("expulsion au plus tôt le mercredi 1er avril 2026")


def test_expulsion_explanation_lists_each_step() -> None:
    deadline = earliest_expulsion(D("2026-04-10"), concours_le=D("2026-05-08"))
    assert deadline.explanation == (
        "point de départ : vendredi 10 avril 2026 → concours de la force publique accordé le "
        "vendredi 8 mai 2026 → le 8 mai 2026 est un jour férié (fête de la Victoire), aucune "
        "exécution possible (art. L. 141-1 CPCE) → expulsion au plus tôt le samedi 9 mai 2026"
    )


@pytest.mark.parametrize(
    "bad",
    [{"working_days": 2, "days": 1}, {"before": True, "months": 1}, {"days": -1}],
)
def test_inconsistent_rules_are_rejected(bad: dict) -> None:
    with pytest.raises(ValidationError):
        DeadlineRule(**bad)


def test_impossible_treve_end_is_rejected() -> None:
    with pytest.raises(ValidationError):
        TreveHivernale(end_month=2, end_day=30)


def test_negative_working_days_are_rejected() -> None:
    with pytest.raises(ValueError):
        add_working_days(D("2026-01-05"), -1)


@workflow.defn(sandboxed=True)
class _CalendarInSandbox:
    @workflow.run
    async def run(self) -> list[str]:
        # Years no other test uses: their holidays are computed here, inside the sandbox.
        appeal = compute_deadline(date(2031, 3, 4), DeadlineRule(months=1))
        expulsion = earliest_expulsion(date(2033, 11, 17))
        return [appeal.explanation, expulsion.explanation]


# Beside the interpreter (the venv's bin); no file look-up here, this module is re-imported in
# the sandbox, which forbids it.
_TEST_SERVER = Path(sys.executable).with_name("temporal-test-server")


async def test_calendar_runs_inside_the_workflow_sandbox() -> None:
    assert _TEST_SERVER.exists(), "temporal-test-server missing: install the test extras"
    queue = str(uuid.uuid4())
    async with (
        await WorkflowEnvironment.start_time_skipping(
            test_server_existing_path=str(_TEST_SERVER), data_converter=pydantic_data_converter
        ) as env,
        Worker(env.client, task_queue=queue, workflows=[_CalendarInSandbox]),
    ):
        result = await env.client.execute_workflow(
            _CalendarInSandbox.run, id=queue, task_queue=queue
        )
    assert result[0] == "1 mois à compter du 4 mars 2031 → vendredi 4 avril 2031"
    assert result[1].endswith("expulsion au plus tôt le samedi 1er avril 2034")
