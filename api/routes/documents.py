"""Documents: download a generated .docx of a procedure the caller may see."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, HTTPException
from fastapi.responses import FileResponse

from api.audit import Action, record
from api.deps import CallerDep, ScopeDep, SessionDep, require_files
from store.tables import Document
from store.visibility import can_see

router = APIRouter(prefix="/documents", tags=["documents"])

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
NOT_FOUND = "Document introuvable."


@router.get("/{doc_id}", response_class=FileResponse)
def download_document(
    doc_id: str, session: SessionDep, caller: CallerDep, scope: ScopeDep
) -> FileResponse:
    """Télécharger un document (.docx) d'une procédure visible."""
    document = session.get(Document, doc_id)
    if document is None or not can_see(session, caller.org, document.procedure_id):
        raise HTTPException(status_code=404, detail=NOT_FOUND)
    require_files(scope)
    path = Path(document.path)
    if not path.is_file():
        raise HTTPException(status_code=410, detail="Le fichier de ce document n'est plus stocké.")
    record(session, caller, Action.DOCUMENT, document.procedure_id, doc_id)
    return FileResponse(path, media_type=DOCX, filename=document.filename)
