"""The dossier for the court, numbered once: the letters the procedure produced (those its
action rests on first), then the exhibits filed in their order. The bordereau lists these
numbers and the .zip names its files after them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import PurePosixPath
from zoneinfo import ZoneInfo

from sqlmodel import Session

from domain.documents import FILE_DOCUMENTS, DocumentKind
from domain.labels import wording
from domain.pieces import PieceKind
from domain.procedures import find
from store.queries import list_documents, pieces_of
from store.tables import Document, Piece, Procedure, Step

PARIS = ZoneInfo("Europe/Paris")
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# The nature the bordereau gives a letter the procedure produced.
LETTER_NATURE = "Document de la procédure"
MAX_TITLE_IN_NAME = 120
_FORBIDDEN_IN_NAMES = set('<>:"|?*')


@dataclass(frozen=True)
class CourtEntry:
    """One numbered entry of the dossier for the court: a letter produced or an exhibit."""

    numero: int
    name: str  # its file in the .zip: "01 - Mise en demeure du locataire.docx"
    title: str
    kind: str  # a DocumentKind of a letter, a PieceKind of an exhibit
    kind_label: str
    produced: bool  # a letter the procedure produced, not an exhibit filed
    id: str
    filename: str  # the name it is stored or was filed under
    content_type: str
    size: int
    sha256: str
    path: str
    created_at: datetime

    @property
    def date(self) -> str:
        """The ISO date, in Paris, it was produced or filed."""
        return self.created_at.astimezone(PARIS).date().isoformat()


def title_in_name(title: str) -> str:
    """A title as part of a file name: no separator, nothing a filesystem refuses."""
    text = title.replace("/", "-").replace("\\", "-")
    text = "".join(c for c in text if c.isprintable() and c not in _FORBIDDEN_IN_NAMES)
    return text[:MAX_TITLE_IN_NAME].strip(" .") or "sans titre"


def letters_in_order(kind: str, steps: Sequence[Step], documents: list[Document]) -> list[Document]:
    """The letters of a procedure: those its action rests on first (the résiliation's mise en
    demeure), then the others in the order of the steps that produced them."""
    definition = find(kind)
    founding = definition.founding_letters if definition is not None else ()
    first_position: dict[str, int] = {}
    for position, step in enumerate(steps):
        first_position.setdefault(step.key, position)

    def order(document: Document) -> tuple[int, int, datetime, str]:
        founded = founding.index(document.kind) if document.kind in founding else len(founding)
        # A letter of no step was produced as the procedure started.
        position = first_position.get(document.step_key, len(steps)) if document.step_key else -1
        return (founded, position, document.created_at, document.id)

    letters = [d for d in documents if d.kind not in FILE_DOCUMENTS]
    return sorted(letters, key=order)


def court_entries(
    session: Session, procedure: Procedure, steps: Sequence[Step]
) -> list[CourtEntry]:
    """Every entry of the dossier for the court, numbered from 1: letters, then exhibits."""
    letters = letters_in_order(procedure.kind, steps, list_documents(session, procedure.id))
    pieces = pieces_of(session, procedure.id)
    width = max(2, len(str(len(letters) + len(pieces))))
    entries = [_letter(number, letter, width) for number, letter in enumerate(letters, start=1)]
    entries += [
        _piece(number, piece, width) for number, piece in enumerate(pieces, start=len(entries) + 1)
    ]
    return entries


def _name(number: int, width: int, title: str, suffix: str) -> str:
    return f"{number:0{width}d} - {title_in_name(title)}{suffix}"


def _letter(number: int, document: Document, width: int) -> CourtEntry:
    title = wording(DocumentKind, document.kind)
    return CourtEntry(
        numero=number,
        name=_name(number, width, title, ".docx"),
        title=title,
        kind=document.kind,
        kind_label=LETTER_NATURE,
        produced=True,
        id=document.id,
        filename=document.filename,
        content_type=DOCX,
        size=document.size,
        sha256=document.sha256,
        path=document.path,
        created_at=document.created_at,
    )


def _piece(number: int, piece: Piece, width: int) -> CourtEntry:
    suffix = PurePosixPath(piece.filename).suffix.lower()
    return CourtEntry(
        numero=number,
        name=_name(number, width, piece.title, suffix),
        title=piece.title,
        kind=piece.kind,
        kind_label=wording(PieceKind, piece.kind),
        produced=False,
        id=piece.id,
        filename=piece.filename,
        content_type=piece.content_type,
        size=piece.size,
        sha256=piece.sha256,
        path=piece.path,
        created_at=piece.created_at,
    )
