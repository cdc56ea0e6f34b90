"""Legal deadlines (CPC 640-642, CPP 801), French public holidays, trêve hivernale."""

from datetime import date, timedelta
from enum import StrEnum

from dateutil.relativedelta import relativedelta
from holidays.countries import France
from pydantic import BaseModel, model_validator


class _MetropolitanFrance(France):
    # holidays.France names its holidays in French, then translates them with gettext, which reads
    # locale files: the workflow sandbox forbids it, and the result would depend on the machine's
    # locale. Skipping the translation keeps the French names, deterministically.
    def _init_translation(self) -> None:
        self.tr = lambda message: message


# No subdivision: metropolitan France, without the Alsace-Moselle days (Good Friday, 26 December).
_FRENCH_HOLIDAYS = _MetropolitanFrance()

# fmt: off
_MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin",
           "juillet", "août", "septembre", "octobre", "novembre", "décembre")
# fmt: on
_WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
_SATURDAY, _SUNDAY = 5, 6


class Regime(StrEnum):
    """Which body of rules governs a deadline."""

    CIVIL = "civil"  # CPC 640-642
    PENAL = "penal"  # CPP 801
    SLA = "sla"  # convention target (PRACTICE), no legal effect


DEFAULT_LEGAL_BASIS: dict[Regime, str] = {
    Regime.CIVIL: "art. 640 à 642 CPC",
    Regime.PENAL: "art. 801 CPP",
    Regime.SLA: "objectif de la convention (sans valeur légale)",
}
SHIFT_BASIS: dict[Regime, str] = {
    Regime.CIVIL: "art. 642 CPC",
    Regime.PENAL: "art. 801 CPP",
    Regime.SLA: "objectif reporté au jour ouvré suivant",
}
EXPULSION_LEGAL_BASIS = "art. L. 412-6 et L. 141-1 CPCE"


class DeadlineRule(BaseModel, frozen=True):
    """How a deadline is counted from its trigger date."""

    months: int = 0  # CPC 641: months first ...
    days: int = 0  # ... then days; the trigger day does not count
    working_days: int = 0  # SLA: working days (Mon-Fri, not a public holiday) after the start
    # Backward deadline: act no later than start - days - 1; never extended nor shifted.
    before: bool = False
    # A waiting period (CPP 85's 3 months): the term ends at 24:00 on its last day, so the date
    # computed is the day after it, the first day the act is possible.
    waiting: bool = False
    regime: Regime = Regime.CIVIL
    legal_basis: str = ""  # e.g. "art. 538 CPC", shown to people
    label: str = ""  # e.g. "délai d'appel"

    @model_validator(mode="after")
    def _check_consistent(self) -> "DeadlineRule":
        if min(self.months, self.days, self.working_days) < 0:
            raise ValueError("un délai ne peut pas être négatif")
        if self.working_days and (self.months or self.days):
            raise ValueError("des jours ouvrés ne se combinent pas avec des mois ou des jours")
        if self.before and (self.months or self.working_days):
            raise ValueError("un délai à rebours se compte en jours calendaires")
        if self.waiting and (self.before or self.working_days):
            raise ValueError("un délai d'attente se compte en mois ou en jours calendaires")
        return self


def target(months: int = 0, days: int = 0, working_days: int = 0, label: str = "") -> DeadlineRule:
    """A target of the convention (no legal effect), in months, days or working days."""
    return DeadlineRule(
        months=months, days=days, working_days=working_days, regime=Regime.SLA, label=label
    )


class Shift(BaseModel):
    """One move of a due date to a later day, with its French reason."""

    from_date: date
    to_date: date
    reason: str


class Deadline(BaseModel):
    """A computed due date and how it was obtained."""

    start: date
    nominal: date
    due: date
    rule: DeadlineRule
    shifts: list[Shift]
    explanation: str
    legal_basis: str


