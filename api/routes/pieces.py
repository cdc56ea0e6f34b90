"""Exhibits (pièces) of a procedure's file: upload by its bailleur, list, download."""

from __future__ import annotations

import hashlib
import io
import zipfile
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, HTTPException, Response, UploadFile
from fastapi.responses import FileResponse
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from activities.documents import write_atomically
from api.audit import Action, record
from api.deps import CallerDep, FilesDep, ScopeDep, SessionDep, SettingsDep, require_files
from api.routes.procedures import NOT_FOUND, VisibleId
from api.schemas import PiecePublic
from domain.pieces import PieceKind
from quietude.tokens import Claims
from store.queries import pieces_of
from store.tables import Piece, Procedure, Step
from store.visibility import can_see

router = APIRouter(tags=["pièces"])

MAX_PIECE_BYTES = 20 * 1024 * 1024
MAX_FILENAME = 150
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# What may be filed, recognised by its first bytes: content type and accepted extensions.
FILE_TYPES: dict[str, tuple[str, tuple[str, ...]]] = {
    "pdf": ("application/pdf", (".pdf",)),
    "jpeg": ("image/jpeg", (".jpg", ".jpeg")),
    "png": ("image/png", (".png",)),
    "docx": (DOCX, (".docx",)),
}
TOO_LARGE = f"Fichier trop volumineux : une pièce ne peut dépasser {MAX_PIECE_BYTES // 2**20} Mo."
UNSUPPORTED = (
    "Type de fichier refusé : seuls les PDF, les images JPEG ou PNG et les documents Word "
    "(.docx) peuvent être versés au dossier, avec l'extension qui correspond à leur contenu."
)
PIECE_NOT_FOUND = "Pièce introuvable."
_FORBIDDEN_IN_NAMES = set('<>:"|?*')


def own_procedure(procedure_id: str, session: SessionDep, caller: CallerDep) -> Procedure:
    """The procedure, if the caller's organisation is its bailleur; 404 if invisible, else 403."""
    procedure = session.get(Procedure, procedure_id)
    if procedure is None or not can_see(session, caller.org, procedure_id):
        raise HTTPException(status_code=404, detail=NOT_FOUND)
    if procedure.bailleur_id != caller.org:
        raise HTTPException(
            status_code=403,
            detail="Réservé au bailleur de la procédure : les pièces du dossier sont les siennes.",
        )
    return procedure


def contributing_procedure(procedure_id: str, session: SessionDep, caller: CallerDep) -> Procedure:
    """The procedure, if the caller's organisation is its bailleur or has a step pending in it
    (e.g. the parquet answering an information request with documents); 404 if invisible."""
    procedure = session.get(Procedure, procedure_id)
    if procedure is None or not can_see(session, caller.org, procedure_id):
        raise HTTPException(status_code=404, detail=NOT_FOUND)
    waiting_on_caller = session.exec(
        select(Step.id).where(
            col(Step.procedure_id) == procedure_id,
            col(Step.org_id) == caller.org,
            col(Step.status) == "pending",
        )
    ).first()
    if procedure.bailleur_id != caller.org and waiting_on_caller is None:
        raise HTTPException(
            status_code=403,
            detail="Seuls le bailleur et une organisation dont une étape est en attente "
            "versent des pièces au dossier.",
        )
    return procedure


ContributingProcedure = Annotated[Procedure, Depends(contributing_procedure)]


OwnProcedure = Annotated[Procedure, Depends(own_procedure)]


def sniff_type(data: bytes) -> str | None:
    """The kind of file ("pdf", "jpeg", "png", "docx") its first bytes show, if accepted."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                return "docx" if "word/document.xml" in archive.namelist() else None
        except zipfile.BadZipFile:
            return None
    return None


def clean_filename(name: str) -> str:
    """The last component of an uploaded file's name, without characters unsafe in a file name."""
    base = PurePosixPath(name.replace("\\", "/")).name
    base = "".join(c for c in base if c.isprintable() and c not in _FORBIDDEN_IN_NAMES)
    base = base.strip(" .")
    if len(base) > MAX_FILENAME:
        suffix = PurePosixPath(base).suffix[:10]
        base = base[: MAX_FILENAME - len(suffix)] + suffix
    return base


