"""Exhibits of a file: upload by the procedure's bailleur, checks, list, download, and the
dossier for the court (.zip)."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from typing import Any

import docx
import httpx
import pytest
from sqlalchemy import Engine, delete
from sqlmodel import Session, select

from api.routes import pieces as pieces_route
from quietude.settings import Settings
from store.tables import Piece, Step
from tests.activities.resiliation_rows import PROCEDURE_ID, project_resiliation
from tests.api.rows import BAILLEUR, OTHER_BAILLEUR, PARQUET, POLICE_EVRY
from tests.docx_text import table_rows, text_of
from tests.fixtures import Tokens

URL = f"/api/procedures/{PROCEDURE_ID}/pieces"
PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


def a_docx(word: bool = True) -> bytes:
    """A minimal zip that is a Word document when it holds word/document.xml."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml" if word else "xl/workbook.xml", "<document/>")
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def resiliation(engine: Engine) -> Iterator[None]:
    """The résiliation of the demo bailleur in the read model; its exhibits removed after."""
    project_resiliation(engine)
    yield
    with Session(engine) as session:
        session.exec(delete(Piece))  # type: ignore[call-overload]
        session.commit()


async def upload(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    data: bytes = PDF,
    filename: str = "constat d'huissier.pdf",
    title: str = "Constat d'huissier — hall C3",
    kind: str = "constat",
    url: str = URL,
) -> httpx.Response:
    """POST one file as multipart form data."""
    files = {"file": (filename, data, "application/octet-stream")}
    return await client.post(url, files=files, data={"title": title, "kind": kind}, headers=headers)


def stored_pieces(engine: Engine) -> list[Piece]:
    """Every exhibit row."""
    with Session(engine) as session:
        return list(session.exec(select(Piece)).all())


async def test_the_bailleur_files_a_pdf_and_downloads_it(
    client: httpx.AsyncClient, auth: Tokens, settings: Settings, engine: Engine
) -> None:
    created = await upload(client, auth(BAILLEUR, "juriste", "juriste-1"))

    assert created.status_code == 201, created.text
    piece: dict[str, Any] = created.json()
    assert piece["title"] == "Constat d'huissier — hall C3"
    assert (piece["kind"], piece["filename"]) == ("constat", "constat d'huissier.pdf")
    assert (piece["content_type"], piece["size"]) == ("application/pdf", len(PDF))
    assert piece["created_by"] == "juriste-1"
    assert piece["url"] == f"/api/pieces/{piece['id']}"
    stored = settings.var_dir / "pieces" / PROCEDURE_ID / piece["sha256"]
    assert stored.read_bytes() == PDF
    listed = await client.get(URL, headers=auth(BAILLEUR, "juriste"))
    assert [p["id"] for p in listed.json()] == [piece["id"]]
    download = await client.get(piece["url"], headers=auth(BAILLEUR, "juriste"))
    assert download.status_code == 200
    assert download.content == PDF
    assert download.headers["content-type"] == "application/pdf"
    assert "attachment" in download.headers["content-disposition"]
    assert [row.org_id for row in stored_pieces(engine)] == [BAILLEUR]


@pytest.mark.parametrize(
    ("data", "filename", "content_type"),
    [
        (PNG, "photo.PNG", "image/png"),
        (JPEG, "hall.jpeg", "image/jpeg"),
        (a_docx(), "courrier.docx", pieces_route.DOCX),
    ],
)
async def test_images_and_word_documents_are_accepted(
    client: httpx.AsyncClient, auth: Tokens, data: bytes, filename: str, content_type: str
) -> None:
    created = await upload(
        client, auth(BAILLEUR, "juriste"), data=data, filename=filename, kind="photo"
    )

    assert created.status_code == 201, created.text
    assert created.json()["content_type"] == content_type


async def test_the_same_file_twice_is_one_exhibit(
    client: httpx.AsyncClient, auth: Tokens, settings: Settings, engine: Engine
) -> None:
    first = await upload(client, auth(BAILLEUR, "juriste"))
    again = await upload(
        client, auth(BAILLEUR, "juriste"), filename="copie.pdf", title="Autre intitulé"
    )

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    assert len(stored_pieces(engine)) == 1
    assert len(list((settings.var_dir / "pieces" / PROCEDURE_ID).iterdir())) == 1


