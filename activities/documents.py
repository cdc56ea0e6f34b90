"""Generation of .docx documents from Word templates (docxtpl), stored on disk and recorded."""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import re
import tempfile
import zipfile
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from docx.opc.exceptions import PackageNotFoundError
from jinja2 import TemplateError
from jinja2.sandbox import SandboxedEnvironment
from sqlalchemy import Engine
from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.document_context import READ_MODEL_KINDS, read_model_context
from activities.docx_render import PreparedTemplates
from domain.calendar import french_date
from domain.contracts import DocumentRef, DocumentRequest
from domain.pieces import PieceKind
from domain.procedures import code_labels
from domain.procedures.resiliation_facts import MOTIF_IN_A_LETTER, MotifResiliation
from store.db import session_scope
from store.tables import Commune, Document, Organisation

logger = logging.getLogger(__name__)

PARIS = ZoneInfo("Europe/Paris")
GENERATOR = "Quiétude"
# Context keys whose value dates the document (core properties, zip entries), in this order.
DOCUMENT_DATE_KEYS = ("date_document", "transmis_le")
# Oldest timestamp a zip entry can hold: used when the context gives no date.
_ZIP_EPOCH = datetime(1980, 1, 1, tzinfo=PARIS)
# Ids end up in file names: no separator, no "..", nothing a shell or a filesystem would read.
_SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")


def _to_datetime(value: date | datetime | str) -> datetime | date:
    if isinstance(value, str):
        text = value.strip()
        return datetime.fromisoformat(text) if len(text) > 10 else date.fromisoformat(text)
    return value


def _paris(moment: datetime) -> datetime:
    # A naive value is a Paris wall-clock time, as users enter them.
    return moment.replace(tzinfo=PARIS) if moment.tzinfo is None else moment.astimezone(PARIS)


def date_fr(value: Any) -> str:
    """Format an ISO date ("2 mars 2026") or date-time ("20 novembre 2026 à 22 h 30", Paris)."""
    if not value:
        return ""
    try:
        parsed = _to_datetime(value)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"date invalide : {value!r}") from exc
    if not isinstance(parsed, datetime):
        return french_date(parsed)
    local = _paris(parsed)
    clock = f"{local.hour} h" + (f" {local.minute:02d}" if local.minute else "")
    return f"{french_date(local.date())} à {clock}"


# The wording of every code the facts of a procedure or an exhibit may hold.
CODE_LABELS = {**code_labels(), **dict(PieceKind.choices())}


def label(value: Any) -> str:
    """The French wording of a code ("occupation_halls" → "Occupation des halls")."""
    if not value:
        return ""
    code = str(value)
    return CODE_LABELS.get(code, code.replace("_", " "))


def motif(value: Any) -> str:
    """A ground of résiliation as a letter states it ("trafic_stupefiants" → "des agissements…")."""
    code = str(value or "")
    try:
        return MOTIF_IN_A_LETTER[MotifResiliation(code)]
    except ValueError:
        return label(code).lower()


def oui_non(value: Any) -> str:
    """Render a boolean as "oui" or "non"."""
    return "oui" if value else "non"


def document_date(context: dict[str, Any]) -> datetime:
    """The instant that dates a rendered document, taken from its context (never the clock)."""
    for key in DOCUMENT_DATE_KEYS:
        if context.get(key):
            parsed = _to_datetime(context[key])
            if isinstance(parsed, datetime):
                return max(_paris(parsed), _ZIP_EPOCH)
            return max(datetime.combine(parsed, time(), tzinfo=PARIS), _ZIP_EPOCH)
    return _ZIP_EPOCH


def document_properties(stamp: datetime) -> dict[str, Any]:
    """The core properties of a document dated `stamp` (set after the template's own)."""
    utc_stamp = stamp.astimezone(UTC).replace(tzinfo=None)
    return {
        "created": utc_stamp,
        "modified": utc_stamp,
        "last_printed": utc_stamp,
        "author": GENERATOR,
        "last_modified_by": GENERATOR,
        "revision": 1,
    }


def make_environment() -> SandboxedEnvironment:
    """The Jinja environment of the templates: escaped for XML, sandboxed, French filters."""
    env = SandboxedEnvironment(autoescape=True)
    env.filters.update(date_fr=date_fr, label=label, motif=motif, oui_non=oui_non)
    return env


@functools.cache
def prepared_templates() -> PreparedTemplates:
    """The templates of this process, each prepared once per version of its file."""
    return PreparedTemplates(make_environment())


