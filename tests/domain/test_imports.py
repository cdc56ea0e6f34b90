"""Importing a résiliation in progress asks only for the dates of the acts."""

from datetime import date
from typing import Any

import pytest

from domain.imports import DossierImportError, plan_import
from domain.procedures.resiliation import DEFINITION as RESILIATION
from domain.procedures.resiliation_facts import ResiliationFacts
from tests.builders import resiliation_body

TODAY = date(2026, 11, 26)

# What a legal team's spreadsheet holds for a dossier waiting for the concours de la force
# publique: the acts, not the internal steps (constitution of the file, the tenant's delay).
ACTS = {
    "mise_en_demeure": date(2026, 1, 12),
    "assignation": date(2026, 3, 9),
    "audience": date(2026, 5, 4),
    "jugement": date(2026, 6, 15),
    "signification_jugement": date(2026, 6, 29),
    "commandement_quitter_les_lieux": date(2026, 8, 31),
    "requisition_force_publique": date(2026, 11, 2),
}


def facts_at(etape: str, dates: dict[str, date], **en_cours: Any) -> ResiliationFacts:
    body = resiliation_body(
        en_cours={
            "etape": etape,
            "dates": {key: on.isoformat() for key, on in dates.items()},
            "outcomes": {"jugement": "resiliation_prononcee"},
            "data": {"assignation": {"audience": "2026-05-04"}},
        }
        | en_cours
    )
    return ResiliationFacts.model_validate(body)


def test_the_acts_dates_are_enough_and_the_rest_is_date_inconnue() -> None:
    plan = plan_import(RESILIATION, facts_at("decision_concours_force_publique", ACTS), TODAY)

    by_key = {step.key: step for step in plan}
    # In the order of the procedure, not alphabetical.
    assert [s.key for s in plan] == [
        "constitution_dossier",
        "mise_en_demeure",
        "delai_mise_en_demeure",
        "assignation",
        "audience",
        "jugement",
        "signification_jugement",
        "commandement_quitter_les_lieux",
        "requisition_force_publique",
    ]
    for key in ("constitution_dossier", "delai_mise_en_demeure"):
        assert by_key[key].on is None
    # Unknown dates are bounded by the next known act, never used in a computation.
    assert by_key["constitution_dossier"].by == date(2026, 1, 12)
    assert by_key["delai_mise_en_demeure"].by == date(2026, 3, 9)
    assert by_key["jugement"].on == date(2026, 6, 15)
    # The judgment's ruling on the 2-month delay defaults to the law's: maintained.
    assert by_key["jugement"].data.get("delai_deux_mois", "maintenu") == "maintenu"


def test_an_act_whose_date_counts_must_be_given() -> None:
    dates = {k: v for k, v in ACTS.items() if k != "commandement_quitter_les_lieux"}

    with pytest.raises(DossierImportError) as refused:
        plan_import(RESILIATION, facts_at("decision_concours_force_publique", dates), TODAY)

    assert "Date manquante" in str(refused.value)
    assert "commandement de quitter les lieux" in str(refused.value).lower()


def test_dates_must_follow_the_order_of_the_procedure() -> None:
    dates = ACTS | {"assignation": date(2026, 1, 5)}

    with pytest.raises(DossierImportError) as refused:
        plan_import(RESILIATION, facts_at("decision_concours_force_publique", dates), TODAY)

    message = str(refused.value)
    assert "05/01/2026" in message and "12/01/2026" in message
    assert "Mise en demeure" in message  # the earlier step is named


def test_a_retired_step_is_refused_with_its_replacement() -> None:
    dates = {"mise_en_demeure": date(2026, 1, 12), "offre_relogement": date(2026, 2, 20)}

    with pytest.raises(DossierImportError) as refused:
        plan_import(RESILIATION, facts_at("assignation", dates), TODAY)

    assert "envoi_offre_relogement" in str(refused.value)


def test_a_future_date_is_named_in_french() -> None:
    dates = {"mise_en_demeure": date(2026, 12, 25)}

    with pytest.raises(DossierImportError) as refused:
        plan_import(RESILIATION, facts_at("delai_mise_en_demeure", dates), TODAY)

    assert "25/12/2026" in str(refused.value)
    assert "2026-12-25" not in str(refused.value)


def test_an_expulsion_imported_on_a_day_the_law_forbids_is_refused() -> None:
    dates = ACTS | {
        "requisition_force_publique": date(2026, 9, 14),
        "decision_concours_force_publique": date(2026, 10, 1),
        "expulsion": date(2026, 11, 16),  # a Monday, in the trêve
    }
    facts = facts_at(
        "cloture",
        dates,
        outcomes={
            "delai_mise_en_demeure": "troubles_persistants",
            "assignation": "delivree",
            "audience": "tenue",
            "jugement": "resiliation_prononcee",
            "requisition_force_publique": "requise",
            "decision_concours_force_publique": "accorde",
            "expulsion": "realisee",
        },
    )

    with pytest.raises(DossierImportError) as refused:
        plan_import(RESILIATION, facts, TODAY)

    message = str(refused.value)
    assert "trêve" in message and "L. 412-6" in message
    assert "1er avril 2027" in message or "01/04/2027" in message