async def test_a_file_over_20_mb_is_refused(
    client: httpx.AsyncClient, auth: Tokens, settings: Settings, engine: Engine
) -> None:
    too_big = PDF + b"0" * (pieces_route.MAX_PIECE_BYTES - len(PDF) + 1)

    refused = await upload(client, auth(BAILLEUR, "juriste"), data=too_big)

    assert refused.status_code == 413
    assert refused.json()["detail"].startswith("Fichier trop volumineux : une pièce ne peut")
    assert stored_pieces(engine) == []
    assert not (settings.var_dir / "pieces").exists()


@pytest.mark.parametrize(
    ("data", "filename"),
    [
        (b"MZ\x90\x00 programme", "programme.exe"),
        (b"Bonjour", "note.txt"),
        (PDF, "constat.png"),  # the extension does not match the content
        (PNG, "photo.pdf"),
        (b"<html>%PDF-</html>", "page.pdf"),
        (a_docx(word=False), "tableur.docx"),
        (PDF, "sans-extension"),
        (b"", "vide.pdf"),
    ],
)
async def test_other_types_are_refused_by_content_and_extension(
    client: httpx.AsyncClient, auth: Tokens, engine: Engine, data: bytes, filename: str
) -> None:
    refused = await upload(client, auth(BAILLEUR, "juriste"), data=data, filename=filename)

    assert refused.status_code == 415
    assert refused.json()["detail"].startswith("Type de fichier refusé")
    assert stored_pieces(engine) == []


def set_parquet_steps(engine: Engine, status: str) -> None:
    with Session(engine) as session:
        for step in session.exec(select(Step).where(Step.org_id == PARQUET)).all():
            step.status = status
            session.add(step)
        session.commit()


async def test_a_partner_whose_step_is_pending_files_its_answer(
    client: httpx.AsyncClient, auth: Tokens, engine: Engine
) -> None:
    set_parquet_steps(engine, "pending")

    filed = await upload(client, auth(PARQUET, "agent"))

    assert filed.status_code == 201, filed.text
    assert [p.org_id for p in stored_pieces(engine)] == [PARQUET]


async def test_a_partner_with_nothing_pending_may_not_file(
    client: httpx.AsyncClient, auth: Tokens, engine: Engine
) -> None:
    set_parquet_steps(engine, "done")

    refused = await upload(client, auth(PARQUET, "manager"))

    assert refused.status_code == 403
    assert "étape est en attente" in refused.json()["detail"]
    assert stored_pieces(engine) == []


@pytest.mark.parametrize("org", [OTHER_BAILLEUR, POLICE_EVRY])
async def test_an_organisation_that_does_not_see_the_procedure_gets_404(
    client: httpx.AsyncClient, auth: Tokens, org: str
) -> None:
    created = await upload(client, auth(BAILLEUR, "juriste"))
    piece_url = created.json()["url"]

    assert (await upload(client, auth(org))).status_code == 404
    assert (await client.get(URL, headers=auth(org))).status_code == 404
    assert (await client.get(piece_url, headers=auth(org))).status_code == 404
    dossier = await client.get(f"/api/procedures/{PROCEDURE_ID}/dossier", headers=auth(org))
    assert dossier.status_code == 404
    assert dossier.json() == {"detail": "Procédure introuvable."}


async def test_an_unknown_procedure_or_piece_is_404(
    client: httpx.AsyncClient, auth: Tokens
) -> None:
    unknown = "/api/procedures/resiliation-2026-999999/pieces"

    assert (await upload(client, auth(BAILLEUR, "juriste"), url=unknown)).status_code == 404
    missing = await client.get("/api/pieces/inconnue", headers=auth(BAILLEUR, "juriste"))
    assert (missing.status_code, missing.json()) == (404, {"detail": "Pièce introuvable."})


