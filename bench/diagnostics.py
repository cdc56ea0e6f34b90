"""GET /api/diagnostics on a large read model spread over the région's communes by population:
p50 and p95 latency for a commune, for one département and for the whole région (target: p95
under 200 ms at 100,000 procedures).

Usage: `python -m bench.diagnostics [--procedures 20000]` (default 100,000, the size of the
target: under a minute), or through `make bench` (size from QUIETUDE_BENCH_DIAGNOSTICS_PROCEDURES).
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

from fastapi.testclient import TestClient
from sqlalchemy import Engine, insert
from sqlmodel import Session, col, select

from store.diagnostic_columns import procedure_columns, step_copies
from store.tables import Commune, Procedure, Step
from tests.fixtures import bearer, make_app, read_model, settings_for

DEFAULT_SIZE = 100_000
REQUESTS = 30
TARGET_MS = 200
BATCH = 5_000
CATEGORIES = ("occupation_halls", "troubles_jouissance", "degradations", "trafic_stupefiants")


def _rows(communes: list[tuple[str, str, int]], count: int, today: date) -> tuple[list, list]:
    """Synthetic procedures and their steps, spread by population over two years."""
    draw = random.Random(91)
    weights = [population for _, _, population in communes]
    procedures, steps = [], []
    now = datetime.now(UTC)
    for number in range(count):
        insee, forces, _ = draw.choices(communes, weights)[0]
        day = today - timedelta(days=draw.randint(0, 729))
        moment = f"{day.isoformat()}T{draw.randint(0, 23):02d}:30:00+01:00"
        kind = "signalement" if number % 3 else "plainte"
        place = {
            "nom": f"Résidence {number % 40}",
            "commune_insee": insee,
            "batiment": "AB"[number % 2],
            "hall": str(number % 3 + 1),
        }
        categorie = draw.choice(CATEGORIES)
        facts: dict = {"kind": kind, "residence": place}
        if kind == "signalement":
            facts |= {"categorie": categorie, "faits_le": moment}
        else:
            facts["faits"] = {"categorie": categorie, "le": moment, "trafic_stupefiants": False}
        procedure_id = f"{kind}-bench-{number:07d}"
        procedures.append(
            {
                "id": procedure_id,
                "kind": kind,
                "status": "open",
                "bailleur_id": "demo-habitat-essonne",
                "commune_insee": insee,
                "residence_nom": place["nom"],
                "title": kind,
                "facts": facts,
                "created_at": now,
                "updated_at": now,
                "overdue": False,
                "pending_actors": "",
                "search_text": "",
                "links": [],
                "milestones": [],
                # What the projection derives from the facts (activities.projection).
                **procedure_columns(kind, facts, [day], now),
            }
        )
        copies = step_copies(SimpleNamespace(**procedures[-1]))
        done_on = day + timedelta(days=draw.randint(0, 20))
        steps.append(
            {
                "id": f"{procedure_id}:accuse_reception:1",
                "procedure_id": procedure_id,
                "key": "accuse_reception",
                "seq": 1,
                "label": "Accusé de réception",
                "actor": "forces",
                "org_id": forces,
                "status": "done",
                "opened_at": now,
                "opened_on": day,
                "due": day + timedelta(days=4),
                "overdue": False,
                "outcome": "recu",
                "implicite": False,
                "completed_on": done_on,
                "data": {},
                "due_explanation": "",
                "legal_basis": "",
                **copies,
            }
        )
    return procedures, steps


def fill(engine: Engine, count: int) -> None:
    """Bulk-insert synthetic rows.

    Written directly, not through the workflows: acceptable for a benchmark of the read path
    only, in a throw-away database (demo data for people goes through `quietude demo`).
    """
    with Session(engine) as session:
        communes = [
            (c.insee, c.forces_org_id, c.population)
            for c in session.exec(select(Commune).order_by(col(Commune.insee))).all()
        ]
    procedures, steps = _rows(communes, count, date.today())
    with engine.begin() as connection:
        for start in range(0, count, BATCH):
            connection.execute(insert(Procedure), procedures[start : start + BATCH])
            connection.execute(insert(Step), steps[start : start + BATCH])
    # As autovacuum leaves a table some time after a bulk load: statistics, and the visibility
    # map that lets PostgreSQL answer from an index alone.
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql("VACUUM ANALYZE")


def percentile(timings: list[float], share: float) -> float:
    """The percentile `share` (nearest rank) of timings, in milliseconds."""
    ordered = sorted(timings)
    return ordered[max(int(len(ordered) * share + 0.5) - 1, 0)] * 1000


def measure(count: int) -> dict[str, list[float]]:
    """Fill a fresh PostgreSQL database with `count` procedures and time the API."""
    with (
        tempfile.TemporaryDirectory() as folder,
        read_model("postgresql", Path(folder)) as (url, engine),
    ):
        fill(engine, count)
        settings = settings_for(Path(folder) / "var", database_url=url)
        app = make_app(settings, engine)  # diagnostics only read the read model
        headers = bearer(settings, "prefecture-91", "admin", "bench")
        results = {}
        http = TestClient(app)  # no lifespan: the state above is the app's
        views = (
            ("commune", {"commune": "91228"}),
            ("departement", {"departement": "91"}),
            ("region", {}),
        )
        for label, params in views:
            http.get("/api/diagnostics", params=params, headers=headers).raise_for_status()
            timings = []
            for _ in range(REQUESTS):
                started = time.perf_counter()
                response = http.get("/api/diagnostics", params=params, headers=headers)
                timings.append(time.perf_counter() - started)
                response.raise_for_status()
            results[label] = timings
        return results


def main(argv: list[str] | None = None) -> None:
    """Print `diagnostics_p50/p95: X ms` (a commune), then the figures of a département and of
    the région."""
    size = int(os.environ.get("QUIETUDE_BENCH_DIAGNOSTICS_PROCEDURES", DEFAULT_SIZE))
    if argv is not None:
        parser = argparse.ArgumentParser(description=__doc__)
        parser.add_argument("--procedures", type=int, default=size)
        size = parser.parse_args(argv).procedures
    results = measure(size)
    sys.stdout.write(f"diagnostics_procedures: {size}\n")
    target = f" (objectif < {TARGET_MS} ms à 100 000 procédures)"
    names = (
        ("diagnostics", "commune"),
        ("diagnostics_departement", "departement"),
        ("diagnostics_region", "region"),
    )
    for name, label in names:
        sys.stdout.write(f"{name}_p50: {percentile(results[label], 0.5):.0f} ms\n")
        sys.stdout.write(f"{name}_p95: {percentile(results[label], 0.95):.0f} ms{target}\n")


if __name__ == "__main__":
    main(sys.argv[1:])