def write_atomically(path: Path, data: bytes) -> None:
    """Write `data` to `path` through a temporary file, so no reader sees a partial file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as temp:
            temp.write(data)
            temp.flush()
            os.fsync(temp.fileno())
        os.replace(temp_name, path)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise


def _check_name(what: str, value: str) -> None:
    if not _SAFE_NAME.match(value):
        raise ApplicationError(
            f"{what} invalide pour un nom de fichier : {value!r}",
            type="InvalidDocumentRequest",
            non_retryable=True,
        )


class DocumentActivities:
    """Renders documents from the templates; a retry rewrites the same file and the same row."""

    def __init__(self, engine: Engine, templates_dir: Path, storage_dir: Path) -> None:
        self.engine = engine
        self.templates_dir = templates_dir
        self.storage_dir = storage_dir
        self.templates = prepared_templates()

    @activity.defn(name="render_document")
    def render(self, request: DocumentRequest) -> DocumentRef:
        """Render the template of request.kind, store the .docx and record it (idempotent)."""
        _check_name("numéro de procédure", request.procedure_id)
        _check_name("type de document", request.kind)
        if request.step_key is not None:
            _check_name("étape", request.step_key)
        data = self.render_bytes(request.kind, self.resolve_context(request))
        sha256 = hashlib.sha256(data).hexdigest()
        stem = request.kind + (f"-{request.step_key}" if request.step_key else "")
        path = self.storage_dir / request.procedure_id / f"{stem}.docx"
        write_atomically(path, data)
        ref = DocumentRef(
            id=f"{request.procedure_id}:{request.kind}:{request.step_key or '-'}",
            filename=f"{request.procedure_id}-{stem}.docx",
            sha256=sha256,
            size=len(data),
        )
        self._record(request, ref, path)
        logger.info("document %s rendered (%d bytes, sha256 %s)", ref.id, ref.size, sha256)
        return ref

    def resolve_context(self, request: DocumentRequest) -> dict[str, Any]:
        """The context, with the names of the organisations and of the commune it refers to.

        A bordereau or récapitulatif also gets the procedure, its steps, events and exhibits
        from the read model; the request's own keys (date_document) take precedence.
        """
        context = dict(request.context)
        with session_scope(self.engine) as session:
            if request.kind in READ_MODEL_KINDS:
                read_model = read_model_context(session, request.procedure_id)
                if read_model is None:
                    # Retryable: the projection of a procedure just started may still be coming.
                    raise ApplicationError(
                        f"procédure {request.procedure_id} absente du modèle de lecture",
                        type="ProcedureNotProjected",
                    )
                context = {**read_model, **context}

            def name(org_id: str) -> str:
                org = session.get(Organisation, org_id)
                return org.name if org is not None else org_id

            for key, ref in request.org_refs.items():
                context[key] = [name(i) for i in ref] if isinstance(ref, list) else name(ref)
            if request.commune_insee:
                commune = session.get(Commune, request.commune_insee)
                context["commune"] = commune.name if commune else request.commune_insee
        return context

    def render_bytes(self, kind: str, context: dict[str, Any]) -> bytes:
        """The .docx of template `kind` filled with `context`, identical for identical inputs."""
        template_path = self.templates_dir / f"{kind}.docx"
        if not template_path.is_file():
            raise ApplicationError(
                f"modèle de document introuvable : {template_path.name} "
                f"(attendu dans {self.templates_dir})",
                type="DocumentTemplateMissing",
                non_retryable=True,
            )
        try:
            stamp = document_date(context)
            return self.templates.get(template_path).render(
                context, stamp, document_properties(stamp)
            )
        except (TemplateError, ValueError, PackageNotFoundError, zipfile.BadZipFile) as exc:
            raise ApplicationError(
                f"le modèle {template_path.name} n'a pas pu être rempli : {exc}",
                type="DocumentTemplateError",
                non_retryable=True,
            ) from exc

    def _record(self, request: DocumentRequest, ref: DocumentRef, path: Path) -> None:
        with session_scope(self.engine) as session:
            row = session.get(Document, ref.id)
            if row is None:
                row = Document(
                    id=ref.id,
                    procedure_id=request.procedure_id,
                    kind=request.kind,
                    step_key=request.step_key,
                    filename=ref.filename,
                    sha256="",
                    path=str(path),
                    size=0,
                    created_at=datetime.now(UTC),
                )
            elif row.sha256 != ref.sha256:
                row.created_at = datetime.now(UTC)  # a new content is a new generation
            row.filename = ref.filename
            row.sha256 = ref.sha256
            row.size = ref.size
            row.path = str(path)
            session.add(row)
