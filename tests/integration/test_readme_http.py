"""The start bodies the README shows (```json blocks and curl heredocs) work as shown."""

from __future__ import annotations

import json
import re
from pathlib import Path

from tests.builders import BAILLEUR

README = Path(__file__).resolve().parents[2] / "README.md"


def readme_bodies() -> list[dict]:
    """Every JSON start body of the README: ```json blocks and the heredocs of its curl calls."""
    text = README.read_text(encoding="utf-8")
    blocks = re.findall(r"```json\n(.*?)```", text, re.S)
    blocks += re.findall(r"<<'JSON'.*?\n(.*?)\nJSON", text, re.S)
    return [json.loads(block) for block in blocks]


def test_the_readme_shows_a_body_of_each_kind_and_an_import():
    bodies = readme_bodies()
    assert {b["kind"] for b in bodies} == {"signalement", "plainte", "resiliation"}
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
