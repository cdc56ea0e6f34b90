"""The compte rendu (.docx) of a joint intervention: rendered on demand from the read model,
with its actions and outcomes, the forces' report and the indicators before and after; for the
organisations that see the procedure only."""

from __future__ import annotations

import io

import httpx
from docx import Document
from sqlalchemy import Engine

from tests.api.intervention_rows import (
    INDICATORS,
    INTERVENTION_ID,
    REPORT,
    evaluated_steps,
    planning_steps,
    project_intervention,
)
from tests.api.rows import BAILLEUR, OTHER_BAILLEUR, PARQUET, POLICE_EVRY
from tests.fixtures import Tokens

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def docx_text(data: bytes) -> tuple[list[str], list[list[str]], str]:
    """The paragraphs, the table rows (cells' text) and the footer's XML of a .docx."""
    document = Document(io.BytesIO(data))
    paragraphs = [p.text for p in document.paragraphs if p.text]
    rows = [[c.text for c in row.cells] for t in document.tables for row in t.rows]
    return paragraphs, rows, document.sections[0].footer._element.xml


async def test_the_compte_rendu_tells_the_plan_the_outcomes_and_the_indicators(
    client: httpx.AsyncClient, auth: Tokens, engine: Engine
) -> None:
    project_intervention(engine, evaluated_steps(), indicators=INDICATORS)
    response = await client.get(
        f"/api/procedures/{INTERVENTION_ID}/compte-rendu.docx", headers=auth(BAILLEUR, "juriste")
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == DOCX
    assert f"{INTERVENTION_ID}-compte-rendu.docx" in response.headers["content-disposition"]
    paragraphs, rows, footer = docx_text(response.content)
    assert paragraphs[0] == "Compte rendu d'intervention conjointe"
    assert any("du 7 décembre 2029 au 20 mars 2030" in p for p in paragraphs)
    assert ["Objectifs", "Rétablir la tranquillité du hall B2."] in rows
    assert ["Halls", "B2"] in rows
    assert ["Compte rendu", REPORT] in rows
    labels = {row[0]: row for row in rows}
    assert labels["Éclairage du hall B2 remplacé"][2] == "20 mars 2030"
    assert labels["Éclairage du hall B2 remplacé"][3] == "Accomplie : Réalisée, le 20 mars 2030"
    assert labels["Traitement prioritaire du secteur"][3] == (
        "Accomplie : Non réalisée, le 1er avril 2030 — motif : Audience"
    )
    assert labels["Validation par les forces de l'ordre"][2] == (
        "Accomplie : Acceptée, le 5 mars 2030"
    )
    start = rows.index(["Catégorie", "Avant", "Après", "Évolution"])
    assert rows[start + 1 : start + 4] == [
        ["Dégradations", "1", "0", "−1"],
        ["Occupation des halls", "2", "1", "−1"],
        ["Total", "3", "1", "−2"],
    ]
    assert ["Évaluation", "En attente"] in rows
    assert "accès restreint" in footer and "NUMPAGES" in footer and " PAGE " in footer


async def test_before_the_evaluation_the_compte_rendu_says_what_is_still_to_come(
    client: httpx.AsyncClient, auth: Tokens, engine: Engine
) -> None:
    project_intervention(engine, planning_steps())
    response = await client.get(
        f"/api/procedures/{INTERVENTION_ID}/compte-rendu.docx", headers=auth(POLICE_EVRY)
    )
    assert response.status_code == 200, response.text
    paragraphs, rows, _ = docx_text(response.content)
    assert "Aucune action n'a encore été planifiée." in paragraphs
    assert "Les indicateurs du territoire ne sont pas encore disponibles." in paragraphs
    assert not any(row[0] == "Catégorie" for row in rows)


async def test_only_the_organisations_that_see_the_intervention_get_its_compte_rendu(
    client: httpx.AsyncClient, auth: Tokens, engine: Engine
) -> None:
    project_intervention(engine, evaluated_steps(), indicators=INDICATORS)
    url = f"/api/procedures/{INTERVENTION_ID}/compte-rendu.docx"
    assert (await client.get(url, headers=auth(PARQUET))).status_code == 200  # it had an action
    assert (await client.get(url, headers=auth(OTHER_BAILLEUR, "juriste"))).status_code == 404
    assert (await client.get(url, headers=auth("police-etampes"))).status_code == 404
    front_line = await client.get(url, headers=auth(BAILLEUR, "agent"))
    assert front_line.status_code == 403
    assert "Réservé au service juridique" in front_line.json()["detail"]
    assert (await client.get(url)).status_code == 401


async def test_a_procedure_of_another_kind_has_no_compte_rendu(
    client: httpx.AsyncClient, auth: Tokens, engine: Engine
) -> None:
    from tests.api.rows import project

    project(engine, "signalement-2030-000001", [])
    response = await client.get(
        "/api/procedures/signalement-2030-000001/compte-rendu.docx",
        headers=auth(BAILLEUR, "juriste"),
    )
    assert response.status_code == 404
    assert response.json()["detail"] == "Intervention conjointe introuvable."
