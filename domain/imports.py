"""Import of a dossier in progress: which steps are done, on which dates, with which outcome."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from domain.contracts import CompleteStep, ImportedStep, Policy
from domain.definition import ProcedureDefinition
from domain.facts import EnCours, StartFacts
from domain.steps import Catalog, OutcomeSpec, StepSpec, StepState, data_problem


class DossierImportError(ValueError):
    """The dossier in progress cannot be imported as given (message in French)."""


def plan_import(
    definition: ProcedureDefinition[Any], facts: StartFacts, today: date, policy: Policy = Policy()
) -> list[ImportedStep]:
    """The steps done before `facts.en_cours.etape`, in order, each with its outcome and its date.

    A date is asked only where the law counts from it: for an act whose date starts a delay, a
    milestone or a legal check (the catalogue marks them `dated`) and for the step that opened the
    current one (its due date runs from it). Another past step without a date is recorded "date
    inconnue" and never enters a computation. Dates go forward along the path, and every check of
    the law a completion passes, an imported step passes too.
    """
    en_cours = facts.en_cours
    assert en_cours is not None
    catalog, applicable = definition.catalog, definition.applicable(facts)
    _check_keys(definition, en_cours, applicable, today)
    plan: list[ImportedStep] = []
    # Each key to visit with the latest known date before it and the step that bears that date.
    frontier: list[tuple[str, date | None, str]] = [(key, None, "") for key in catalog.first]
    seen: set[str] = set()
    while frontier:
        key, after, earlier = frontier.pop(0)
        spec = catalog.spec(key)
        if key in seen or key not in applicable or key == en_cours.etape or spec.retired:
            continue
        seen.add(key)
        on_path = catalog.reaches(key, en_cours.etape, applicable)
        given = en_cours.dates.get(key)
        if given is None and (not on_path or spec.optional):
            continue  # a parallel branch opens normally; an optional step was not taken
        outcome = _outcome_towards(catalog, key, en_cours, applicable, on_path)
        if given is None and (spec.dated or en_cours.etape in outcome.next):
            raise DossierImportError(
                f"Date manquante pour l'étape déjà accomplie « {spec.label} » ({key}) : "
                "un délai, une échéance ou une règle de droit se compte à partir de cette date."
            )
        if given is not None and after is not None and given < after:
            raise DossierImportError(
                f"La date de l'étape « {spec.label} » ({given:%d/%m/%Y}) est antérieure à celle de "
                f"l'étape « {catalog.spec(earlier).label} » ({after:%d/%m/%Y}), qui la précède "
                "dans la procédure."
            )
        data = en_cours.data.get(key, {})
        _check_data(key, outcome, data)
        if given is not None:
            _check_law(definition, facts, spec, outcome, given, data, policy)
        plan.append(ImportedStep(key=key, on=given, outcome=outcome.key, data=data))
        if given is not None and (after is None or given >= after):
            after, earlier = given, key
        frontier.extend((n, after, earlier) for n in outcome.next)
    return _bounded(plan, today)


def _bounded(plan: list[ImportedStep], today: date) -> list[ImportedStep]:
    """Each step of unknown date is done at the latest on the earliest date of a step after it
    (today when none): only the flow's order rests on it, never a delay."""
    bounded = []
    for index, step in enumerate(plan):
        if step.on is None:
            later = [s.on for s in plan[index + 1 :] if s.on is not None]
            step = step.model_copy(update={"by": min(later, default=today)})
        bounded.append(step)
    return bounded


def _check_law(
    definition: ProcedureDefinition[Any],
    facts: StartFacts,
    spec: StepSpec,
    outcome: OutcomeSpec,
    on: date,
    data: dict[str, Any],
    policy: Policy,
) -> None:
    """The kind's rule of law, as for a completion of the step on that date (a hearing leaving
    the préfet six weeks, an expulsion on a lawful day…)."""
    state = StepState(
        key=spec.key,
        label=spec.label,
        actor=spec.actor,
        org="",
        opened_at=datetime.combine(on, time()),
        opened_on=on,
    )
    command = CompleteStep(key=spec.key, outcome=outcome.key, on=on, data=data, org="", sub="")
    refusal = definition.completion_refusal(facts, state, command, policy)
    if refusal:
        raise DossierImportError(f"Étape « {spec.label} » : {refusal}")


