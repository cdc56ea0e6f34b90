"""The dossier for the court (.zip) of a résiliation past its mise en demeure: the letters the
procedure produced, the mise en demeure first, then the exhibits, numbered as the bordereau
lists them."""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path

import docx
import httpx
import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from activities.documents import DocumentActivities
from quietude.settings import Settings
from store.tables import Document
from store.visibility import FRONT_LINE_REFUSED
from tests.activities.resiliation_rows import PROCEDURE_ID, produce_letters, project_resiliation
from tests.api.rows import BAILLEUR, PARQUET
from tests.docx_text import table_rows, text_of
from tests.fixtures import Tokens

URL = f"/api/procedures/{PROCEDURE_ID}/dossier"
PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
FILE_DOCUMENTS = ["bordereau_pieces.docx", "recapitulatif_procedure.docx"]
NUMBERED = [
    "01 - Mise en demeure du locataire.docx",
    "02 - Demande d'information au parquet.docx",
    "03 - Offre de relogement.docx",
    "04 - Constat d'huissier — hall C3.pdf",
    "05 - Photographie des tags 12-10.png",
]


@pytest.fixture(autouse=True)
def resiliation(engine: Engine, settings: Settings) -> None:
    """The résiliation in the read model, its letters produced as its steps opened."""
    project_resiliation(engine)
    produce_letters(DocumentActivities(engine, settings.templates_dir, settings.documents_dir))


async def file_pieces(client: httpx.AsyncClient, auth: Tokens) -> None:
    """The bailleur files a constat, then a photograph whose title holds a slash."""
    headers = auth(BAILLEUR, "juriste")
    url = f"/api/procedures/{PROCEDURE_ID}/pieces"
    for filename, data, title, kind in (
        ("constat.pdf", PDF, "Constat d'huissier — hall C3", "constat"),
        ("tags.png", PNG, "Photographie des tags 12/10", "photo"),
    ):
        files = {"file": (filename, data, "application/octet-stream")}
        filed = await client.post(
            url, files=files, data={"title": title, "kind": kind}, headers=headers
        )
        assert filed.status_code == 201, filed.text


async def dossier(client: httpx.AsyncClient, auth: Tokens) -> zipfile.ZipFile:
    """The dossier the bailleur's legal team downloads."""
    response = await client.get(URL, headers=auth(BAILLEUR, "juriste"))
    assert response.status_code == 200, response.text
    return zipfile.ZipFile(io.BytesIO(response.content))


def stored_letter(engine: Engine, kind: str) -> Path:
    """The file the procedure's letter `kind` is stored in."""
    with Session(engine) as session:
        document = session.exec(select(Document).where(Document.kind == kind)).one()
    return Path(document.path)


async def test_the_dossier_opens_with_the_mise_en_demeure_then_the_letters_then_the_pieces(
    client: httpx.AsyncClient, auth: Tokens, engine: Engine
) -> None:
    await file_pieces(client, auth)

    with await dossier(client, auth) as archive:
        assert archive.namelist() == FILE_DOCUMENTS + NUMBERED
        notice = archive.read(NUMBERED[0])
        request = archive.read(NUMBERED[1])
        assert archive.read(NUMBERED[3]) == PDF
        assert archive.read(NUMBERED[4]) == PNG

    assert notice == stored_letter(engine, "mise_en_demeure").read_bytes()
    assert request == stored_letter(engine, "demande_information_parquet").read_bytes()
    assert "Lettre recommandée avec demande d'avis de réception" in text_of(
        docx.Document(io.BytesIO(notice))
    )


async def test_the_zip_names_its_files_as_the_bordereau_numbers_them(
    client: httpx.AsyncClient, auth: Tokens
) -> None:
    await file_pieces(client, auth)

    with await dossier(client, auth) as archive:
        bordereau = docx.Document(io.BytesIO(archive.read("bordereau_pieces.docx")))
        fingerprints = {
            name: hashlib.sha256(archive.read(name)).hexdigest()[:12] for name in NUMBERED
        }
    rows = table_rows(bordereau, "N°")[1:]

    listed = [f"{int(row[0]):02d} - {row[1].replace('/', '-')}" for row in rows]
    assert listed == [Path(name).stem for name in NUMBERED]
    assert [row[2] for row in rows] == ["Document de la procédure"] * 3 + [
        "Constat",
        "Photographie",
    ]
    assert [row[4] for row in rows] == [fingerprints[name] for name in NUMBERED]
    assert "Nombre de pièces | 5" in text_of(bordereau)


async def test_the_recapitulatif_stays_and_counts_the_pieces_filed(
    client: httpx.AsyncClient, auth: Tokens
) -> None:
    await file_pieces(client, auth)

    with await dossier(client, auth) as archive:
        recapitulatif = docx.Document(io.BytesIO(archive.read("recapitulatif_procedure.docx")))

    assert "Pièces versées au dossier : 2" in text_of(recapitulatif)


async def test_without_pieces_the_dossier_holds_the_letters(
    client: httpx.AsyncClient, auth: Tokens
) -> None:
    with await dossier(client, auth) as archive:
        assert archive.namelist() == FILE_DOCUMENTS + NUMBERED[:3]


async def test_a_letter_no_longer_stored_is_410_in_french(
    client: httpx.AsyncClient, auth: Tokens, engine: Engine
) -> None:
    stored_letter(engine, "offre_relogement").unlink()

    response = await client.get(URL, headers=auth(BAILLEUR, "juriste"))

    assert response.status_code == 410
    assert response.json() == {
        "detail": "Le fichier de la pièce n° 3 (Offre de relogement) n'est plus stocké."
    }


@pytest.mark.parametrize(
    ("org", "role", "detail"),
    [
        (BAILLEUR, "agent", FRONT_LINE_REFUSED),
        (PARQUET, "agent", None),
    ],
)
async def test_who_may_not_download_the_dossier_gets_no_letter(
    client: httpx.AsyncClient, auth: Tokens, org: str, role: str, detail: str | None
) -> None:
    response = await client.get(URL, headers=auth(org, role))

    assert response.status_code == 403
    assert not response.content.startswith(b"PK")
    if detail is not None:
        assert response.json() == {"detail": detail}
