"""Documents of a résiliation through HTTP on the real stack: the letters the workflow renders,
exhibits filed by the bailleur, and the dossier for the court."""

from __future__ import annotations

import asyncio
import io
import zipfile
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from docx import Document as Docx

from tests.activities.resiliation_rows import resiliation_facts
from tests.builders import BAILLEUR, OTHER_BAILLEUR, PARQUET
from tests.docx_text import table_rows, text_of

BAILLEUR_NAME = "Démo — Habitat Essonne (bailleur fictif)"
PARQUET_NAME = "Parquet du tribunal judiciaire d'Évry-Courcouronnes"
PDF = b"%PDF-1.7\n% main courante du 3 octobre\n%%EOF\n"
WAIT_SECONDS = 20


def today_paris() -> str:
    return datetime.now(ZoneInfo("Europe/Paris")).date().isoformat()


async def documents_of(stack, procedure_id: str, kinds: set[str]) -> dict[str, dict[str, Any]]:
    """The procedure's documents by kind, once every kind of `kinds` has been rendered."""
    for _ in range(WAIT_SECONDS * 10):
        detail = await stack.http.get(
            f"/api/procedures/{procedure_id}", headers=stack.token(BAILLEUR)
        )
        documents = {d["kind"]: d for d in detail.json()["documents"]}
        if kinds <= set(documents):
            return documents
        await asyncio.sleep(0.1)
    raise AssertionError(f"documents non produits : {kinds - set(documents)}")


async def docx_text(stack, url: str) -> tuple[str, Any]:
    response = await stack.http.get(url, headers=stack.token(BAILLEUR))
    assert response.status_code == 200, response.text
    document = Docx(io.BytesIO(response.content))
    return text_of(document), document


async def test_resiliation_letters_pieces_and_dossier(stack):
    bailleur = stack.token(BAILLEUR)
    body = {key: value for key, value in resiliation_facts().items() if value is not None}
    created = await stack.http.post("/api/procedures", json=body, headers=bailleur)
    assert created.status_code == 201, created.text
    procedure_id = created.json()["id"]
    done = await stack.http.post(
        f"/api/procedures/{procedure_id}/steps/constitution_dossier",
        json={"outcome": "complet", "date": today_paris()},
        headers=bailleur,
    )
    assert done.status_code == 200, done.text

    documents = await documents_of(
        stack, procedure_id, {"mise_en_demeure", "demande_information_parquet"}
    )
    notice, _ = await docx_text(stack, documents["mise_en_demeure"]["url"])
    for expected in (
        BAILLEUR_NAME,
        "Hélène Lefèvre",
        "N'Diaye",
        "bail n° B-2019-0042",
        "À Évry-Courcouronnes, le",
        "articles 1728 et 1729 du code civil",
        "article 7 b)",
    ):
        assert expected in notice, expected
    # Art. 6-1 of loi 89 is a neighbour's notice to the landlord, not the tenant's obligation.
    assert "6-1" not in notice
    request, document = await docx_text(stack, documents["demande_information_parquet"]["url"])
    assert PARQUET_NAME in request
    assert table_rows(document, "Nom")[-1] == ["Lefèvre", "Jérôme", "Occupant"]

    pieces_url = f"/api/procedures/{procedure_id}/pieces"
    form = {"title": "Main courante du 3 octobre", "kind": "main_courante"}
    files = {"file": ("main courante.pdf", PDF, "application/pdf")}
    filed = await stack.http.post(pieces_url, data=form, files=files, headers=bailleur)
    again = await stack.http.post(pieces_url, data=form, files=files, headers=bailleur)
    assert (filed.status_code, again.status_code) == (201, 200), filed.text
    # The parquet finds the information request in its inbox and answers it with a document.
    parquet = stack.token(PARQUET, "agent")
    inbox = (await stack.http.get("/api/tasks", headers=parquet)).json()["items"]
    assert [(t["procedure_id"], t["key"]) for t in inbox] == [
        (procedure_id, "demande_information_parquet")
    ]
    answer = {"title": "Extrait du casier — réponse du parquet", "kind": "courrier"}
    answer_file = {"file": ("reponse parquet.pdf", PDF + b"% reponse\n", "application/pdf")}
    filed_by_parquet = await stack.http.post(
        pieces_url, data=answer, files=answer_file, headers=parquet
    )
    assert filed_by_parquet.status_code == 201, filed_by_parquet.text
    answered = await stack.http.post(
        f"/api/procedures/{procedure_id}/steps/demande_information_parquet",
        json={
            "outcome": "transmise",
            "date": today_paris(),
            "data": {"pieces": [filed_by_parquet.json()["id"]]},
        },
        headers=parquet,
    )
    assert answered.status_code == 200, answered.text
    # Its step answered, the parquet files nothing more in the bailleur's dossier.
    late = await stack.http.post(pieces_url, data=form, files=files, headers=parquet)
    assert late.status_code == 403
    seen = (await stack.http.get(f"/api/procedures/{procedure_id}", headers=bailleur)).json()
    information = next(s for s in seen["steps"] if s["key"] == "demande_information_parquet")
    assert information["outcome"] == "transmise"

    dossier_url = f"/api/procedures/{procedure_id}/dossier"
    dossier = await stack.http.get(dossier_url, headers=bailleur)
    assert dossier.status_code == 200, dossier.text
    with zipfile.ZipFile(io.BytesIO(dossier.content)) as archive:
        assert archive.namelist() == [
            "bordereau_pieces.docx",
            "recapitulatif_procedure.docx",
            "01 - Mise en demeure du locataire.docx",
            "02 - Demande d'information au parquet.docx",
            "03 - Main courante du 3 octobre.pdf",
            "04 - Extrait du casier — réponse du parquet.pdf",
        ]
        assert archive.read("03 - Main courante du 3 octobre.pdf") == PDF
        bordereau = Docx(io.BytesIO(archive.read("bordereau_pieces.docx")))
        recapitulatif = Docx(io.BytesIO(archive.read("recapitulatif_procedure.docx")))
    listed = [row[:3] for row in table_rows(bordereau, "N°")[1:]]
    assert listed[0] == ["1", "Mise en demeure du locataire", "Document de la procédure"]
    assert listed[2] == ["3", "Main courante du 3 octobre", "Main courante"]
    steps = {row[0]: row for row in table_rows(recapitulatif, "Étape")[1:]}
    assert steps["Constitution du dossier"][5].startswith("Accomplie : Dossier complet, le ")
    assert steps["Mise en demeure du locataire"][5] == "En attente"
    assert (await stack.http.get(dossier_url, headers=stack.token(PARQUET))).status_code == 403
    stranger = await stack.http.get(dossier_url, headers=stack.token(OTHER_BAILLEUR))
    assert stranger.status_code == 404