class TreveHivernale(BaseModel, frozen=True):
    """Winter period without expulsions (CPCE L. 412-6): 1 November to 31 March, unless a text
    moved the end of one winter (10 July in 2020, 31 May in 2021) — such a change applies to
    procedures already running."""

    start_month: int = 11
    start_day: int = 1
    end_month: int = 3
    end_day: int = 31
    # Exceptional ends, by the year the trêve ends in.
    ends: dict[int, date] = {}

    @model_validator(mode="after")
    def _check_dates(self) -> "TreveHivernale":
        # 2000 is a leap year, so 29 February is accepted (clamped to 28 in other years).
        date(2000, self.start_month, self.start_day)
        date(2000, self.end_month, self.end_day)
        for year, end in self.ends.items():
            if end < self._begin(year):
                raise ValueError(f"la trêve {year} ne peut finir avant de commencer")
        return self

    def _begin(self, ending_year: int) -> date:
        """The first day of the trêve that ends in `ending_year`."""
        across_new_year = (self.start_month, self.start_day) > (self.end_month, self.end_day)
        year = ending_year - 1 if across_new_year else ending_year
        return _on_day(year, self.start_month, self.start_day)

    def end_of(self, ending_year: int) -> date:
        """The last day of the trêve that ends in `ending_year`."""
        return self.ends.get(ending_year) or _on_day(ending_year, self.end_month, self.end_day)

    def period(self, d: date) -> tuple[date, date] | None:
        """The first and last day of the trêve `d` falls in, if any (both included)."""
        for year in (d.year, d.year + 1):
            begin, end = self._begin(year), self.end_of(year)
            if begin <= d <= end:
                return begin, end
        return None

    def moved(self, ending_year: int, end: date) -> "TreveHivernale":
        """The same trêve with the end of one winter moved by a text."""
        return TreveHivernale.model_validate(
            {**self.model_dump(), "ends": {**self.ends, ending_year: end}}
        )


def _day_month(month: int, day: int) -> str:
    return f"{'1er' if day == 1 else day} {_MONTHS[month - 1]}"


def french_date(d: date, weekday: bool = False) -> str:
    """Format a date in French: "2 mars 2026", "1er avril 2026", "lundi 2 mars 2026"."""
    text = f"{_day_month(d.month, d.day)} {d.year}"
    return f"{_WEEKDAYS[d.weekday()]} {text}" if weekday else text


def is_public_holiday(d: date) -> bool:
    """Whether d is a public holiday in metropolitan France (not Alsace-Moselle)."""
    return d in _FRENCH_HOLIDAYS


def is_working_day(d: date) -> bool:
    """Whether d is Monday to Friday and not a French public holiday."""
    return d.weekday() < _SATURDAY and not is_public_holiday(d)


def add_working_days(start: date, n: int) -> date:
    """Return the n-th working day after start (start itself never counts)."""
    if n < 0:
        raise ValueError("le nombre de jours ouvrés ne peut pas être négatif")
    current = start
    while n:
        current += timedelta(days=1)
        if is_working_day(current):
            n -= 1
    return current


def _holiday_name(d: date) -> str:
    name = str(_FRENCH_HOLIDAYS.get(d, ""))
    # Common nouns are lower-cased inside a sentence; proper names (Noël, Toussaint) are not.
    if name.split(" ", 1)[0] in {"Lundi", "Fête", "Jour"}:
        name = name[0].lower() + name[1:]
    return name


def _day_off_label(d: date) -> str:
    parts = [_WEEKDAYS[d.weekday()]] if d.weekday() >= _SATURDAY else []
    if is_public_holiday(d):
        parts.append(f"{_holiday_name(d)}, jour férié")
    return ", ".join(parts)


def _day_off_reason(d: date, saturday_counts: bool = True) -> str:
    weekend = d.weekday() == _SUNDAY or (saturday_counts and d.weekday() == _SATURDAY)
    what = [f"un {_WEEKDAYS[d.weekday()]}"] if weekend else []
    if is_public_holiday(d):
        what.append(f"un jour férié ({_holiday_name(d)})")
    return f"le {french_date(d)} est {' et '.join(what)}"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' if n > 1 else ''}"


def _duration(rule: DeadlineRule) -> str:
    parts = [f"{rule.months} mois"] if rule.months else []
    if rule.days or not rule.months:
        days = _plural(rule.days, "jour")
        if rule.days and rule.days % 7 == 0:
            days += f" ({_plural(rule.days // 7, 'semaine')})"
        parts.append(days)
    return " et ".join(parts)


_Outcome = tuple[date, date, list[Shift], str]  # nominal, due, shifts, explanation


