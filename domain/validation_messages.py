"""French wording of pydantic validation errors, for every place that reports them to people."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# French wording of pydantic's error types; `{name}` are taken from the error's context.
MESSAGES: dict[str, str] = {
    "missing": "champ requis",
    "extra_forbidden": "champ non autorisé",
    "string_type": "texte attendu",
    "string_too_short": "trop court (au moins {min_length} caractère(s))",
    "string_too_long": "trop long (au plus {max_length} caractères)",
    "string_pattern_mismatch": "format invalide",
    "int_type": "nombre entier attendu",
    "int_parsing": "nombre entier attendu",
    "int_from_float": "nombre entier attendu",
    "float_type": "nombre attendu",
    "float_parsing": "nombre attendu",
    "bool_type": "booléen attendu (true ou false)",
    "bool_parsing": "booléen attendu (true ou false)",
    "greater_than": "doit être supérieur à {gt}",
    "greater_than_equal": "doit être supérieur ou égal à {ge}",
    "less_than": "doit être inférieur à {lt}",
    "less_than_equal": "doit être inférieur ou égal à {le}",
    "too_short": "au moins {min_length} élément(s) attendu(s)",
    "too_long": "au plus {max_length} élément(s)",
    "date_type": "date attendue (AAAA-MM-JJ)",
    "date_parsing": "date invalide (format attendu AAAA-MM-JJ)",
    "date_from_datetime_parsing": "date invalide (format attendu AAAA-MM-JJ)",
    "date_from_datetime_inexact": "date sans heure attendue (AAAA-MM-JJ)",
    "datetime_type": "date et heure attendues (AAAA-MM-JJTHH:MM:SS+01:00)",
    "datetime_parsing": "date et heure invalides (format attendu AAAA-MM-JJTHH:MM:SS+01:00)",
    "datetime_from_date_parsing": (
        "date et heure invalides (format attendu AAAA-MM-JJTHH:MM:SS+01:00)"
    ),
    "timezone_aware": "fuseau horaire requis (par exemple +01:00)",
    "enum": "valeur invalide (valeurs possibles : {expected})",
    "literal_error": "valeur invalide (valeur attendue : {expected})",
    "union_tag_invalid": "valeur « {tag} » inconnue (valeurs possibles : {expected_tags})",
    "union_tag_not_found": "champ requis",
    "dict_type": "objet JSON attendu",
    "model_type": "objet JSON attendu",
    "model_attributes_type": "objet JSON attendu",
    "list_type": "liste attendue",
    "json_invalid": "JSON mal formé",
    "json_type": "JSON attendu",
}


def error_context(error: Mapping[str, Any]) -> dict[str, str]:
    """The context of a pydantic error, its values written for a French reader."""
    # pydantic quotes values ("'a', 'b' or 'c'"); French readers get « a, b ou c ».
    raw = error.get("ctx") or {}
    return {k: str(v).replace("'", "").replace(" or ", " ou ") for k, v in raw.items()}


def describe_error(error: Mapping[str, Any]) -> str:
    """What is wrong with one value, in French, from a pydantic error."""
    kind = error.get("type", "")
    if kind == "value_error" and (error.get("ctx") or {}).get("error"):
        return str(error["ctx"]["error"])
    context = error_context(error)
    template = MESSAGES.get(kind)
    if template is None:
        return f"valeur invalide ({error.get('msg', kind)})"
    try:
        return template.format(**context)
    except KeyError:
        return template.split(" (", 1)[0]
