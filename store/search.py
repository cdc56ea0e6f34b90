"""Search by what people know of a procedure: its number, address, résidence, references,
commune, and the names of the persons it concerns for those who may see them.

The projection writes one normalized text per visibility tier (store.visibility.SearchTier) on
the procedure's row; a search matches each of the caller's terms against the text of its own
tier only, so that no term finds a procedure by a fact its caller may not read."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from typing import Any

from sqlalchemy import ColumnElement, and_, func
from sqlmodel import Session, col, select

from store.tables import Commune, Procedure
from store.visibility import SearchTier, facts_of_tier

# The facts searched, wherever they stand in a kind's facts: names of persons and résidences,
# addresses, references of a dwelling or a lease, the account of the facts. Coded values
# (categories, outcomes, dates) are left out: "delit" should not find every complaint.
SEARCHED_KEYS = frozenset(
    {"nom", "prenom", "adresse", "reference", "description", "objectifs", "batiment", "hall"}
)
COMMUNE_KEY = "commune_insee"
# Letters NFKD leaves whole.
LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "ß": "ss", "’": "'", "ʼ": "'"})
MAX_TERMS = 10
# A search counts its matches up to this number; past it, a list says "plus de 1 000" and asks
# for more words rather than count every match of a common word among a million procedures.
COUNT_CAP = 1000
SHORT_TERM = 3  # letters: a term this short is found in too many texts for its index to help
# A whole procedure number ("signalement-2026-000123"), the one term read on the number itself.
_NUMBER = re.compile(r"[a-z_]+-\d{4}-\d{6,}")
# The trigram indexes over the texts (PostgreSQL with pg_trgm, migration 0011), by name.
SEARCH_INDEXES = {
    "ix_procedure_search_text": "search_text",
    "ix_procedure_search_shared": "search_shared",
    "ix_procedure_search_full": "search_full",
}


def compared(_object: Any, name: str | None, type_: str, reflected: bool, _to: Any) -> bool:
    """Alembic's `include_object`: whether a schema object is compared with the models. The
    trigram indexes are left out: they exist only where pg_trgm could be created (0011)."""
    return not (type_ == "index" and reflected and name in SEARCH_INDEXES)


def normalized(text: str) -> str:
    """`text` without accents, in lower case, its spaces collapsed: "Évry-Courcouronnes" and
    "EVRY-courcouronnes" read "evry-courcouronnes". The one form written and searched."""
    lowered = text.casefold().translate(LIGATURES)
    decomposed = unicodedata.normalize("NFKD", lowered)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.split())


def search_terms(query: str | None) -> list[str]:
    """The normalized terms of a search, each of which must be found (at most MAX_TERMS)."""
    return normalized(query or "").split()[:MAX_TERMS]


def column_of(tier: SearchTier) -> Any:
    """The column holding the text of `tier`."""
    columns = {
        SearchTier.IN_PROGRESS: Procedure.search_text,
        SearchTier.SHARED: Procedure.search_shared,
        SearchTier.FULL: Procedure.search_full,
    }
    return col(columns[tier])


def search_clause(
    query: str | None, tier: SearchTier, *, indexed: bool = True
) -> ColumnElement[bool] | None:
    """A WHERE clause keeping the procedures whose text of `tier` holds every term of `query`;
    None for an empty query. A whole procedure number is read on the number (its primary key).
    Not `indexed`: the text read row by row, where the rows are already few (an inbox) and the
    trigram index would read every procedure of the region holding a common word."""
    terms = search_terms(query)
    if not terms:
        return None
    column, by_row = column_of(tier), func.coalesce(column_of(tier), "")
    # A short term ("rue", "des", "12") is in most procedures: beside a longer one, it is read on
    # the rows the longer found rather than through its trigram, which lists nearly every row.
    longer = any(len(term) > SHORT_TERM for term in terms)
    return and_(
        *(
            _term_clause(
                term, column if indexed and not (longer and len(term) <= SHORT_TERM) else by_row
            )
            for term in terms
        )
    )


def _term_clause(term: str, column: Any) -> ColumnElement[bool]:
    if _NUMBER.fullmatch(term):
        return col(Procedure.id) == term
    return column.like(f"%{_escaped(term)}%", escape="\\")  # type: ignore[no-any-return]


def _escaped(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _searched_values(facts: Any, communes: set[str]) -> Iterator[str]:
    """The searched strings of `facts`, walked through; the commune codes met go to `communes`."""
    if isinstance(facts, list):
        for item in facts:
            yield from _searched_values(item, communes)
        return
    if not isinstance(facts, dict):
        return
    for key, value in facts.items():
        if key == COMMUNE_KEY and isinstance(value, str):
            communes.add(value)
        elif key in SEARCHED_KEYS and isinstance(value, str):
            yield value
        else:
            yield from _searched_values(value, communes)


def search_texts(
    heading: list[str], commune_insee: str, facts: dict[str, Any], commune_names: dict[str, str]
) -> dict[SearchTier, str]:
    """The normalized text of each tier: the `heading` (number, title, résidence: what every
    caller who sees the procedure reads), the procedure's commune and the facts the tier reads,
    with the names of the communes they name."""
    texts: dict[SearchTier, str] = {}
    for tier in SearchTier:
        communes = {commune_insee}
        values = list(_searched_values(facts_of_tier(tier, facts), communes))
        names = [commune_names.get(insee, "") for insee in sorted(communes)]
        texts[tier] = normalized(" ".join([*heading, *sorted(communes), *names, *values]))
    return texts


def commune_names(session: Session, facts: dict[str, Any], commune_insee: str) -> dict[str, str]:
    """The names of the procedure's commune and of the communes its facts name, by code."""
    codes = {commune_insee}
    list(_searched_values(facts, codes))
    statement = select(col(Commune.insee), col(Commune.name)).where(col(Commune.insee).in_(codes))
    return dict(session.exec(statement).all())


def write_search_texts(session: Session, procedure: Procedure) -> None:
    """Fill the search columns of `procedure` from its number, title, résidence and facts."""
    names = commune_names(session, procedure.facts, procedure.commune_insee)
    heading = [procedure.id, procedure.title, procedure.residence_nom]
    texts = search_texts(heading, procedure.commune_insee, procedure.facts, names)
    procedure.search_text = texts[SearchTier.IN_PROGRESS]
    procedure.search_shared = texts[SearchTier.SHARED]
    procedure.search_full = texts[SearchTier.FULL]
