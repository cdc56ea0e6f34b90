"""The `quietude migrate`, `orgs`, `token` and `keys` commands: prepare the read model, list the
organisations, mint tokens, manage the encryption keys."""

import argparse
import importlib.util
import logging
import sys

from quietude.cli_error import CliError
from quietude.devstack import ensure_database_dir, prepare_read_model
from quietude.settings import Settings
from quietude.tokens import check_role, mint_token

log = logging.getLogger("quietude")


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


def run_orgs(settings: Settings, args: argparse.Namespace) -> int:
    """Print one line per organisation: id, kind and name."""
    for org_id, kind, name in organisation_rows(settings):
        sys.stdout.write(f"{org_id} {kind} {name}\n")
    return 0


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
