"""The `quietude audit` and `quietude purge` commands: access log checks and exports, retention."""

from __future__ import annotations

import argparse
import asyncio
import csv
import logging
import sys
from datetime import UTC, date, datetime, time

from sqlmodel import Session

from quietude.retention import HistoryDeleter, purge, temporal_deleter
from quietude.settings import Settings
from quietude.temporal_client import connect
from store.access_log import CSV_FIELDS, csv_row, entries_for, verify
from store.db import make_engine

log = logging.getLogger("quietude")


def configure_audit(parser: argparse.ArgumentParser) -> None:
    """Arguments of `quietude audit`."""
    parser.add_argument(
        "action",
        choices=["verify", "export"],
        help="verify : vérifie la chaîne ; export : entrées en CSV sur la sortie standard",
    )
    parser.add_argument("--org", help="export : entrées de cette organisation seulement")
    parser.add_argument(
        "--since", type=date.fromisoformat, help="export : à partir de cette date (AAAA-MM-JJ)"
    )


def configure_purge(parser: argparse.ArgumentParser) -> None:
    """Arguments of `quietude purge`."""
    parser.add_argument(
        "--dry-run", action="store_true", help="indique ce qui serait purgé sans rien modifier"
    )


def run_audit(settings: Settings, args: argparse.Namespace) -> int:
    """Verify the access log's chain, or export its entries as CSV."""
    engine = make_engine(settings.database_url)
    try:
        with Session(engine) as session:
            if args.action == "verify":
                result = verify(session)
                if result.broken_seq is not None:
                    log.error(
                        "Chaîne rompue à l'entrée n° %s (%s) : le journal a été altéré.",
                        result.broken_seq,
                        result.reason,
                    )
                    return 1
                sys.stdout.write(f"chaîne intègre : {result.count} entrées\n")
                return 0
            since = datetime.combine(args.since, time(), tzinfo=UTC) if args.since else None
            rows, total = entries_for(session, args.org, since)
            writer = csv.writer(sys.stdout)
            writer.writerow(CSV_FIELDS)
            writer.writerows(csv_row(entry) for entry in rows)
            log.info("%s entrée(s) exportée(s)", total)
            return 0
    finally:
        engine.dispose()


async def _purge(settings: Settings, dry_run: bool) -> int:
    engine = make_engine(settings.database_url)
    deleter: HistoryDeleter | None = None
    try:
        if not dry_run:
            client = await connect(settings)
            deleter = temporal_deleter(client, settings.temporal_namespace)
        report = await purge(engine, settings, deleter, dry_run)
    finally:
        engine.dispose()
    verb = "seraient anonymisées" if dry_run else "anonymisées"
    sys.stdout.write(f"{len(report.items)} procédure(s) {verb}\n")
    for item in report.items:
        sys.stdout.write(f"- {item.line(dry_run)}\n")
    return 0


def run_purge(settings: Settings, args: argparse.Namespace) -> int:
    """Apply the retention rules (anonymise, delete files and histories), or show them."""
    return asyncio.run(_purge(settings, args.dry_run))
