"""Files from the pages: documents, exhibits and the court dossier downloaded with the session
cookie, exhibits uploaded; each through the API's own functions and visibility checks."""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

from fastapi import APIRouter, HTTPException, Request, UploadFile
from fastapi.responses import FileResponse, Response
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.datastructures import UploadFile as FormFile

from api.deps import SettingsDep, require_files
from api.routes.documents import download_document
from api.routes.dossier import download_dossier
from api.routes.pieces import contributing_procedure, download_piece, own_procedure, upload_piece
from api.web.pages import FormDep, PageError, PageUser, UserDep, see_other
from api.web.procedure_view import FormState
from api.web.steps import render_procedure
from domain.pieces import PieceKind
from quietude.settings import Settings
from quietude.tokens import Claims
from store.visibility import Scope

router = APIRouter(include_in_schema=False)

MAX_TITLE = 300


# The API's downloads: (file id, session, caller, scope) → the file.
Download = Callable[[str, Session, Claims, Scope], FileResponse]


def _as_page_error(error: HTTPException) -> PageError:
    return PageError(error.status_code, str(error.detail), "Fichier indisponible")


def _download(request: Request, user: PageUser, download: Download, file_id: str) -> FileResponse:
    """A file through the API's own download (its checks and access log), told as a page."""
    with Session(request.app.state.engine) as session:
        try:
            scope = require_files(user.scope)
            return download(file_id[:200], session, user.claims, scope)
        except HTTPException as error:
            raise _as_page_error(error) from None


@router.get("/fichiers/documents/{doc_id}")
def document_file(request: Request, user: UserDep, doc_id: str) -> FileResponse:
    """Download a generated document of a procedure the user's organisation sees."""
    return _download(request, user, download_document, doc_id)


@router.get("/fichiers/pieces/{piece_id}")
def piece_file(request: Request, user: UserDep, piece_id: str) -> FileResponse:
    """Download an exhibit of a procedure the user's organisation sees."""
    return _download(request, user, download_piece, piece_id)


@router.get("/procedures/{procedure_id}/dossier.zip")
def dossier_file(
    request: Request, user: UserDep, settings: SettingsDep, procedure_id: str
) -> FileResponse:
    """The court dossier (.zip) of a procedure of the user's bailleur."""
    engine = request.app.state.engine
    with Session(engine) as session:
        try:
            scope = require_files(user.scope)
            procedure = own_procedure(procedure_id[:100], session, user.claims)
            return download_dossier(procedure, session, engine, settings, user.claims, scope)
        except HTTPException as error:
            raise _as_page_error(error) from None


def _check_piece_form(form: FormData, state: FormState) -> UploadFile | None:
    title = state.values.get("title", "")
    if not title:
        state.errors["title"] = "Donner un intitulé à la pièce."
    elif len(title) > MAX_TITLE:
        state.errors["title"] = f"Au plus {MAX_TITLE} caractères."
    if state.values.get("kind") not in {kind.value for kind in PieceKind}:
        state.errors["kind"] = "Choisir la nature de la pièce dans la liste."
    upload = form.get("file")
    if not isinstance(upload, FormFile) or not upload.filename:
        state.errors["file"] = "Choisir le fichier à verser."
        return None
    # The API's own upload takes FastAPI's subclass; the form gives Starlette's, the same object.
    return cast(UploadFile, upload)


def _store_piece(
    request: Request,
    settings: Settings,
    user: PageUser,
    procedure_id: str,
    upload: UploadFile,
    state: FormState,
) -> bool:
    """Store the exhibit as the API does; whether it was new."""
    # The API answers 201 for a new exhibit and sets 200 on the response for a duplicate.
    answer = Response(status_code=201)
    with Session(request.app.state.engine) as session:
        procedure = contributing_procedure(procedure_id, session, user.claims)
        upload_piece(
            procedure,
            session,
            user.claims,
            settings,
            answer,
            upload,
            state.values["title"],
            PieceKind(state.values["kind"]),
        )
    return answer.status_code == 201


@router.post("/procedures/{procedure_id}/pieces")
async def add_piece(
    request: Request, user: UserDep, settings: SettingsDep, form: FormDep, procedure_id: str
) -> Response:
    """Add an exhibit to the dossier (its bailleur, or an organisation a step waits for)."""
    procedure_id = procedure_id[:100]
    answer_key = str(form.get("etape") or "")[:100] or None
    state = FormState(target="piece")
    state.values = {name: str(form.get(name) or "").strip() for name in ("title", "kind", "etape")}
    upload = _check_piece_form(form, state)
    if upload is None or state.errors:
        state.message = "La pièce n'a pas été versée : corriger le formulaire."
        return await run_in_threadpool(
            render_procedure, request, settings, user, procedure_id, answer_key, state, 422
        )
    try:
        new = await run_in_threadpool(
            _store_piece, request, settings, user, procedure_id, upload, state
        )
    except HTTPException as error:
        if error.status_code == 404:
            raise _as_page_error(error) from None
        state.errors["file"] = str(error.detail)
        state.message = "La pièce n'a pas été versée."
        return await run_in_threadpool(
            render_procedure,
            request,
            settings,
            user,
            procedure_id,
            answer_key,
            state,
            error.status_code,
        )
    where = f"/etapes/{answer_key}" if answer_key else ""
    flash = "piece" if new else "doublon"
    return see_other(f"/procedures/{procedure_id}{where}?fait={flash}#pieces")
