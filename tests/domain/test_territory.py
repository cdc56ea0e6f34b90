"""The département of a commune, from its INSEE code."""

import pytest

from domain.territory import departement_of


@pytest.mark.parametrize(
    ("insee", "departement"),
    [("91228", "91"), ("75056", "75"), ("75116", "75"), ("2A004", "2A"), ("97411", "974")],
)
def test_the_departement_is_read_from_the_insee_code(insee: str, departement: str) -> None:
    assert departement_of(insee) == departement


def test_a_code_of_another_length_is_refused() -> None:
    with pytest.raises(ValueError, match="cinq caractères"):
        departement_of("9122")
