"""Bulk import of résiliation dossiers already in progress: check every line, start the valid
ones through the procedure service, report line by line in French."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Protocol

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, col, select

from domain.actors import OrgKind
from domain.kinds import ProcedureKind
from domain.procedures.resiliation_facts import ResiliationFacts
from quietude.dossier_csv import CsvLine, LineError, facts_of, in_csv_terms
from quietude.procedures import (
    ProcedureService,
    StartRefused,
    StartRequest,
    TemporalUnavailable,
)
from quietude.settings import Settings
from quietude.temporal_client import connect
from quietude.tokens import Claims
from store.db import make_engine
from store.tables import Organisation, Procedure, Step

log = logging.getLogger(__name__)

CONNECT_TIMEOUT_SECONDS = 10.0
STARTS_AT_ONCE = 8


class ImportRefused(Exception):
    """The import cannot run at all: unknown bailleur, read model or Temporal unreachable."""


class DossierService(Protocol):
    """What the import needs of ProcedureService."""

    def validate(self, request: StartRequest) -> None: ...

    async def start(self, request: StartRequest) -> str: ...


@dataclass
class LineResult:
    """What became of one line."""

    number: int
    etape: str | None = None
    procedure_id: str | None = None
    error: str | None = None
    pending: list[str] = field(default_factory=list)  # steps pending once imported, if known

    def text(self) -> str:
        """The report line, in French."""
        if self.error:
            return f"ligne {self.number} : {self.error}"
        if not self.procedure_id:
            return f"ligne {self.number} : valide (étape courante : {self.etape})"
        if not self.pending or self.etape in self.pending:
            return f"ligne {self.number} : {self.procedure_id} créé (étape courante : {self.etape})"
        # A deadline already past where the law gives silence a meaning: the dossier moved on.
        return (
            f"ligne {self.number} : {self.procedure_id} créé (étape {self.etape} close aussitôt, "
            f"échéance passée ; étape courante : {', '.join(self.pending)})"
        )


@dataclass
class ImportReport:
    """The outcome of an import, line by line."""

    results: list[LineResult]
    dry_run: bool

    @property
    def imported(self) -> int:
        return sum(1 for r in self.results if r.error is None)

    @property
    def refused(self) -> int:
        return sum(1 for r in self.results if r.error is not None)

    @property
    def exit_code(self) -> int:
        """0 when every line was imported, 1 when some were refused."""
        return 1 if self.refused else 0

    def lines(self) -> list[str]:
        """One line per dossier, then the summary."""
        imported = _count(self.imported, "dossier importé", "dossiers importés")
        refused = _count(self.refused, "ligne refusée", "lignes refusées")
        summary = f"{imported}, {refused}"
        if self.dry_run:
            summary = f"Simulation, rien n'a été créé : {summary.replace('importé', 'valide')}"
        return [r.text() for r in self.results] + [summary]


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n < 2 else many}"


async def import_dossiers(
    lines: Iterable[CsvLine],
    service: DossierService,
    caller: Claims,
    *,
    dry_run: bool = False,
    open_bails: Mapping[str, str] | None = None,
    pending_of: Callable[[str], list[str]] | None = None,
    concurrency: int = STARTS_AT_ONCE,
) -> ImportReport:
    """Check every line, then start the valid ones (none with `dry_run`)."""
    results: list[LineResult] = []
    ready: list[tuple[LineResult, ResiliationFacts]] = []
    first_line_of_bail = dict.fromkeys(open_bails or {}, 0)
    for line in lines:
        result = LineResult(line.number)
        results.append(result)
        try:
            facts = _checked(line, service, caller)
            bail = facts.bail.reference
            if bail in first_line_of_bail:
                raise LineError(_duplicate(bail, first_line_of_bail[bail], open_bails or {}))
            first_line_of_bail[bail] = line.number
        except LineError as error:
            result.error = str(error)
            continue
        result.etape = facts.en_cours.etape if facts.en_cours else None
        ready.append((result, facts))
    log.info("%d lignes lues, %d valides.", len(results), len(ready))
    semaphore = asyncio.Semaphore(concurrency)

    async def start(result: LineResult, facts: ResiliationFacts) -> None:
        async with semaphore:
            try:
                result.procedure_id = await service.start(StartRequest(caller=caller, facts=facts))
            except (StartRefused, TemporalUnavailable) as error:
                result.error = error.message
                return
        if pending_of is not None:
            result.pending = pending_of(result.procedure_id)

    if not dry_run:
        await asyncio.gather(*(start(result, facts) for result, facts in ready))
    return ImportReport(results, dry_run)


def _checked(line: CsvLine, service: DossierService, caller: Claims) -> ResiliationFacts:
    if line.extra_cells:
        raise LineError(f"{line.extra_cells} cellule(s) de plus que de colonnes dans l'en-tête")
    facts = facts_of(line.cells)
    try:
        service.validate(StartRequest(caller=caller, facts=facts))
    except StartRefused as refusal:
        raise LineError(in_csv_terms(refusal.message)) from None
    return facts


def _duplicate(bail: str, first_line: int, open_bails: Mapping[str, str]) -> str:
    if first_line:
        return f"bail_reference : même bail « {bail} » que la ligne {first_line}"
    return (
        f"bail_reference : le bail « {bail} » a déjà une résiliation en cours ({open_bails[bail]})"
    )


def open_resiliations(engine: Engine, bailleur_id: str) -> dict[str, str]:
    """The bail reference of each open résiliation of a bailleur, with its procedure id."""
    with Session(engine) as session:
        rows = session.exec(
            select(Procedure.id, Procedure.facts).where(
                col(Procedure.kind) == ProcedureKind.RESILIATION,
                col(Procedure.bailleur_id) == bailleur_id,
                col(Procedure.status) == "open",
            )
        ).all()
    return {facts["bail"]["reference"]: pid for pid, facts in rows if facts.get("bail")}


async def import_with_settings(
    settings: Settings, lines: list[CsvLine], caller: Claims, dry_run: bool
) -> ImportReport:
    """Import checked lines with the configured read model and Temporal."""
    engine = make_engine(settings.database_url)
    try:
        try:
            organisation = _organisation(engine, caller.org)
            open_bails = open_resiliations(engine, caller.org)
        except SQLAlchemyError as error:
            raise ImportRefused(
                f"Modèle de lecture illisible ({type(error).__name__}) : lancer `quietude migrate`."
            ) from error
        if organisation != OrgKind.BAILLEUR:
            raise ImportRefused(
                f"« {caller.org} » n'est pas un bailleur connu : `quietude orgs` liste les "
                "identifiants."
            )
        try:
            client = await asyncio.wait_for(connect(settings), CONNECT_TIMEOUT_SECONDS)
        except (RuntimeError, OSError, TimeoutError) as error:
            raise ImportRefused(
                f"Moteur de procédures (Temporal) injoignable à {settings.temporal_address} : "
                "démarrer la pile (`quietude up`) puis relancer l'import."
            ) from error
        service = ProcedureService(client, engine, settings)
        return await import_dossiers(
            lines,
            service,
            caller,
            dry_run=dry_run,
            open_bails=open_bails,
            pending_of=lambda procedure_id: pending_steps(engine, procedure_id),
        )
    finally:
        engine.dispose()


def pending_steps(engine: Engine, procedure_id: str) -> list[str]:
    """The keys of the steps of a procedure waiting to be done, oldest first."""
    with Session(engine) as session:
        keys = session.exec(
            select(Step.key)
            .where(col(Step.procedure_id) == procedure_id, col(Step.status) == "pending")
            .order_by(col(Step.opened_at), col(Step.key))
        ).all()
    return list(dict.fromkeys(keys))


def _organisation(engine: Engine, org_id: str) -> str | None:
    with Session(engine) as session:
        organisation = session.get(Organisation, org_id)
        return organisation.kind if organisation else None
