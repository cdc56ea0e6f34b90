"""The start bodies the README sends (docs/examples/*.json) start their procedures."""

from __future__ import annotations

import json
from pathlib import Path

from domain.kinds import ProcedureKind
from tests.builders import BAILLEUR

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"


def readme_bodies() -> list[dict]:
    """Every JSON start body the README sends with `curl -d @docs/examples/…`."""
    return [json.loads(path.read_text(encoding="utf-8")) for path in EXAMPLES.glob("*.json")]


def test_the_readme_sends_a_body_of_each_kind_and_an_import():
    bodies = readme_bodies()
    assert {b["kind"] for b in bodies} == {kind.value for kind in ProcedureKind}
    assert any("en_cours" in b for b in bodies)


async def test_every_readme_body_starts_its_procedure(stack):
    for body in readme_bodies():
        created = await stack.http.post("/api/procedures", json=body, headers=stack.token(BAILLEUR))
        assert created.status_code == 201, (body["kind"], created.text)
        if "en_cours" in body:
            current = [s for s in created.json()["steps"] if s["status"] == "pending"]
            assert body["en_cours"]["etape"] in [s["key"] for s in current]
            assert all(
                s["status"] == "done"
                for s in created.json()["steps"]
                if s["key"] in body["en_cours"]["dates"]
            )
