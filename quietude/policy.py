"""The convention's settings turned into the policy frozen into each new procedure."""

from __future__ import annotations

from domain.calendar import DeadlineRule, Regime, TreveHivernale
from domain.contracts import Policy
from quietude.settings import Settings, parse_sla


def policy_from(settings: Settings) -> Policy:
    """SLA overrides per step key, reminder lead time and the end of the trêve hivernale."""
    sla: dict[str, DeadlineRule] = {}
    for key, text in settings.sla.items():
        months, days, working_days = parse_sla(text)
        sla[key] = DeadlineRule(
            months=months,
            days=days,
            working_days=working_days,
            regime=Regime.SLA,
            label=f"objectif de la convention ({text})",
        )
    end_month, end_day = (int(part) for part in settings.treve_end.split("-"))
    return Policy(
        sla=sla,
        reminder_working_days=settings.reminder_working_days,
        treve=TreveHivernale(end_month=end_month, end_day=end_day),
    )
