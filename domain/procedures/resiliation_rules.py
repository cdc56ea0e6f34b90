"""The law's checks and delays of a résiliation: the hearing leaves the préfet six weeks, no
assignation before two months after the CCAPEX, no réquisition before the end of every délai,
an expulsion only on a lawful day; the delay after the commandement, the appeal."""

from __future__ import annotations

from datetime import date

from dateutil.relativedelta import relativedelta

from domain.calendar import (
    HEARING_NOTICE,
    DeadlineRule,
    Regime,
    earliest_event_after,
    expulsion_refusal,
    french_date,
    latest_before,
)
from domain.contracts import CompleteStep, Declaration, Milestone, Policy
from domain.outcomes import Audience, Renvoi
from domain.procedures.resiliation_facts import ResiliationFacts
from domain.procedures.resiliation_outcomes import (
    DelaiDeuxMois,
    DelaisAccordes,
    FondementDelais,
    JugeDelais,
    JugementResiliation,
    OutcomeKey,
    Report,
    StepKey,
    grace_bounds,
)
from domain.steps import StepState

Step, Out = StepKey, OutcomeKey
DELAY_MILESTONE = "fin_delai_commandement"  # the last day of the delay after the commandement
# The appeal delay, shown from the signification; an appeal does not stop the enforcement.
APPEAL = DeadlineRule(
    months=1,
    regime=Regime.CIVIL,
    label="délai d'appel",
    legal_basis="art. 538 CPC ; appel non suspensif (art. 514 CPC)",
)
APPEAL_REFERE = DeadlineRule(
    days=15,
    regime=Regime.CIVIL,
    label="délai d'appel d'une ordonnance de référé",
    legal_basis="art. 490 CPC ; appel non suspensif (art. 514 CPC)",
)
# A landlord that is a legal person cannot have the assignation delivered before two months
# after referring the tenant to the CCAPEX, when the demand rests even partly on a debt (loi 89
# art. 24 II and IV; Cass. 3e civ. 16 avril 2008). Whether CPC 642 extends this waiting period
# past a weekend is not settled (UNCONF): the later day is kept, the safe one.
CCAPEX_DELAY = DeadlineRule(
    months=2,
    regime=Regime.CIVIL,
    label="délai après la saisine de la CCAPEX",
    legal_basis="art. 24 II et IV loi 89-462 (à peine d'irrecevabilité)",
)
SEIZING = (Out.DELIVREE, Out.ASSIGNATION_DELIVREE, Out.SUBSTITUE)  # outcomes fixing a hearing
NOT_BEFORE = {
    Step.ASSIGNATION: (
        "L'assignation ne peut être délivrée avant le {day} : deux mois après la saisine de la "
        "CCAPEX (art. 24 II loi 89-462, à peine d'irrecevabilité)."
    ),
    Step.REQUISITION_FORCE_PUBLIQUE: (
        "La réquisition de la force publique ne peut être faite avant le {day} : fin du délai "
        "après le commandement et des délais accordés (art. L. 412-1 à L. 412-4 CPCE)."
    ),
}


def appeal_rule(judgment: JugementResiliation) -> DeadlineRule:
    """One month from the signification, 15 days for an ordonnance de référé."""
    return APPEAL_REFERE if judgment.refere else APPEAL


def commandement_delay(judgment: JugementResiliation) -> DeadlineRule | None:
    """The delay after the commandement as the judgment set it (CPCE L. 412-1); None when
    the judgment removed it."""
    if judgment.delai_deux_mois == DelaiDeuxMois.SUPPRIME:
        return None
    if judgment.delai_deux_mois == DelaiDeuxMois.REDUIT:
        return DeadlineRule(
            days=judgment.delai_reduit_jours or 0,
            label="délai réduit par le jugement",
            legal_basis="art. L. 412-1 CPCE",
        )
    return DeadlineRule(months=2, label="délai avant expulsion", legal_basis="art. L. 412-1 CPCE")


def delays_end(
    delay_end: date, judgment: JugementResiliation, declared: list[DelaisAccordes]
) -> date:
    """The last day of the delay after the commandement and of every délai granted since."""
    ends = [delay_end, *(d.jusqu_au for d in declared)]
    if judgment.delais_accordes_jusqu_au is not None:
        ends.append(judgment.delais_accordes_jusqu_au)
    return max(ends)


def completion_refusal(
    facts: ResiliationFacts, state: StepState, command: CompleteStep, policy: Policy
) -> str | None:
    """A French message when a completion is legally impossible, else None."""
    on = command.on
    if state.key == Step.EXPULSION:
        return _expulsion_refusal(facts, state, command, policy)
    if state.not_before is not None and on < state.not_before and state.key in NOT_BEFORE:
        return NOT_BEFORE[StepKey(state.key)].format(
            day=french_date(state.not_before, weekday=True)
        )
    if command.outcome in SEIZING:
        return _hearing_refusal(Audience.model_validate(command.data).audience, on, facts.impayes)
    if command.outcome == Out.RENVOI:
        return _later(Renvoi.model_validate(command.data).nouvelle_audience, on)
    return None