def _forward(start: date, rule: DeadlineRule) -> _Outcome:
    # CPC 641: months first (same day number, else the last day of the month), then days.
    nominal = start + relativedelta(months=rule.months) + timedelta(days=rule.days)
    due, shifts = nominal, []
    while not is_working_day(due):
        after = due + timedelta(days=1)
        shifts.append(Shift(from_date=due, to_date=after, reason=_day_off_reason(due)))
        due = after
    text = f"{_duration(rule)} à compter du {french_date(start)}"
    if not shifts:
        return nominal, due, shifts, f"{text} → {french_date(due, weekday=True)}"
    for index, shift in enumerate(shifts):
        # A Saturday or Sunday following another day off goes without saying; holidays do not.
        if index == 0 or is_public_holiday(shift.from_date):
            text += f" → {french_date(shift.from_date)} ({_day_off_label(shift.from_date)})"
    text += f" → reporté au {french_date(due, weekday=True)} ({SHIFT_BASIS[rule.regime]})"
    return nominal, due, shifts, text


def _day_after_term(last_day: date, text: str) -> tuple[date, str]:
    # The term ends at 24:00 on its last day (CPP 801): the act is possible the day after.
    # UNCONF: whether CPP 801's extension past a Saturday, Sunday or holiday applies to a
    # waiting period such as CPP 85's 3 months is not settled; it is applied here, which gives
    # the later (never premature) day.
    first = last_day + timedelta(days=1)
    return first, (
        f"{text}, terme du délai à 24 h (art. 801 CPP) → à partir du "
        f"{french_date(first, weekday=True)}"
    )


def _backward(start: date, rule: DeadlineRule) -> _Outcome:
    # "At least N days before": N full days between the act and the event, counted back from
    # the day before the event; such deadlines are never extended (no weekend/holiday shift).
    due = start - timedelta(days=rule.days + 1)
    text = (
        f"au plus tard le {french_date(due, weekday=True)}, {_duration(rule)} pleins avant "
        f"le {french_date(start, weekday=True)}, sans report (délai à rebours)"
    )
    return due, due, [], text


def _working(start: date, rule: DeadlineRule) -> _Outcome:
    n = rule.working_days
    due = add_working_days(start, n)
    between = (start + timedelta(days=offset) for offset in range(1, (due - start).days))
    skipped = [
        f"{_holiday_name(day)} le {french_date(day)}"
        for day in between
        if day.weekday() < _SATURDAY and is_public_holiday(day)
    ]
    text = (
        f"{_plural(n, 'jour')} ouvré{'s' if n > 1 else ''} après le "
        f"{french_date(start, weekday=True)} → {french_date(due, weekday=True)}"
    )
    if skipped:
        text += f" (jours fériés non comptés : {', '.join(skipped)})"
    return due, due, [], text


def compute_deadline(start: date, rule: DeadlineRule) -> Deadline:
    """Compute the due date of rule triggered on start, with each shift explained in French."""
    if rule.working_days:
        nominal, due, shifts, text = _working(start, rule)
    elif rule.before:
        nominal, due, shifts, text = _backward(start, rule)
    else:
        # Calendar-day SLA targets are shifted too, so that a target never falls on a day off.
        nominal, due, shifts, text = _forward(start, rule)
    if rule.waiting:
        due, text = _day_after_term(due, text)
    return Deadline(
        start=start,
        nominal=nominal,
        due=due,
        rule=rule,
        shifts=shifts,
        explanation=f"{rule.label} : {text}" if rule.label else text,
        legal_basis=rule.legal_basis or DEFAULT_LEGAL_BASIS[rule.regime],
    )


# The préfet is notified of an assignation for arrears at least six weeks before the hearing.
HEARING_NOTICE = DeadlineRule(
    days=42,
    before=True,
    regime=Regime.CIVIL,
    legal_basis="art. 24 III loi 89-462 ; Cass. avis 6 nov. 2025",
    label="notification au préfet",
)


def latest_before(event: date, rule: DeadlineRule) -> date:
    """The last day an act may be done for a backward deadline before `event`."""
    assert rule.before
    return compute_deadline(event, rule).due


def earliest_event_after(act_on: date, rule: DeadlineRule) -> date:
    """The first day an event may be fixed for an act done on `act_on` to meet the backward
    deadline `rule` (the converse of `latest_before`)."""
    assert rule.before
    return act_on + timedelta(days=rule.days + 1)


def validity_end(granted_on: date, years: int) -> date:
    """The last day of a validity of `years` years from the act of `granted_on` (an agrément):
    the same day `years` later, 28 February for a 29 February; no shift for a day off, since
    no act is due that day."""
    return granted_on + relativedelta(years=years)


