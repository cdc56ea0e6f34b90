"""The `quietude treve` command: list the ends of the trêve hivernale a text moved, move one and
deliver it to the running procedures."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from datetime import date
from typing import TYPE_CHECKING

from quietude.cli_error import CliError
from quietude.settings import Settings

if TYPE_CHECKING:
    from quietude.treve import TreveChange, TreveDelivery

log = logging.getLogger("quietude")

CLI_SUB = "admin@quietude-cli"


def configure_treve(parser: argparse.ArgumentParser) -> None:
    """The `treve list` and `treve set` subcommands."""
    actions = parser.add_subparsers(title="actions", required=True, metavar="ACTION")
    listing = actions.add_parser(
        "list", help="liste les fins de trêve reportées par un texte", add_help=False
    )
    listing.set_defaults(handler=run_treve_list)
    change = actions.add_parser(
        "set",
        help="reporte la fin de la trêve d'une année et met à jour les procédures en cours",
        add_help=False,
    )
    change.set_defaults(handler=run_treve_set)
    change.add_argument("annee", metavar="ANNEE", type=int, help="année où la trêve finit")
    change.add_argument("--fin", required=True, type=_day, help="dernier jour (AAAA-MM-JJ)")
    change.add_argument("--motif", default="", help="texte qui la reporte (loi, ordonnance…)")
    change.add_argument("--sub", default=CLI_SUB, help=f"auteur du changement ({CLI_SUB})")
    for subparser in (listing, change):
        subparser.add_argument("-h", "--help", action="help", help="affiche cette aide")


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"date invalide « {text} » : format attendu AAAA-MM-JJ, par exemple 2027-05-31"
        ) from None


def run_treve_list(settings: Settings, args: argparse.Namespace) -> int:
    """Print the law's end, then one line per winter whose end a text moved."""
    from quietude.policy import policy_from
    from quietude.treve import day_text, recorded_ends
    from store.db import make_engine, session_scope

    _prepare(settings)
    base = policy_from(settings).treve
    sys.stdout.write(
        f"Trêve hivernale : du {base.start_day:02d}/{base.start_month:02d} au "
        f"{base.end_day:02d}/{base.end_month:02d}, sauf les années suivantes.\n"
    )
    engine = make_engine(settings.database_url)
    try:
        with session_scope(engine) as session:
            for row in recorded_ends(session):
                reason = f" — {row.reason}" if row.reason else ""
                sys.stdout.write(
                    f"{row.year} : fin le {day_text(row.ends_on)}{reason} "
                    f"({row.changed_by}, le {day_text(row.changed_at.date())})\n"
                )
    finally:
        engine.dispose()
    return 0


def run_treve_set(settings: Settings, args: argparse.Namespace) -> int:
    """Move the end of one winter's trêve: 0 every running procedure reached, 1 some not."""
    from quietude.treve import REASON_MAX_LENGTH, TreveChange, change_refusal, day_text

    refusal = change_refusal(args.annee, args.fin)
    if refusal:
        raise CliError(refusal)
    if len(args.motif) > REASON_MAX_LENGTH:
        raise CliError(f"Motif trop long : {REASON_MAX_LENGTH} caractères au plus.")
    _prepare(settings)
    change = TreveChange(year=args.annee, ends_on=args.fin, reason=args.motif, sub=args.sub)
    delivery = asyncio.run(_change(settings, change))
    reason = f" ({change.reason})" if change.reason else ""
    sys.stdout.write(f"Trêve {change.year} : fin le {day_text(change.ends_on)}{reason}.\n")
    sys.stdout.write(
        f"Procédures en cours : {len(delivery.updated)} mises à jour, "
        f"{len(delivery.unchanged)} déjà à jour, {len(delivery.failed)} en échec.\n"
    )
    if delivery.failed:
        log.warning(
            "Non atteintes : %s. Relancer la même commande les mettra à jour.",
            ", ".join(delivery.failed),
        )
        return 1
    return 0


async def _change(settings: Settings, change: TreveChange) -> TreveDelivery:
    from quietude.conventions import load_conventions
    from quietude.policy import policy_from
    from quietude.temporal_client import connect
    from quietude.treve import change_end
    from store.db import make_engine

    try:
        client = await connect(settings)
    except RuntimeError as error:
        log.debug("Temporal connection failed: %s", error)
        raise CliError(
            f"Temporal injoignable à {settings.temporal_address} : rien n'a été enregistré."
        ) from None
    engine = make_engine(settings.database_url)
    try:
        ends = load_conventions(settings.conventions_file).regular_treve_ends()
        return await change_end(client, engine, policy_from(settings).treve, change, ends)
    finally:
        engine.dispose()


def _prepare(settings: Settings) -> None:
    from quietude.devstack import ensure_database_dir
    from store.db import migrate

    ensure_database_dir(settings.database_url)
    migrate(settings.database_url)