def _expulsion_refusal(
    facts: ResiliationFacts, state: StepState, command: CompleteStep, policy: Policy
) -> str | None:
    """Done or postponed, an expulsion falls on a lawful day (CPCE L. 141-1, L. 412-1 to 8)."""
    earliest = state.not_before or state.due or command.on
    exception = facts.exception_treve is not None
    if command.outcome == Out.REALISEE:
        return expulsion_refusal(command.on, earliest, policy.treve, exception)
    if command.outcome == Out.REPORTEE:
        later = Report.model_validate(command.data).nouvelle_date
        too_soon = _later(later, command.on)
        return too_soon or expulsion_refusal(later, earliest, policy.treve, exception)
    return None


def _later(day: date, on: date) -> str | None:
    if day <= on:
        return f"La nouvelle date ({day:%d/%m/%Y}) doit suivre la date saisie ({on:%d/%m/%Y})."
    return None


def _hearing_refusal(hearing: date, on: date, impayes: bool) -> str | None:
    """A hearing after the assignation, leaving the préfet six weeks when arrears are claimed."""
    if hearing <= on:
        return "La date d'audience doit suivre la date de l'assignation."
    latest = latest_before(hearing, HEARING_NOTICE)
    if impayes and latest < on:
        return (
            f"L'audience du {french_date(hearing)} ne laisse pas les six semaines "
            "requises pour notifier l'assignation au préfet (au plus tard le "
            f"{french_date(latest)}, art. 24 III loi 89-462) : choisir une audience "
            f"au plus tôt le {french_date(earliest_event_after(on, HEARING_NOTICE))}."
        )
    return None


def declaration_refusal(
    facts: ResiliationFacts,
    declaration: Declaration,
    steps: list[StepState],
    milestones: list[Milestone],
) -> str | None:
    """Délais are granted after the judgment, end after the decision and within what the code
    allows; a late grant of the concours follows a refusal, while a réquisition is pending."""
    if declaration.key == Out.DELAIS_ACCORDES:
        return _delais_refusal(declaration, steps, milestones)
    if declaration.key == Out.CONCOURS_ACCORDE:
        refused = any(
            s.key == Step.DECISION_CONCOURS_FORCE_PUBLIQUE
            and s.outcome in (Out.REFUSE, Out.IMPLICITE_REFUS)
            for s in steps
        )
        waiting = any(
            s.pending
            and s.key in (Step.REQUISITION_FORCE_PUBLIQUE, Step.DECISION_CONCOURS_FORCE_PUBLIQUE)
            for s in steps
        )
        if not (refused and waiting):
            return (
                "Un accord tardif du concours de la force publique s'enregistre après un refus, "
                "tant qu'une nouvelle réquisition est en cours ; sinon, compléter l'étape "
                "« Décision du préfet »."
            )
    return None


def _delais_refusal(
    declaration: Declaration, steps: list[StepState], milestones: list[Milestone]
) -> str | None:
    """Délais granted end after the decision, within what the code allows: 1 month to 1 year
    (L. 412-4), or 3 months past the end of the 2-month delay (L. 412-2)."""
    judgment = next(
        (s for s in steps if s.key == Step.JUGEMENT and s.outcome == Out.RESILIATION_PRONONCEE),
        None,
    )
    if judgment is None:
        return (
            "Des délais ne peuvent être déclarés qu'après le jugement prononçant la résiliation "
            "(les délais du jugement lui-même s'enregistrent avec lui)."
        )
    if declaration.on < judgment.done_on:
        return (
            f"La décision accordant des délais ({french_date(declaration.on)}) ne peut précéder "
            f"le jugement ({french_date(judgment.done_on)})."
        )
    granted = DelaisAccordes.model_validate(declaration.data)
    if granted.jusqu_au <= declaration.on:
        return "Les délais accordés doivent finir après la décision qui les accorde."
    if granted.fondement == FondementDelais.DELAIS_DE_GRACE:
        shortest, longest = grace_bounds(declaration.on)
        if not shortest <= granted.jusqu_au <= longest:
            return (
                "Les délais de grâce durent d'un mois à un an (art. L. 412-4 CPCE) : fin entre "
                f"le {french_date(shortest)} et le {french_date(longest)}."
            )
        return None
    if granted.juge != JugeDelais.JEX:
        return (
            "La prorogation du délai de deux mois relève du juge de l'exécution "
            "(art. L. 412-2 CPCE)."
        )
    delay = next((m for m in milestones if m.key == DELAY_MILESTONE), None)
    if delay is not None and granted.jusqu_au > delay.date + relativedelta(months=3):
        longest = delay.date + relativedelta(months=3)
        return (
            "Le délai de deux mois ne peut être prorogé de plus de trois mois (art. L. 412-2 "
            f"CPCE) : au plus tard le {french_date(longest)}."
        )
    return None
