"""Render time of each web page on demo data (a few hundred procedures of the demo bailleurs,
projected into a SQLite read model by the real projection activity).

Usage: `python -m bench.pages [--procedures 400] [--repeat 20]`, or through `make bench`.
Prints `page: median ms` and `page_max: slowest ms` for each page (target: under 200 ms).
"""

from __future__ import annotations

import argparse
import gc
import random
import re
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, select

from activities.projection import ProjectionActivities
from domain.contracts import ProcedureSnapshot
from domain.procedures import definition
from domain.steps import StepState, StepStatus
from quietude.procedures import today_in_paris
from store.reference import DEMO_BAILLEURS
from store.tables import Commune
from tests.builders import opening_events, snapshot_of
from tests.fixtures import make_app, read_model, settings_for

CSRF = re.compile(r'name="csrf" value="([^"]+)"')
# The steps each demo dossier goes through, in order, and who acts on them.
PATHS: dict[str, tuple[str, ...]] = {
    "signalement": ("transmission", "accuse_reception", "retour_information", "decision_parquet"),
    "plainte": ("preparation_dossier", "rendez_vous_depot", "depot_plainte", "enquete"),
    "resiliation": (
        "constitution_dossier",
        "mise_en_demeure",
        "delai_mise_en_demeure",
        "assignation",
    ),
}
ORG_OF_ACTOR = {"parquet": "parquet-evry", "juge": "tj-evry", "prefet": "prefecture-91"}


def _facts(kind: str, residence: tuple[str, str, str, str]) -> dict[str, Any]:
    _, nom, adresse, insee = residence
    place = {"nom": nom, "adresse": adresse, "commune_insee": insee, "batiment": "A"}
    if kind == "signalement":
        return {
            "kind": kind,
            "residence": place,
            "categorie": "occupation_halls",
            "faits_le": "2026-01-10T22:00:00+01:00",
            "description": "Occupation du hall.",
            "source": "gardien",
            "destinataire": "forces",
        }
    if kind == "plainte":
        return {
            "kind": kind,
            "plaignant": {"type": "bailleur"},
            "residence": place,
            "faits": {
                "categorie": "degradations",
                "le": "2026-01-10T22:00:00+01:00",
                "qualification": "delit",
                "description": "Porte fracturée.",
            },
            "canal": "commissariat",
            "mis_en_cause": [{"nom": "Démo", "locataire": True}],
        }
    return {
        "kind": kind,
        "logement": {"residence": place, "reference": "LGT-1"},
        "bail": {"reference": "B-1", "date_effet": "2019-05-01"},
        "locataires": [{"nom": "Démo", "prenom": "Camille"}],
        "occupants": [],
        "motifs": ["troubles_jouissance"],
        "impayes": False,
        "origine": "bailleur",
        "liens": [],
    }


def _step(spec: Any, org: str, opened: date, pending: bool, today: date, rng: Any) -> StepState:
    due = opened + timedelta(days=30)
    completed = None if pending else min(today, opened + timedelta(days=rng.randint(1, 40)))
    return StepState(
        key=spec.key,
        label=spec.label,
        actor=spec.actor,
        org=org,
        status=StepStatus.PENDING if pending else StepStatus.DONE,
        opened_at=datetime.combine(opened, clock(9), UTC),
        opened_on=opened,
        due=due,
        due_explanation=f"1 mois à compter du {opened} → {due}",
        overdue=pending and due < today,
        outcome=None if pending else spec.outcomes[0].key,
        completed_on=completed,
        completed_at=datetime.combine(completed, clock(17), UTC) if completed else None,
        legal_basis=spec.legal_basis,
    )


def _org(actor: str, bailleur: str, forces: str) -> str:
    if actor == "bailleur":
        return bailleur
    if actor == "commissaire_justice":
        return "demo-commissaire-justice"
    return ORG_OF_ACTOR.get(actor, forces)


