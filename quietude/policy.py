"""The policy frozen into each new procedure: the convention of its commune's département (from
the conventions file) over the installation's settings.

Precedence for a step's target, per step key: the département's convention (`objectifs` in
data/conventions.toml), then `Settings.sla` (the installation's targets), then the step's own
target in the catalogue. In a département without a signed convention the same values apply,
each marked « objectif par défaut — aucune convention signée dans ce département »."""

from __future__ import annotations

from domain.calendar import DeadlineRule, Regime, TreveHivernale
from domain.contracts import ConventionRef, Policy
from domain.procedures import find
from domain.steps import DeadlineKind
from quietude.conventions import Convention, Conventions
from quietude.settings import Settings, parse_sla

CONVENTION_TARGET = "objectif de la convention"
DEFAULT_TARGET = "objectif par défaut — aucune convention signée dans ce département"
DEFAULT_TARGET_BASIS = f"{DEFAULT_TARGET} (sans valeur légale)"


def policy_from(settings: Settings) -> Policy:
    """The installation's policy: SLA overrides per step key, reminder lead time and the end
    of the trêve hivernale (the base of a trêve change, and of procedures started before
    conventions were data)."""
    return Policy(
        sla=_rules(settings.sla, CONVENTION_TARGET),
        reminder_working_days=settings.reminder_working_days,
        treve=_treve(settings.treve_end),
    )


def policy_for(
    departement: str, conventions: Conventions, settings: Settings, kind: str | None = None
) -> Policy:
    """The policy of a procedure of `kind` starting in `departement`: its convention's targets
    over the settings'; without a convention, defaults marked as such (every target of the
    kind's steps when `kind` is given)."""
    convention = conventions.of(departement)
    if convention is None:
        return _without_convention(departement, settings, kind)
    return _with_convention(departement, convention, settings)


def _with_convention(departement: str, convention: Convention, settings: Settings) -> Policy:
    targets = {**settings.sla, **convention.targets}
    return Policy(
        sla=_rules(targets, CONVENTION_TARGET),
        reminder_working_days=settings.reminder_working_days,
        treve=_treve(convention.treve_end or settings.treve_end),
        departement=departement,
        convention=ConventionRef(title=convention.title, signed_on=convention.signed_on),
    )


def _without_convention(departement: str, settings: Settings, kind: str | None) -> Policy:
    sla = _catalogue_defaults(kind)
    sla.update(_rules(settings.sla, DEFAULT_TARGET, DEFAULT_TARGET_BASIS))
    return Policy(
        sla=sla,
        reminder_working_days=settings.reminder_working_days,
        treve=_treve(settings.treve_end),
        departement=departement,
        default_targets=True,
    )


def _catalogue_defaults(kind: str | None) -> dict[str, DeadlineRule]:
    """The kind's own targets, each said to be a default (no convention behind it)."""
    definition = find(kind) if kind else None
    if definition is None:
        return {}
    return {
        spec.key: spec.rule.model_copy(update={"legal_basis": DEFAULT_TARGET_BASIS})
        for spec in definition.catalog.steps
        if spec.deadline == DeadlineKind.SLA and spec.rule is not None
    }


def _rules(targets: dict[str, str], wording: str, legal_basis: str = "") -> dict[str, DeadlineRule]:
    """Targets written "10j", "2m", "5jo" as deadline rules labelled `wording (10j)`."""
    rules: dict[str, DeadlineRule] = {}
    for key, text in targets.items():
        months, days, working_days = parse_sla(text)
        rules[key] = DeadlineRule(
            months=months,
            days=days,
            working_days=working_days,
            regime=Regime.SLA,
            legal_basis=legal_basis,
            label=f"{wording} ({text})",
        )
    return rules


def _treve(end: str) -> TreveHivernale:
    end_month, end_day = (int(part) for part in end.split("-"))
    return TreveHivernale(end_month=end_month, end_day=end_day)