def _check_keys(
    definition: ProcedureDefinition[Any],
    en_cours: EnCours,
    applicable: frozenset[str],
    today: date,
) -> None:
    catalog = definition.catalog
    if not catalog.has(en_cours.etape):
        raise DossierImportError(
            f"Étape inconnue pour une procédure {definition.kind.value} : « {en_cours.etape} »."
        )
    if en_cours.etape not in applicable or catalog.spec(en_cours.etape).retired:
        raise DossierImportError(f"L'étape « {en_cours.etape} » ne s'applique pas à ce dossier.")
    for field, keys in (
        ("dates", en_cours.dates),
        ("outcomes", en_cours.outcomes),
        ("data", en_cours.data),
    ):
        for key in keys:
            if not catalog.has(key):
                raise DossierImportError(f"en_cours.{field} : étape inconnue « {key} ».")
            if catalog.spec(key).retired:
                raise DossierImportError(
                    f"en_cours.{field} : l'étape « {key} » n'est plus utilisée ; indiquer "
                    f"celles qui la remplacent ({', '.join(_replacements(catalog, key))})."
                )
    for key, on in en_cours.dates.items():
        if on > today:
            raise DossierImportError(
                f"La date de l'étape « {catalog.spec(key).label} » ({on:%d/%m/%Y}) est dans "
                f"le futur (aujourd'hui : {today:%d/%m/%Y})."
            )
    for key, outcome in en_cours.outcomes.items():
        spec = catalog.spec(key)
        if spec.outcome(outcome) is None:
            raise DossierImportError(
                f"Résultat « {outcome} » invalide pour l'étape « {key} » "
                f"(attendu : {', '.join(spec.outcome_keys)})."
            )


def _replacements(catalog: Catalog, retired: str) -> list[str]:
    """The live steps offered beside a retired one, where the flow now goes instead."""
    return [
        key
        for spec in catalog.steps
        for outcome in spec.outcomes
        if retired in outcome.next
        for key in outcome.next
        if key != retired
        and not catalog.spec(key).retired
        and catalog.spec(key).optional == catalog.spec(retired).optional
    ] or ["aucune"]


def _check_data(key: str, outcome: OutcomeSpec, data: dict[str, Any]) -> None:
    missing = [name for name in outcome.required if data.get(name) in (None, "")]
    if missing:
        raise DossierImportError(
            f"Donnée requise manquante pour l'étape « {key} » ({outcome.key}) : "
            f"{', '.join(missing)} (dans en_cours.data)."
        )
    problem = data_problem(outcome, data)
    if problem:
        raise DossierImportError(f"en_cours.data, étape « {key} » : {problem}")


def _outcome_towards(
    catalog: Catalog, key: str, en_cours: EnCours, applicable: frozenset[str], on_path: bool
) -> OutcomeSpec:
    spec = catalog.spec(key)
    chosen = spec.outcome(en_cours.outcomes.get(key, ""))
    if chosen is not None:
        return chosen  # given, and checked by _check_keys
    candidates = list(spec.outcomes)
    if on_path:
        candidates = [
            o
            for o in candidates
            if any(catalog.reaches(n, en_cours.etape, applicable) for n in o.next)
        ]
    if len(candidates) > 1:
        # e.g. a hearing held rather than adjourned: the outcome that needs no more data
        candidates = [o for o in candidates if not o.required] or candidates
    if len(candidates) != 1:
        raise DossierImportError(
            f"Précisez le résultat de l'étape « {key} » dans en_cours.outcomes "
            f"(possibles : {', '.join(spec.outcome_keys)})."
        )
    return candidates[0]
