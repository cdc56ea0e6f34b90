"""Demo data through the real workflows, then the diagnostics and the report over HTTP."""

import io
import subprocess
from collections import Counter
from pathlib import Path

import docx

from quietude.demo import create_demo
from quietude.procedures import ProcedureService
from store.reference import DEMO_BAILLEURS
from tests.integration.stack import Stack

EVRY = "91228"
ARTIFACTS = Path(__file__).resolve().parents[2] / "var" / "test-artifacts"
BAILLEURS = tuple(DEMO_BAILLEURS)  # the demo's starts go to each in turn


async def test_demo_procedures_are_counted_by_the_diagnostics(stack: Stack) -> None:
    service = ProcedureService(stack.client, stack.engine, stack.settings)
    ids = await create_demo(service, stack.engine, 30, seed=7)
    assert len(ids) == 30
    expected = Counter(procedure_id.split("-")[0] for procedure_id in ids)
    counted: Counter[str] = Counter()
    for org in BAILLEURS:
        response = await stack.http.get("/api/diagnostics", headers=stack.token(org, "manager"))
        assert response.status_code == 200, response.text
        for kind, figure in response.json()["totals"].items():
            counted[kind] += figure["valeur"]
    assert counted == expected
    shared = await stack.http.get("/api/diagnostics", headers=stack.token("prefecture-91", "admin"))
    assert shared.status_code == 200, shared.text
    # The préfecture sees aggregates: a count from 1 to the threshold − 1 is hidden, any other
    # is exact. With seed 7, some kinds are hidden (3 résiliations) and some shown.
    threshold = shared.json()["suppression_threshold"]
    totals = shared.json()["totals"]
    for kind, figure in totals.items():
        hidden = 0 < expected[kind] < threshold
        assert figure == {"valeur": None if hidden else expected[kind], "supprime": hidden}, kind
    assert {figure["supprime"] for figure in totals.values()} == {True, False}


async def test_report_of_evry_over_a_year_of_demo_data(stack: Stack) -> None:
    service = ProcedureService(stack.client, stack.engine, stack.settings)
    await create_demo(service, stack.engine, 40, communes=(EVRY,), seed=3)
    response = await stack.http.get(
        "/api/diagnostics/report.docx",
        params={"commune": EVRY},
        headers=stack.token("prefecture-91", "admin"),
    )
    assert response.status_code == 200, response.text
    document = docx.Document(io.BytesIO(response.content))
    assert len(document.inline_shapes) == 4
    assert len(document.tables) >= 6
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    source = ARTIFACTS / "diagnostic_local_evry.docx"
    source.write_bytes(response.content)
    subprocess.run(
        ["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(ARTIFACTS), str(source)],
        check=True,
        capture_output=True,
        timeout=180,
    )
    pdf = source.with_suffix(".pdf")
    assert pdf.read_bytes().startswith(b"%PDF")
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "60",
            "-f",
            "1",
            "-l",
            "1",
            str(pdf),
            str(ARTIFACTS / "diagnostic_local_evry"),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    assert list(ARTIFACTS.glob("diagnostic_local_evry*.png"))
