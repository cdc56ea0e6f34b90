"""Generation of .docx documents from Word templates (docxtpl), stored on disk and recorded."""

from __future__ import annotations

import hashlib
import io
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
from docx.opc.pkgwriter import PackageWriter
from docxtpl import DocxTemplate
from jinja2 import Template, TemplateError
from jinja2.sandbox import SandboxedEnvironment
from sqlalchemy import Engine
from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.document_context import LABELS, MOTIFS, READ_MODEL_KINDS, read_model_context
from domain.calendar import french_date
from domain.contracts import DocumentRef, DocumentRequest
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
# Compiled parts kept at most: a few per template, a few dozen templates.
_COMPILED_LIMIT = 512


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


def label(value: Any) -> str:
    """The French wording of a code ("occupation_halls" → "Occupation des halls")."""
    if not value:
        return ""
    code = str(value)
    return LABELS.get(code, code.replace("_", " "))


def motif(value: Any) -> str:
    """A ground of résiliation as a letter states it ("trafic_stupefiants" → "des agissements…")."""
    code = str(value or "")
    return MOTIFS.get(code, label(code).lower())


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


class _CompilingOnceEnvironment(SandboxedEnvironment):
    """A sandboxed environment that compiles each distinct source once (docxtpl asks again for
    every part of every render; a compiled template renders any number of times)."""

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self._compiled: dict[str, Template] = {}

    def from_string(self, source: Any, globals: Any = None, template_class: Any = None) -> Any:
        """The compiled template of `source`, compiled at its first use only."""
        if globals is not None or template_class is not None or not isinstance(source, str):
            return super().from_string(source, globals, template_class)
        compiled = self._compiled.get(source)
        if compiled is None:
            if len(self._compiled) >= _COMPILED_LIMIT:
                self._compiled.clear()
            compiled = self._compiled[source] = super().from_string(source)
        return compiled


def make_environment() -> SandboxedEnvironment:
    """The Jinja environment of the templates: escaped for XML, sandboxed, French filters."""
    env = _CompilingOnceEnvironment(autoescape=True)
    env.filters.update(date_fr=date_fr, label=label, motif=motif, oui_non=oui_non)
    return env


def _zip_of(entries: list[tuple[str, bytes]], stamp: datetime) -> bytes:
    """A zip of `entries`, in their order, every entry dated `stamp` (never the clock)."""
    date_time = stamp.replace(tzinfo=None).timetuple()[:6]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name, content in entries:
            info = zipfile.ZipInfo(name, date_time=date_time)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            target.writestr(info, content)
    return out.getvalue()


def _normalised_zip(data: bytes, stamp: datetime) -> bytes:
    # python-docx stamps each zip entry with the current time: rewrite them all with one date.
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        entries = [(entry.filename, source.read(entry)) for entry in source.infolist()]
    return _zip_of(entries, stamp)


class _Entries:
    """Stands for python-docx's zip writer: keeps each member, in the order it is written."""

    def __init__(self) -> None:
        self.entries: list[tuple[str, bytes]] = []

    def write(self, pack_uri: Any, blob: bytes) -> None:
        """Keep one member."""
        self.entries.append((pack_uri.membername, blob))

    def close(self) -> None:
        """Nothing to flush."""


def _package_entries(package: Any) -> list[tuple[str, bytes]]:
    """The members python-docx's save would zip, in its order (PackageWriter.write), without
    compressing them only to have them read back and compressed again with one date."""
    parts = list(package.parts)
    for part in parts:
        part.before_marshal()
    writer: Any = _Entries()  # duck-typed: PackageWriter only calls write()
    PackageWriter._write_content_types_stream(writer, parts)
    PackageWriter._write_pkg_rels(writer, package.rels)
    PackageWriter._write_parts(writer, parts)
    return writer.entries


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
        self.environment = make_environment()
        # The bytes of each template file, keyed by path, with the mtime they were read at.
        self._templates: dict[Path, tuple[int, bytes]] = {}

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
            template = DocxTemplate(io.BytesIO(self._template_bytes(template_path)))
            template.render(context, self.environment)
        except (TemplateError, ValueError, PackageNotFoundError, zipfile.BadZipFile) as exc:
            raise ApplicationError(
                f"le modèle {template_path.name} n'a pas pu être rempli : {exc}",
                type="DocumentTemplateError",
                non_retryable=True,
            ) from exc
        properties = template.docx.core_properties
        utc_stamp = stamp.astimezone(UTC).replace(tzinfo=None)
        properties.created = utc_stamp
        properties.modified = utc_stamp
        properties.last_printed = utc_stamp
        properties.author = GENERATOR
        properties.last_modified_by = GENERATOR
        properties.revision = 1
        return _zip_of(_package_entries(template.docx.part.package), stamp)

    def _template_bytes(self, path: Path) -> bytes:
        """The content of a template file, read again only when its mtime changes."""
        mtime = path.stat().st_mtime_ns
        cached = self._templates.get(path)
        if cached is None or cached[0] != mtime:
            cached = self._templates[path] = (mtime, path.read_bytes())
        return cached[1]

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
