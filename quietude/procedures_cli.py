"""The `quietude check`, `import` and `demo` commands: act on the procedures through Temporal."""

import argparse
import asyncio
import logging
import sys
from pathlib import Path

from domain.actors import Role
from quietude.cli_error import CliError
from quietude.settings import Settings
from quietude.tokens import Claims

log = logging.getLogger("quietude")


def run_check(settings: Settings, args: argparse.Namespace) -> int:
    """Report (and with --repair, fix) drift between open workflows and the read model."""
    from quietude.drift import check_drift, report
    from quietude.temporal_client import connect
    from store.db import make_engine

    async def check() -> int:
        client = await connect(settings)
        engine = make_engine(settings.database_url)
        try:
            drifts = await check_drift(
                client, engine, settings.task_queue, repair_drift=args.repair
            )
        finally:
            engine.dispose()
        return report(drifts)

    return asyncio.run(check())


def run_import(settings: Settings, args: argparse.Namespace) -> int:
    """Import résiliation dossiers in progress: 0 all imported, 1 lines refused, 2 no import."""
    from quietude.bulk_import import ImportRefused, import_with_settings
    from quietude.dossier_csv import ImportFileError, read_dossiers

    try:
        raw = Path(args.fichier).read_bytes()
    except OSError as error:
        raise CliError(f"Fichier illisible : {args.fichier} ({error.strerror}).") from None
    caller = Claims(sub=args.sub or f"import@{args.org}", org=args.org, role=Role.JURISTE)
    try:
        lines = read_dossiers(raw)
        report = asyncio.run(import_with_settings(settings, lines, caller, args.dry_run))
    except (ImportFileError, ImportRefused) as error:
        raise CliError(str(error)) from None
    for line in report.lines():
        sys.stdout.write(line + "\n")
    return report.exit_code


def run_demo(settings: Settings, args: argparse.Namespace) -> int:
    """Start demo procedures through the real workflows (Temporal must be up)."""
    from quietude.demo import create_demo
    from quietude.procedures import ProcedureService
    from quietude.temporal_client import connect
    from store.db import make_engine
    from store.reference import DEMO_BAILLEURS

    async def demo() -> list[str]:
        client = await asyncio.wait_for(connect(settings), 10)
        service = ProcedureService(client, engine, settings)
        return await create_demo(
            service,
            engine,
            args.procedures,
            bailleurs=args.org or tuple(DEMO_BAILLEURS),
            communes=args.commune or (),
            seed=args.seed,
        )

    engine = make_engine(settings.database_url)
    try:
        ids = asyncio.run(demo())
    except (RuntimeError, OSError, TimeoutError) as error:
        raise CliError(f"Temporal injoignable ({error}) : démarrer `quietude up`.") from None
    finally:
        engine.dispose()
    log.info("%d procédures de démonstration créées.", len(ids))
    return 0
