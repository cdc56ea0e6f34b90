"""The one normalization of the search, and the text each visibility tier is matched against."""

import pytest

from store.search import normalized, search_terms, search_texts
from store.visibility import SearchTier, search_tier
from tests.builders import EVRY, resiliation_body, signalement_body


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Évry-Courcouronnes", "evry-courcouronnes"),
        ("  Rue   des LILAS ", "rue des lilas"),
        ("Œillet, Æsir", "oeillet, aesir"),
        ("l’Église", "l'eglise"),
        ("ÇA", "ca"),
    ],
)
def test_text_is_written_and_searched_without_accents_case_or_extra_spaces(
    text: str, expected: str
) -> None:
    assert normalized(text) == expected


def test_a_query_is_cut_into_normalized_terms() -> None:
    assert search_terms("  Évry  LILAS ") == ["evry", "lilas"]
    assert search_terms(None) == search_terms("   ") == []


def test_each_tier_holds_only_what_it_reads() -> None:
    heading = ["resiliation-2026-000001", "Résiliation de bail", "Résidence des Tilleuls"]
    texts = search_texts(heading, EVRY, resiliation_body(), {EVRY: "Évry-Courcouronnes"})
    assert "evry-courcouronnes" in texts[SearchTier.IN_PROGRESS]
    assert "quietudetest" not in texts[SearchTier.IN_PROGRESS]
    assert "lgt-0042" not in texts[SearchTier.IN_PROGRESS]
    # A résiliation shares its tenants, dwelling and lease with its partners.
    for tier in (SearchTier.SHARED, SearchTier.FULL):
        assert {"quietudetest", "zephyrin", "lgt-0042", "b-2019-0042", "lilas"} <= set(
            texts[tier].split()
        )
    # Coded values are not searched: "trafic" finds no résiliation by its motif's code.
    assert "trafic_stupefiants" not in texts[SearchTier.FULL]


def test_a_signalement_keeps_the_names_it_concerns_to_the_legal_team() -> None:
    facts = signalement_body(personnes=[{"nom": "Durand", "prenom": "Kévin", "locataire": True}])
    texts = search_texts(["signalement-2026-000001"], EVRY, facts, {})
    assert "durand" in texts[SearchTier.FULL]
    assert "durand" not in texts[SearchTier.SHARED]
    assert "durand" not in texts[SearchTier.IN_PROGRESS]
    assert "nuisances" in texts[SearchTier.SHARED]  # the account of the facts is shared


@pytest.mark.parametrize(
    ("org_kind", "role", "tier"),
    [
        ("bailleur", "agent", SearchTier.IN_PROGRESS),
        ("bailleur", "juriste", SearchTier.FULL),
        ("bailleur", "manager", SearchTier.FULL),
        ("police", "manager", SearchTier.SHARED),
        ("parquet", "juriste", SearchTier.SHARED),
        (None, "admin", SearchTier.SHARED),
    ],
)
def test_the_tier_follows_what_the_role_may_read(
    org_kind: str | None, role: str, tier: SearchTier
) -> None:
    assert search_tier(org_kind, role) == tier
