"""The `quietude` command: run the stack or one of its parts, prepare the data, mint tokens."""

import argparse
import logging
import os
import sys
from collections.abc import Callable

from pydantic import ValidationError

from domain.actors import Role
from quietude import audit_cli
from quietude.cli_error import CliError
from quietude.codec import KeyRingError
from quietude.devstack import DevStackError
from quietude.procedures_cli import run_check, run_demo, run_import
from quietude.reference_cli import configure_reference
from quietude.serve_cli import run_api, run_up, run_worker_command
from quietude.settings import Settings, SettingsError, get_settings
from quietude.setup_cli import run_keys, run_migrate, run_orgs, run_token
from quietude.tokens import TokenError
from quietude.treve_cli import configure_treve

log = logging.getLogger("quietude")

Handler = Callable[[Settings, argparse.Namespace], int]


def main(argv: list[str] | None = None) -> None:
    """Entry point of the `quietude` console script."""
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s", datefmt="%H:%M:%S"
    )
    # Migration chatter would bury what the commands have to say.
    logging.getLogger("alembic").setLevel(logging.WARNING)
    args = build_parser().parse_args(argv)
    handler: Handler = args.handler
    try:
        code = handler(get_settings(), args)
    except ValidationError as error:
        log.error("Configuration invalide :\n%s", describe_settings_error(error))
        code = 2
    except (CliError, TokenError, DevStackError, SettingsError, KeyRingError) as error:
        log.error("%s", error)
        code = 2
    except KeyboardInterrupt:
        # Ctrl-C before a command installed its own handling (during imports, say).
        log.info("Interrompu.")
        code = 130
    raise SystemExit(code)


def run() -> None:
    """The `quietude` console script and `python -m quietude.cli`: `main`, then leave without
    tearing the interpreter down. A Temporal client's runtime threads may still call into
    Python while it finalizes, which aborts a finished command (temporalio/sdk-python#300)."""
    try:
        main()
        code = 0
    except SystemExit as done:
        code = done.code if isinstance(done.code, int) else 1
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def build_parser() -> argparse.ArgumentParser:
    """Describe the subcommands and their options."""
    parser = argparse.ArgumentParser(
        prog="quietude",
        description="Procédures des conventions sécurité – tranquillité résidentielle.",
        add_help=False,
    )
    _add_help(parser)
    commands = parser.add_subparsers(title="commandes", required=True, metavar="COMMANDE")

    def command(name: str, summary: str, handler: Handler) -> argparse.ArgumentParser:
        subparser = commands.add_parser(name, help=summary, description=summary, add_help=False)
        _add_help(subparser)
        subparser.set_defaults(handler=handler)
        return subparser

    command("up", "démarre Temporal, les workers et l'API (Ctrl-C arrête tout)", run_up)
    command("worker", "démarre un worker Temporal", run_worker_command)
    command("api", "démarre l'API et les pages web", run_api)
    command("migrate", "met à jour le modèle de lecture et les données de référence", run_migrate)
    configure_reference(
        command("reference", "données de référence : importer un département", _no_action)
    )
    token = command("token", "affiche un jeton d'accès signé localement", run_token)
    token.add_argument("--org", required=True, help="identifiant de l'organisation")
    token.add_argument(
        "--role", required=True, help="rôle : " + ", ".join(role.value for role in Role)
    )
    token.add_argument("--sub", help="nom de l'utilisateur (par défaut rôle@organisation)")
    command("orgs", "liste les organisations : identifiant, type, nom", run_orgs)
    check = command("check", "compare les procédures ouvertes au modèle de lecture", run_check)
    check.add_argument(
        "--repair", action="store_true", help="reprojette l'état des workflows en écart"
    )
    imports = command(
        "import", "importe des dossiers de résiliation en cours depuis un fichier CSV", run_import
    )
    imports.add_argument(
        "fichier", metavar="FICHIER", help="export CSV du tableur (colonnes : docs/import-csv.md)"
    )
    imports.add_argument("--org", required=True, help="identifiant du bailleur")
    imports.add_argument("--sub", help="nom de l'utilisateur qui importe (par défaut import@ORG)")
    imports.add_argument(
        "--dry-run", action="store_true", help="vérifie chaque ligne sans rien créer"
    )
    demo = command("demo", "procédures de démonstration dans les communes chargées", run_demo)
    demo.add_argument("--procedures", type=int, default=100, help="nombre de procédures")
    demo.add_argument("--org", action="append", help="bailleur (répétable ; défaut : démo)")
    demo.add_argument("--commune", action="append", help="code INSEE (répétable ; défaut : tous)")
    demo.add_argument("--seed", type=int, default=91, help="graine du tirage (reproductible)")
    audit_cli.configure_audit(
        command("audit", "journal des accès : vérifier la chaîne, exporter", audit_cli.run_audit)
    )
    audit_cli.configure_purge(
        command("purge", "applique les durées de conservation (CNIL 2014-123)", audit_cli.run_purge)
    )
    configure_treve(
        command("treve", "fin de la trêve hivernale par année : lister, reporter", _no_action)
    )
    keys = command("keys", "clés de chiffrement des historiques Temporal", run_keys)
    keys.add_argument(
        "action",
        choices=["rotate", "list"],
        help="rotate : nouvelle clé de chiffrement ; list : clés connues",
    )
    return parser


def _no_action(settings: Settings, args: argparse.Namespace) -> int:
    raise CliError("Action manquante.")  # argparse requires one before this runs


def _add_help(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-h", "--help", action="help", help="affiche cette aide")


def describe_settings_error(error: ValidationError) -> str:
    """Turn a settings validation error into lines naming the environment variables."""
    lines = []
    for detail in error.errors():
        field = str(detail["loc"][0]) if detail["loc"] else ""
        message = detail["msg"].removeprefix("Value error, ")
        lines.append(f"  QUIETUDE_{field.upper()} : {message}")
    return "\n".join(lines)


if __name__ == "__main__":
    run()