def _read_upload(upload: UploadFile) -> bytes:
    data = upload.file.read(MAX_PIECE_BYTES + 1)
    if len(data) > MAX_PIECE_BYTES:
        raise HTTPException(status_code=413, detail=TOO_LARGE)
    return data


def _file_type(data: bytes, filename: str) -> str:
    sniffed = sniff_type(data)
    extension = PurePosixPath(filename).suffix.lower()
    if sniffed is None or extension not in FILE_TYPES[sniffed][1]:
        raise HTTPException(status_code=415, detail=UNSUPPORTED)
    return FILE_TYPES[sniffed][0]


def _existing(session: Session, procedure_id: str, sha256: str) -> Piece | None:
    statement = select(Piece).where(
        col(Piece.procedure_id) == procedure_id, col(Piece.sha256) == sha256
    )
    return session.exec(statement).first()


@router.post("/procedures/{procedure_id}/pieces", status_code=201, response_model=PiecePublic)
def upload_piece(
    procedure: ContributingProcedure,
    session: SessionDep,
    caller: CallerDep,
    settings: SettingsDep,
    response: Response,
    file: Annotated[UploadFile, File(description="PDF, JPEG, PNG ou .docx, 20 Mo au plus")],
    title: Annotated[str, Form(max_length=300, pattern=r"\S", description="intitulé")],
    kind: Annotated[PieceKind, Form(description="nature de la pièce")],
) -> PiecePublic:
    """Verse une pièce (le bailleur, ou une organisation dont une étape attend) ; doublon : 200."""
    data = _read_upload(file)
    filename = clean_filename(file.filename or "")
    content_type = _file_type(data, filename)
    sha256 = hashlib.sha256(data).hexdigest()
    existing = _existing(session, procedure.id, sha256)
    if existing is not None:
        response.status_code = 200
        return PiecePublic.model_validate(existing)
    path = Path(settings.var_dir) / "pieces" / procedure.id / sha256
    if not path.is_file():  # stored by content: an existing file already holds these bytes
        write_atomically(path, data)
    piece = Piece(
        id=f"{procedure.id}:{sha256[:16]}",
        procedure_id=procedure.id,
        title=title.strip(),
        kind=kind.value,
        filename=filename,
        content_type=content_type,
        size=len(data),
        sha256=sha256,
        path=str(path),
        created_at=datetime.now(UTC),
        created_by=caller.sub,
        org_id=caller.org,
    )
    session.add(piece)
    try:
        session.commit()
    except IntegrityError:
        # The same file sent twice at once: the other request recorded it first.
        session.rollback()
        existing = _existing(session, procedure.id, sha256)
        if existing is None:
            raise
        response.status_code = 200
        return PiecePublic.model_validate(existing)
    record(session, caller, Action.UPLOAD, procedure.id, piece.id)
    return PiecePublic.model_validate(piece)


@router.get("/procedures/{procedure_id}/pieces", response_model=list[PiecePublic])
def read_pieces(
    procedure_id: VisibleId, session: SessionDep, _files: FilesDep
) -> list[PiecePublic]:
    """Pièces du dossier d'une procédure, dans l'ordre de leur numérotation."""
    return [PiecePublic.model_validate(p) for p in pieces_of(session, procedure_id)]


def visible_piece(piece_id: str, session: Session, caller: Claims) -> Piece:
    """The exhibit, if the caller's organisation sees its procedure; 404 otherwise."""
    piece = session.get(Piece, piece_id)
    if piece is None or not can_see(session, caller.org, piece.procedure_id):
        raise HTTPException(status_code=404, detail=PIECE_NOT_FOUND)
    return piece


@router.get("/pieces/{piece_id}", response_class=FileResponse)
def download_piece(
    piece_id: str, session: SessionDep, caller: CallerDep, scope: ScopeDep
) -> FileResponse:
    """Télécharger une pièce d'une procédure visible."""
    piece = visible_piece(piece_id, session, caller)
    require_files(scope)
    path = Path(piece.path)
    if not path.is_file():
        raise HTTPException(status_code=410, detail="Le fichier de cette pièce n'est plus stocké.")
    record(session, caller, Action.PIECE, piece.procedure_id, piece_id)
    return FileResponse(path, media_type=piece.content_type, filename=piece.filename)
