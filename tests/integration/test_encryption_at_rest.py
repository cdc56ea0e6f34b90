"""No personal data at rest in Temporal: after a procedure whose tenant is named
"Zéphyrin Quiétudetest", the Temporal database holds neither word, the API still shows them."""

from __future__ import annotations

import secrets
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
from sqlmodel import Session
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from api.deps import ServiceProvider
from api.main import create_app
from quietude.codec import load_key_ring
from quietude.settings import Settings
from quietude.temporal_client import data_converter
from quietude.tokens import mint_token
from quietude.worker import build_worker
from store.db import make_engine, migrate
from store.reference import load_reference_data
from tests.builders import BAILLEUR, PARQUET, resiliation_body
from tests.servers import binary
from workflows import search_attributes

DATA_DIR = Path(__file__).resolve().parents[2] / "data" / "essonne"
SECRETS = ["Zéphyrin", "Quiétudetest", "phyrin", "tudetest"]


def forms(word: str) -> list[bytes]:
    """The ways a word may be written in stored bytes: UTF-8, JSON escapes, UTF-16."""
    escaped = word.encode("ascii", "backslashreplace").decode().replace("\\x", "\\u00")
    return [word.encode(), escaped.encode(), word.encode("utf-16-le")]


async def test_the_temporal_database_holds_no_personal_data(tmp_path: Path):
    database = tmp_path / "temporal.db"
    url = f"sqlite:///{tmp_path / 'read.db'}"
    migrate(url)
    engine = make_engine(url)
    with Session(engine) as session:
        load_reference_data(session, DATA_DIR)
        session.commit()
    settings = Settings(
        var_dir=tmp_path / "var",
        database_url=url,
        jwt_secret=secrets.token_urlsafe(48),
        task_queue=f"q-{uuid.uuid4()}",
    )
    env = await WorkflowEnvironment.start_local(
        data_converter=data_converter(settings),
        dev_server_existing_path=binary("temporal"),
        dev_server_database_filename=str(database),
        search_attributes=search_attributes.ALL,
    )

    async def connector(_: Settings) -> Client:
        return env.client

    app = create_app()
    app.state.settings, app.state.engine = settings, engine
    app.state.services = ServiceProvider(settings, engine, connector=connector)
    bailleur = {"Authorization": f"Bearer {mint_token(settings, BAILLEUR, 'juriste', 'j')}"}
    parquet = {"Authorization": f"Bearer {mint_token(settings, PARQUET, 'agent', 'p')}"}
    today = datetime.now(ZoneInfo("Europe/Paris")).date().isoformat()
    try:
        with ThreadPoolExecutor(max_workers=16) as executor:
            async with build_worker(env.client, settings, engine, executor):
                transport = httpx.ASGITransport(app=app)
                async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
                    body = resiliation_body(
                        locataires=[{"nom": "Quiétudetest", "prenom": "Zéphyrin"}]
                    )
                    created = await http.post("/api/procedures", json=body, headers=bailleur)
                    assert created.status_code == 201, created.text
                    procedure_id = created.json()["id"]
                    for key, outcome, who in (
                        ("constitution_dossier", "complet", bailleur),
                        ("demande_information_parquet", "aucune_information", parquet),
                        ("mise_en_demeure", "envoyee", bailleur),
                    ):
                        done = await http.post(
                            f"/api/procedures/{procedure_id}/steps/{key}",
                            json={"outcome": outcome, "date": today},
                            headers=who,
                        )
                        assert done.status_code == 200, done.text
                    shown = await http.get(f"/api/procedures/{procedure_id}", headers=bailleur)
                    assert shown.json()["facts"]["locataires"] == [
                        {"nom": "Quiétudetest", "prenom": "Zéphyrin"}
                    ]
        # The workflow's history is readable with the keys, and only with them.
        history = await env.client.get_workflow_handle(procedure_id).fetch_history()
        assert len(history.events) > 10
    finally:
        await env.shutdown()

    stored = b"".join(p.read_bytes() for p in tmp_path.glob("temporal.db*"))
    assert len(stored) > 100_000
    for word in SECRETS:
        for form in forms(word):
            assert form not in stored, (word, form)
    assert load_key_ring(settings.keys_file).current  # the key ring exists under var/
