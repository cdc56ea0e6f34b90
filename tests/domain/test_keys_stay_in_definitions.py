"""The kinds of procedure and the outcomes of their steps are named in their definitions only:
the rest of the code reads them from there (enums), so that a typo fails at import, not in court."""

from __future__ import annotations

import re

from domain.procedures import DEFINITIONS
from tests.fixtures import REPO

CODE = ("api", "activities", "quietude", "store", "workflows")
# A value that happens to be spelt like an outcome without being one: the access log's action of
# withdrawing a procedure ("retrait", also the outcome withdrawing an agrément).
UNRELATED = {("store/access_log.py", '"retrait"')}


def keys() -> set[str]:
    """Every kind and every outcome key (steps' and declarations')."""
    found = {kind.value for kind in DEFINITIONS}
    for item in DEFINITIONS.values():
        found |= {o.key for step in item.catalog.steps for o in step.outcomes}
        found |= {o.key for o in item.catalog.anytime}
    return found


def quoted_keys() -> re.Pattern[str]:
    """A kind or an outcome key between quotes."""
    alternatives = "|".join(sorted(map(re.escape, keys())))
    return re.compile(rf"""(["'])({alternatives})\1""")


def test_no_kind_or_outcome_is_written_as_a_bare_string_outside_domain():
    quoted = quoted_keys()
    found = []
    for folder in CODE:
        for path in sorted((REPO / folder).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            where = str(path.relative_to(REPO))
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                found += [
                    f"{where}:{number}: {match.group(0)}"
                    for match in quoted.finditer(line)
                    if (where, match.group(0)) not in UNRELATED
                ]
    assert found == []


def test_the_check_sees_a_bare_outcome():
    # The pattern of the check above finds what it is meant to find.
    quoted = quoted_keys()
    assert quoted.search('if judgment.outcome == "resiliation_prononcee":')
    assert quoted.search("kind = 'signalement'")
    assert not quoted.search("if judgment.outcome == OutcomeKey.RESILIATION_PRONONCEE:")
