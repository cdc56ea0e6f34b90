"""The file for the court in one .zip: bordereau, récapitulatif, then every letter the procedure
produced and every exhibit filed, named after their numbers in the bordereau."""

from __future__ import annotations

import os
import tempfile
import zipfile
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from fastapi import APIRouter, HTTPException
from fastapi.responses import FileResponse
from sqlalchemy import Engine
from sqlmodel import Session
from starlette.background import BackgroundTask

from activities.court_dossier import court_entries
from activities.documents import DocumentActivities
from api.audit import Action, record
from api.deps import CallerDep, EngineDep, FilesDep, SessionDep, SettingsDep
from api.routes.pieces import OwnProcedure
from domain.contracts import DocumentRequest
from quietude.settings import Settings
from store.queries import steps_and_events
from store.tables import Procedure

router = APIRouter(tags=["pièces"])

PARIS = ZoneInfo("Europe/Paris")
DOCUMENTS = ("bordereau_pieces", "recapitulatif_procedure")


def _rendered(engine: Engine, settings: Settings, kind: str, procedure_id: str, day: str) -> bytes:
    # Rendered here rather than by the worker: a read-only export of what the read model
    # holds now, neither stored nor recorded as a document of the procedure.
    activities = DocumentActivities(engine, settings.templates_dir, settings.documents_dir)
    request = DocumentRequest(
        procedure_id=procedure_id,
        kind=kind,
        context={"procedure_id": procedure_id, "date_document": day},
    )
    return activities.render_bytes(kind, activities.resolve_context(request))


Stamp = tuple[int, int, int, int, int, int]


def _entry(name: str, stamp: Stamp) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=stamp)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    return info


def _write_zip(
    target: Path,
    session: Session,
    engine: Engine,
    settings: Settings,
    procedure: Procedure,
    now: datetime,
) -> None:
    stamp: Stamp = (now.year, now.month, now.day, now.hour, now.minute, now.second)
    day = now.date().isoformat()
    steps, _events = steps_and_events(session, procedure.id)
    entries = court_entries(session, procedure, steps)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for kind in DOCUMENTS:
            data = _rendered(engine, settings, kind, procedure.id, day)
            archive.writestr(_entry(f"{kind}.docx", stamp), data)
        for entry in entries:
            path = Path(entry.path)
            if not path.is_file():
                raise HTTPException(
                    status_code=410,
                    detail=f"Le fichier de la pièce n° {entry.numero} ({entry.title}) "
                    "n'est plus stocké.",
                )
            archive.writestr(_entry(entry.name, stamp), path.read_bytes())


@router.get("/procedures/{procedure_id}/dossier", response_class=FileResponse)
def download_dossier(
    procedure: OwnProcedure,
    session: SessionDep,
    engine: EngineDep,
    settings: SettingsDep,
    caller: CallerDep,
    _files: FilesDep,
) -> FileResponse:
    """Dossier pour le tribunal (.zip) : bordereau, récapitulatif, courriers et pièces numérotés."""
    handle, name = tempfile.mkstemp(prefix="dossier-", suffix=".zip")
    os.close(handle)
    target = Path(name)
    try:
        _write_zip(target, session, engine, settings, procedure, datetime.now(PARIS))
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    record(session, caller, Action.DOSSIER, procedure.id)
    return FileResponse(
        target,
        media_type="application/zip",
        filename=f"{procedure.id}-dossier.zip",
        background=BackgroundTask(target.unlink, missing_ok=True),
    )
