"""Import of a dossier in progress: which steps are done, on which dates, with which outcome."""

from __future__ import annotations

from datetime import date
from typing import Any

from domain.contracts import ImportedStep
from domain.definition import ProcedureDefinition
from domain.facts import EnCours, StartFacts
from domain.steps import Catalog, OutcomeSpec, data_problem


class DossierImportError(ValueError):
    """The dossier in progress cannot be imported as given (message in French)."""


def plan_import(
    definition: ProcedureDefinition[Any], facts: StartFacts, today: date
) -> list[ImportedStep]:
    """The steps done before `facts.en_cours.etape`, in order, each with its date and outcome."""
    en_cours = facts.en_cours
    assert en_cours is not None
    catalog, applicable = definition.catalog, definition.applicable(facts)
    _check_keys(definition, en_cours, applicable, today)
    plan: list[ImportedStep] = []
    frontier = list(catalog.first)
    seen: set[str] = set()
    while frontier:
        key = frontier.pop(0)
        if key in seen or key not in applicable or key == en_cours.etape:
            continue
        seen.add(key)
        on_path = catalog.reaches(key, en_cours.etape, applicable)
        if key not in en_cours.dates and (not on_path or catalog.spec(key).optional):
            continue  # a parallel branch opens normally; an optional step was not taken
        if key not in en_cours.dates:
            raise DossierImportError(
                f"Date manquante pour l'étape déjà accomplie « {catalog.spec(key).label} » ({key})."
            )
        outcome = _outcome_towards(catalog, key, en_cours, applicable, on_path)
        data = en_cours.data.get(key, {})
        _check_data(key, outcome, data)
        plan.append(ImportedStep(key=key, on=en_cours.dates[key], outcome=outcome.key, data=data))
        frontier.extend(outcome.next)
    return plan


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
    if en_cours.etape not in applicable:
        raise DossierImportError(f"L'étape « {en_cours.etape} » ne s'applique pas à ce dossier.")
    for field, keys in (
        ("dates", en_cours.dates),
        ("outcomes", en_cours.outcomes),
        ("data", en_cours.data),
    ):
        for key in keys:
            if not catalog.has(key):
                raise DossierImportError(f"en_cours.{field} : étape inconnue « {key} ».")
    for key, on in en_cours.dates.items():
        if on > today:
            raise DossierImportError(
                f"La date de l'étape « {key} » ({on.isoformat()}) est dans le futur."
            )
    for key, outcome in en_cours.outcomes.items():
        spec = catalog.spec(key)
        if spec.outcome(outcome) is None:
            raise DossierImportError(
                f"Résultat « {outcome} » invalide pour l'étape « {key} » "
                f"(attendu : {', '.join(spec.outcome_keys)})."
            )


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