def _snapshot(
    number: int, kind: str, bailleur: str, residence: Any, forces: str, today: date, rng: Any
) -> ProcedureSnapshot:
    catalog = definition(kind).catalog
    created = today - timedelta(days=rng.randint(5, 200))
    keys = PATHS[kind]
    done_count = rng.randint(1, len(keys) - 1)
    steps: list[StepState] = []
    opened = created
    for rank, key in enumerate(keys[: done_count + 1]):
        spec = catalog.spec(key)
        state = _step(
            spec, _org(spec.actor.value, bailleur, forces), opened, rank == done_count, today, rng
        )
        steps.append(state)
        opened = state.completed_on or opened
    if kind == "resiliation":  # the parquet is asked at once, in parallel
        spec = catalog.spec("demande_information_parquet")
        steps.append(_step(spec, "parquet-evry", created, number % 2 == 0, today, rng))
    events = opening_events(steps)
    return snapshot_of(
        f"{kind}-2026-{number:06d}",
        _facts(kind, residence),
        datetime.combine(created, clock(9), UTC),
        steps,
        events,
        title=f"{definition(kind).label} — démonstration",
        bailleur_id=bailleur,
        commune_insee=residence[3],
        residence_nom=residence[1],
    )


def load_demo(engine: Engine, count: int) -> None:
    """Project `count` demo procedures spread over the demo bailleurs and their residences."""
    rng = random.Random(42)
    today = today_in_paris()
    with Session(engine) as session:
        forces = dict(session.exec(select(Commune.insee, Commune.forces_org_id)).all())
    projection = ProjectionActivities(engine)
    places = [(b, r) for b, (_, residences) in DEMO_BAILLEURS.items() for r in residences]
    for number in range(1, count + 1):
        bailleur, residence = places[number % len(places)]
        kind = ("signalement", "plainte", "resiliation")[number % 3]
        projection.project(
            _snapshot(number, kind, bailleur, residence, forces[residence[3]], today, rng)
        )


def _signed_in(app: Any, org: str, role: str) -> TestClient:
    client = TestClient(app, base_url="http://localhost")
    page = client.get("/connexion")
    token = CSRF.search(page.text)
    assert token is not None
    client.post("/connexion", data={"csrf": token.group(1), "org": org, "role": role, "nom": ""})
    return client


def _measure(client: TestClient, path: str, repeat: int) -> list[float]:
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(path)
        timings.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise RuntimeError(f"{path} answered {response.status_code}")
    return timings


def main(argv: list[str] | None = None) -> None:
    """Build the demo read model, then time each page as its users would open it."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--procedures", type=int, default=400)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args(argv if argv is not None else [])
    with (
        tempfile.TemporaryDirectory(prefix="bench-pages-") as folder,
        read_model("sqlite", Path(folder)) as (url, engine),
    ):
        load_demo(engine, args.procedures)
        settings = settings_for(Path(folder) / "var", database_url=url)
        app = make_app(settings, engine)  # the pages only read the read model
        # The demo data's loading leaves a heap a server would not hold: kept out of the
        # collector's reach so that its full collections do not land in the pages' timings.
        gc.collect()
        gc.freeze()
        bailleur = _signed_in(app, "demo-habitat-essonne", "manager")
        parquet = _signed_in(app, "parquet-evry", "manager")
        first = "resiliation-2026-000002"  # Habitat Essonne, the parquet asked
        pages = {
            "page_connexion": (TestClient(app, base_url="http://localhost"), "/connexion"),
            "page_procedures": (bailleur, "/procedures"),
            "page_procedures_filtered": (bailleur, "/procedures?kind=resiliation&overdue=oui&q=a"),
            "page_procedure": (bailleur, f"/procedures/{first}"),
            "page_new_resiliation": (bailleur, "/procedures/nouvelle/resiliation"),
            "page_inbox_parquet": (parquet, "/corbeille"),
            "page_answer_parquet": (
                parquet,
                f"/procedures/{first}/etapes/demande_information_parquet",
            ),
            "page_dashboard_bailleur": (bailleur, "/tableau-de-bord"),
            "page_dashboard_parquet": (parquet, "/tableau-de-bord"),
            "page_dashboard_csv": (bailleur, "/tableau-de-bord.csv"),
        }
        for name, (client, path) in pages.items():
            client.get(path)  # templates compiled, caches warm
            timings = _measure(client, path, args.repeat)
            sys.stdout.write(f"{name}: {statistics.median(timings):.1f} ms\n")
            sys.stdout.write(f"{name}_max: {max(timings):.1f} ms\n")


if __name__ == "__main__":
    main(sys.argv[1:])