def _on_day(year: int, month: int, day: int) -> date:
    # relativedelta(day=...) clamps to the last day of the month (29 February in common years).
    return date(year, month, 1) + relativedelta(day=day)


def in_treve(d: date, treve: TreveHivernale) -> bool:
    """Whether d falls within the trêve hivernale (both ends included)."""
    return treve.period(d) is not None


def _treve_text(treve: TreveHivernale, begin: date, end: date) -> str:
    if end == _on_day(end.year, treve.end_month, treve.end_day):
        start = _day_month(treve.start_month, treve.start_day)
        return f"du {start} au {_day_month(end.month, end.day)}"
    return f"du {french_date(begin)} au {french_date(end)}, fin reportée par un texte exceptionnel"


def _expulsion_shift(d: date, treve: TreveHivernale, exception: bool) -> Shift | None:
    period = None if exception else treve.period(d)
    if period is not None:
        reason = (
            f"le {french_date(d)} est pendant la trêve hivernale "
            f"({_treve_text(treve, *period)}, art. L. 412-6 CPCE)"
        )
        return Shift(from_date=d, to_date=period[1] + timedelta(days=1), reason=reason)
    # CPCE L. 141-1 forbids Sundays and public holidays only: Saturday is allowed.
    if d.weekday() == _SUNDAY or is_public_holiday(d):
        reason = (
            f"{_day_off_reason(d, saturday_counts=False)}, "
            "aucune exécution possible (art. L. 141-1 CPCE)"
        )
        return Shift(from_date=d, to_date=d + timedelta(days=1), reason=reason)
    return None


def earliest_expulsion(
    not_before: date,
    treve: TreveHivernale = TreveHivernale(),
    exception: bool = False,
    concours_le: date | None = None,
    not_before_reason: str = "",
) -> Deadline:
    """Earliest day an expulsion may be carried out: after the trêve, not a Sunday or holiday;
    `not_before_reason` says why not before `not_before` (the délais granted…)."""
    # not_before is the date from which the caller holds expulsion allowed (end of the
    # commandement delay as set by the judge or JEX). Whether that 2-month delay keeps running
    # during the trêve is an interpretation (UNCONF): it is not decided here.
    candidate = max(not_before, concours_le or not_before)
    steps = [f"{not_before_reason or 'point de départ'} : {french_date(not_before, weekday=True)}"]
    if concours_le and concours_le > not_before:
        steps.append(
            f"concours de la force publique accordé le {french_date(concours_le, weekday=True)}"
        )
    if exception and in_treve(candidate, treve):
        steps.append("exception à la trêve hivernale retenue (art. L. 412-6 CPCE)")
    shifts: list[Shift] = []
    due = candidate
    # A loop, not one test: a Sunday 31 October moves to 1 November, inside the next trêve.
    while shift := _expulsion_shift(due, treve, exception):
        shifts.append(shift)
        steps.append(shift.reason)
        due = shift.to_date
    steps.append(f"expulsion au plus tôt le {french_date(due, weekday=True)}")
    rule = DeadlineRule(legal_basis=EXPULSION_LEGAL_BASIS, label="expulsion au plus tôt")
    return Deadline(
        start=not_before,
        nominal=candidate,
        due=due,
        rule=rule,
        shifts=shifts,
        explanation=" → ".join(steps),
        legal_basis=EXPULSION_LEGAL_BASIS,
    )


def expulsion_refusal(
    day: date, earliest: date, treve: TreveHivernale, exception: bool
) -> str | None:
    """Why an expulsion on `day` would be unlawful, naming the rule and the first lawful day, or
    None: not before `earliest` (the end of the commandement's delay and of every délai granted,
    the concours), outside the trêve unless an exception is recorded, not on a Sunday or public
    holiday (CPCE L. 141-1, L. 412-1 to L. 412-8)."""
    if day < earliest:
        rule = (
            f"les délais courent jusqu'au {french_date(earliest - timedelta(days=1))} "
            "(art. L. 412-1 à L. 412-4 CPCE)"
        )
        first = earliest_expulsion(earliest, treve, exception).due
    elif shift := _expulsion_shift(day, treve, exception):
        rule, first = shift.reason, earliest_expulsion(day, treve, exception).due
    else:
        return None
    return (
        f"Expulsion impossible le {french_date(day, weekday=True)} : {rule}. "
        f"Premier jour possible : {french_date(first, weekday=True)}."
    )
