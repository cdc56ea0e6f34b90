"""The `quietude reference import` command: load a département the national file lists, with
the administrator's files of competent units and tribunals (store.departement_import)."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from quietude.cli_error import CliError
from quietude.settings import Settings

if TYPE_CHECKING:
    from store.departement_import import ImportPlan

log = logging.getLogger("quietude")


def configure_reference(parser: argparse.ArgumentParser) -> None:
    """The `reference import` subcommand."""
    actions = parser.add_subparsers(title="actions", required=True, metavar="ACTION")
    load = actions.add_parser(
        "import",
        help="charge un département de communes_france.csv avec ses unités et ses tribunaux",
        add_help=False,
    )
    load.set_defaults(handler=run_reference_import)
    load.add_argument("departement", metavar="DEPARTEMENT", help="code du département, ex. 33")
    load.add_argument(
        "--units",
        type=Path,
        help="CSV insee,force_code,unite_competente,source (défaut : la copie du dernier import)",
    )
    load.add_argument(
        "--tribunals",
        type=Path,
        help="CSV insee,tribunal_judiciaire,source (défaut : la copie du dernier import)",
    )
    load.add_argument("--nom", help="nom du département, ex. Gironde")
    load.add_argument("--prefecture", help="nom de la préfecture, ex. « Préfecture de la Gironde »")
    load.add_argument("--dry-run", action="store_true", help="vérifie et rend compte sans écrire")
    load.add_argument("-h", "--help", action="help", help="affiche cette aide")


def run_reference_import(settings: Settings, args: argparse.Namespace) -> int:
    """Check the département and the files, print the report; unless --dry-run, keep the files
    in the data folder and load the reference data again."""
    from quietude.devstack import prepare_read_model
    from store.departement_import import DepartementImportError, plan_import, write_import

    try:
        plan = plan_import(
            settings.data_dir,
            args.departement,
            args.units,
            args.tribunals,
            args.nom,
            args.prefecture,
        )
    except DepartementImportError as error:
        raise CliError(str(error)) from None
    sys.stdout.write(report(plan, args.units, args.tribunals))
    if args.dry_run:
        sys.stdout.write("Simulation (--dry-run) : rien n'a été écrit.\n")
        return 0
    changed = write_import(plan)
    prepare_read_model(settings)
    if changed:
        sys.stdout.write(f"Fichiers écrits dans {plan.folder} : {', '.join(changed)}.\n")
    else:
        sys.stdout.write(f"Aucun changement : {plan.folder} tenait déjà ces données.\n")
    sys.stdout.write(
        f"Données de référence rechargées : {plan.routable} communes routables, "
        f"{len(plan.communes) - plan.routable} en attente (commune_gap).\n"
    )
    return 0


def report(plan: ImportPlan, units: Path | None, tribunals: Path | None) -> str:
    """The report of an import, in French: the communes found, how many have a unit and a
    tribunal, and those missing each with the file and columns to add them."""
    total = len(plan.communes)
    lines = [
        f"Département {plan.code} ({plan.nom}) : {total} communes dans communes_france.csv.",
        f"Avec une unité compétente : {total - len(plan.no_unit)} ; "
        f"avec un tribunal judiciaire : {total - len(plan.no_tribunal)} ; "
        f"routables : {plan.routable} ; en attente : {total - plan.routable}.",
    ]
    missing = (
        (
            plan.no_unit,
            "unité",
            units,
            "--units",
            "insee, force_code (PN ou GN), unite_competente, source",
        ),
        (
            plan.no_tribunal,
            "tribunal judiciaire",
            tribunals,
            "--tribunals",
            "insee, tribunal_judiciaire, source",
        ),
    )
    for rows, what, given, option, columns in missing:
        if not rows:
            continue
        where = given or f"le fichier de {option}"
        lines.append(
            f"Communes sans {what} ({len(rows)}) — à ajouter dans {where}, colonnes {columns} :"
        )
        lines.extend(f"  {row['insee']} {row['name']}" for row in rows)
    return "\n".join(lines) + "\n"
