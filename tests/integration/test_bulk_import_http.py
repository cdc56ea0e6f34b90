"""`quietude import` of 50 résiliation dossiers in progress on the real stack, read over HTTP."""

from __future__ import annotations

import re

from tests.builders import BAILLEUR, POLICE_EVRY
from tests.integration.import_file import (
    BAD_LINES,
    DOSSIERS,
    PARQUET_STEP,
    build_file,
    run_import,
)


async def resiliations(stack, **filters: str) -> set[str]:
    """Ids of the résiliations the bailleur sees, with the given list filters."""
    response = await stack.http.get(
        "/api/procedures",
        params={"kind": "resiliation", "per_page": "200", **filters},
        headers=stack.token(BAILLEUR),
    )
    assert response.status_code == 200, response.text
    return {item["id"] for item in response.json()["items"]}


async def test_fifty_dossiers_imported_with_three_bad_lines_reported(stack, tmp_path):
    content, expected = build_file()
    path = tmp_path / "dossiers.csv"
    path.write_bytes(content)

    code, report, log = await run_import(stack, path, org=POLICE_EVRY)
    assert code == 2 and report == []
    assert f"« {POLICE_EVRY} » n'est pas un bailleur connu" in log

    code, report, log = await run_import(stack, path, "--dry-run")
    assert code == 1, log
    assert report[-1] == "Simulation, rien n'a été créé : 50 dossiers valides, 3 lignes refusées"
    assert await resiliations(stack) == set()

    code, report, log = await run_import(stack, path)
    assert code == 1, log
    assert report[-1] == "50 dossiers importés, 3 lignes refusées"
    by_line = {int(n): text for n, text in (re.match(r"ligne (\d+) : (.*)", r).groups()
                                            for r in report[:-1])}  # fmt: skip
    assert sorted(by_line) == list(range(2, 2 + DOSSIERS + len(BAD_LINES)))
    for line, message in BAD_LINES.items():
        assert by_line[line].startswith(message), (line, by_line[line])
    ids: dict[int, str] = {}
    for line, profile in expected.items():
        created = re.fullmatch(r"(resiliation-\d{4}-\d{6}) créé \((.*)\)", by_line[line])
        assert created, by_line[line]
        if profile.etape in profile.pending:
            assert created.group(2) == f"étape courante : {profile.etape}"
        else:  # closed at once with the meaning the law gives to silence
            assert created.group(2).startswith(f"étape {profile.etape} close aussitôt"), line
            assert all(key in created.group(2) for key in profile.pending)
        ids[line] = created.group(1)

    assert await resiliations(stack) == set(ids.values())
    expected_overdue = {ids[line] for line, profile in expected.items() if profile.overdue}
    assert await resiliations(stack, overdue="true") == expected_overdue
    assert 0 < len(expected_overdue) < DOSSIERS
    for line, profile in expected.items():
        detail = await stack.http.get(f"/api/procedures/{ids[line]}", headers=stack.token(BAILLEUR))
        pending = {s["key"] for s in detail.json()["steps"] if s["status"] == "pending"}
        assert pending - {PARQUET_STEP} == profile.pending, (line, profile.etape, pending)

    code, report, log = await run_import(stack, path)
    assert code == 1, log
    assert report[-1] == "0 dossier importé, 53 lignes refusées"
    assert "a déjà une résiliation en cours" in report[0]
    assert await resiliations(stack) == set(ids.values())
