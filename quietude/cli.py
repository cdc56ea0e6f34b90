"""The `quietude` command: run the stack or one of its parts, prepare the data, mint tokens."""

import argparse
import asyncio
import importlib.util
import logging
import signal
import sys
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from domain.actors import Role
from quietude import audit_cli
from quietude.codec import KeyRingError
from quietude.devstack import DevStack, DevStackError, ensure_database_dir, prepare_read_model
from quietude.settings import Settings, SettingsError, get_settings
from quietude.tokens import Claims, TokenError, check_role, mint_token

log = logging.getLogger("quietude")

Handler = Callable[[Settings, argparse.Namespace], int]


class CliError(Exception):
    """A command was refused; the message is meant for the user."""


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

    command("up", "démarre Temporal, le worker et l'API (Ctrl-C arrête tout)", run_up)
    command("worker", "démarre un worker Temporal", run_worker_command)
    command("api", "démarre l'API et les pages web", run_api)
    command("migrate", "met à jour le modèle de lecture et les données de référence", run_migrate)
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
    demo = command("demo", "crée des procédures de démonstration dans toute l'Essonne", run_demo)
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
    keys = command("keys", "clés de chiffrement des historiques Temporal", run_keys)
    keys.add_argument(
        "action",
        choices=["rotate", "list"],
        help="rotate : nouvelle clé de chiffrement ; list : clés connues",
    )
    return parser


def run_keys(settings: Settings, args: argparse.Namespace) -> int:
    """Rotate the encryption key (new payloads use it, old keys still decrypt) or list keys."""
    from quietude.codec import load_key_ring, rotate

    if args.action == "rotate":
        key_id = rotate(settings.keys_file)
        log.info(
            "Nouvelle clé %s : elle chiffre désormais ; les anciennes déchiffrent encore. "
            "Redémarrer le worker et l'API pour la prendre en compte.",
            key_id,
        )
        sys.stdout.write(f"{key_id}\n")
        return 0
    ring = load_key_ring(settings.keys_file, create=True)
    for key_id in ring.keys:
        sys.stdout.write(f"{key_id}{' (courante)' if key_id == ring.current else ''}\n")
    return 0


def _add_help(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-h", "--help", action="help", help="affiche cette aide")


def run_up(settings: Settings, args: argparse.Namespace) -> int:
    """Run the embedded stack until Ctrl-C."""
    return DevStack(settings).run()


def run_worker_command(settings: Settings, args: argparse.Namespace) -> int:
    """Run one worker until SIGINT or SIGTERM."""
    from quietude.worker import run_worker

    if asyncio.run(run_until_signalled(run_worker(settings))):
        log.info("Worker arrêté.")
    return 0


async def run_until_signalled(work: Coroutine[Any, Any, None]) -> bool:
    """Run a coroutine, cancelling it on SIGINT or SIGTERM; tell whether a signal stopped it."""
    task = asyncio.ensure_future(work)
    loop = asyncio.get_running_loop()
    signalled = False

    def cancel() -> None:
        nonlocal signalled
        signalled = True
        task.cancel()

    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, cancel)
    try:
        await task
    except asyncio.CancelledError:
        if not signalled:
            raise
    finally:
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(signum)
    return signalled


def run_api(settings: Settings, args: argparse.Namespace) -> int:
    """Serve the API and the web pages."""
    import uvicorn

    uvicorn.run("api.main:app", host=settings.api_host, port=settings.api_port)
    return 0


def run_migrate(settings: Settings, args: argparse.Namespace) -> int:
    """Apply the read model's migrations and load the reference data."""
    prepare_read_model(settings)
    log.info("Modèle de lecture à jour : %d organisations.", len(organisation_rows(settings)))
    return 0


def run_token(settings: Settings, args: argparse.Namespace) -> int:
    """Print a signed token on the last line of the standard output."""
    check_role(args.role)
    if read_model_available():
        known = {org_id for org_id, _, _ in organisation_rows(settings)}
        if args.org not in known:
            raise CliError(
                f"Organisation « {args.org} » inconnue : `quietude orgs` liste les identifiants."
            )
    else:
        log.warning("Modèle de lecture absent : organisation « %s » non vérifiée.", args.org)
    token = mint_token(settings, args.org, args.role, args.sub or f"{args.role}@{args.org}")
    log.info(
        "Jeton valable %d minutes (en-tête « Authorization: Bearer <jeton> ») :",
        settings.token_ttl_minutes,
    )
    sys.stdout.write(token + "\n")
    return 0


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


def run_orgs(settings: Settings, args: argparse.Namespace) -> int:
    """Print one line per organisation: id, kind and name."""
    for org_id, kind, name in organisation_rows(settings):
        sys.stdout.write(f"{org_id} {kind} {name}\n")
    return 0


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


def read_model_available() -> bool:
    """Tell whether the read model package (store) is installed."""
    return importlib.util.find_spec("store.reference") is not None


def organisation_rows(settings: Settings) -> list[tuple[str, str, str]]:
    """List (id, kind, name) of every organisation, preparing the read model if it is empty."""
    from store.db import migrate

    ensure_database_dir(settings.database_url)
    migrate(settings.database_url)
    rows = _read_organisations(settings)
    if not rows:
        prepare_read_model(settings)
        rows = _read_organisations(settings)
    return rows


def _read_organisations(settings: Settings) -> list[tuple[str, str, str]]:
    from store.db import make_engine, session_scope
    from store.reference import list_organisations

    engine = make_engine(settings.database_url)
    try:
        with session_scope(engine) as session:
            # Read inside the session: rows expire once it commits.
            return [(org.id, str(org.kind), org.name) for org in list_organisations(session)]
    finally:
        engine.dispose()


def describe_settings_error(error: ValidationError) -> str:
    """Turn a settings validation error into lines naming the environment variables."""
    lines = []
    for detail in error.errors():
        field = str(detail["loc"][0]) if detail["loc"] else ""
        message = detail["msg"].removeprefix("Value error, ")
        lines.append(f"  QUIETUDE_{field.upper()} : {message}")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