async def test_an_unknown_kind_or_an_empty_title_is_422_in_french(
    client: httpx.AsyncClient, auth: Tokens
) -> None:
    bad_kind = await upload(client, auth(BAILLEUR, "juriste"), kind="facture")
    no_title = await upload(client, auth(BAILLEUR, "juriste"), title="")
    blank_title = await upload(client, auth(BAILLEUR, "juriste"), title="   ")

    assert bad_kind.status_code == 422
    assert "kind : valeur invalide (valeurs possibles : pv, constat" in bad_kind.json()["detail"]
    assert no_title.status_code == 422
    assert "title : champ requis" in no_title.json()["detail"]
    assert blank_title.status_code == 422
    assert "title : format invalide" in blank_title.json()["detail"]


async def test_a_partner_who_sees_the_procedure_lists_and_downloads_its_pieces(
    client: httpx.AsyncClient, auth: Tokens
) -> None:
    created = (await upload(client, auth(BAILLEUR, "juriste"))).json()

    listed = await client.get(URL, headers=auth(PARQUET))
    download = await client.get(created["url"], headers=auth(PARQUET))

    assert [p["id"] for p in listed.json()] == [created["id"]]
    assert download.content == PDF


async def test_the_dossier_holds_the_bordereau_the_recapitulatif_and_numbered_pieces(
    client: httpx.AsyncClient, auth: Tokens
) -> None:
    await upload(client, auth(BAILLEUR, "juriste"), title="Constat d'huissier — hall C3")
    await upload(
        client,
        auth(BAILLEUR, "juriste"),
        data=PNG,
        filename="tags hall C.png",
        title="Photographie des tags",
        kind="photo",
    )

    response = await client.get(
        f"/api/procedures/{PROCEDURE_ID}/dossier", headers=auth(BAILLEUR, "juriste")
    )

    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/zip"
    assert f"{PROCEDURE_ID}-dossier.zip" in response.headers["content-disposition"]
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        assert archive.namelist() == [
            "bordereau_pieces.docx",
            "recapitulatif_procedure.docx",
            "01 - Constat d'huissier — hall C3.pdf",
            "02 - Photographie des tags.png",
        ]
        assert archive.read("01 - Constat d'huissier — hall C3.pdf") == PDF
        assert archive.read("02 - Photographie des tags.png") == PNG
        bordereau = docx.Document(io.BytesIO(archive.read("bordereau_pieces.docx")))
        recapitulatif = docx.Document(io.BytesIO(archive.read("recapitulatif_procedure.docx")))
    rows = table_rows(bordereau, "N°")
    assert [row[:3] for row in rows[1:]] == [
        ["1", "Constat d'huissier — hall C3", "Constat"],
        ["2", "Photographie des tags", "Photographie"],
    ]
    assert "Mise en demeure du locataire" in text_of(recapitulatif)
    assert "Pièces versées au dossier : 2" in text_of(recapitulatif)


async def test_the_dossier_is_for_the_bailleur_only(
    client: httpx.AsyncClient, auth: Tokens
) -> None:
    response = await client.get(f"/api/procedures/{PROCEDURE_ID}/dossier", headers=auth(PARQUET))

    assert response.status_code == 403


async def test_the_dossier_of_a_procedure_without_pieces_has_the_two_documents(
    client: httpx.AsyncClient, auth: Tokens
) -> None:
    response = await client.get(
        f"/api/procedures/{PROCEDURE_ID}/dossier", headers=auth(BAILLEUR, "juriste")
    )

    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        assert archive.namelist() == ["bordereau_pieces.docx", "recapitulatif_procedure.docx"]


def test_clean_filename_keeps_the_last_component_and_accents() -> None:
    assert pieces_route.clean_filename("..\\..\\C:\\dossier\\procès-verbal.pdf") == (
        "procès-verbal.pdf"
    )
    assert pieces_route.clean_filename("../../etc/passwd") == "passwd"
    assert pieces_route.clean_filename('a<b>"c|d?.pdf') == "abcd.pdf"
    long_name = pieces_route.clean_filename("x" * 300 + ".pdf")
    assert len(long_name) == pieces_route.MAX_FILENAME and long_name.endswith(".pdf")
