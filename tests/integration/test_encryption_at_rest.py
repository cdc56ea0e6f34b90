"""No personal data at rest in Temporal: after a procedure whose tenant is named
"Zéphyrin Quiétudetest", the Temporal database holds neither word, the API still shows them."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from quietude.codec import load_key_ring
from quietude.temporal_client import data_converter
from tests.builders import BAILLEUR, PARQUET, resiliation_body
from tests.fixtures import (
    asgi_client,
    bearer,
    connector_to,
    dev_server_env,
    make_app,
    migrated,
    running_worker,
    settings_for,
    sqlite_url,
    unique_queue,
)

SECRETS = ["Zéphyrin", "Quiétudetest", "phyrin", "tudetest"]


def forms(word: str) -> list[bytes]:
    """The ways a word may be written in stored bytes: UTF-8, JSON escapes, UTF-16."""
    escaped = word.encode("ascii", "backslashreplace").decode().replace("\\x", "\\u00")
    return [word.encode(), escaped.encode(), word.encode("utf-16-le")]


async def test_the_temporal_database_holds_no_personal_data(tmp_path: Path):
    url = sqlite_url(tmp_path, "read.db")
    with migrated(url) as engine:
        settings = settings_for(tmp_path / "var", database_url=url, task_queue=unique_queue("q"))
        async with dev_server_env(
            data_converter=data_converter(settings),
            dev_server_database_filename=str(tmp_path / "temporal.db"),
        ) as env:
            app = make_app(settings, engine, connector_to(env.client))
            bailleur = bearer(settings, BAILLEUR, "juriste", "j")
            parquet = bearer(settings, PARQUET, "agent", "p")
            today = datetime.now(ZoneInfo("Europe/Paris")).date().isoformat()
            async with (
                running_worker(env.client, settings, engine),
                asgi_client(app, "http://t") as http,
            ):
                body = resiliation_body(locataires=[{"nom": "Quiétudetest", "prenom": "Zéphyrin"}])
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

    stored = b"".join(p.read_bytes() for p in tmp_path.glob("temporal.db*"))
    assert len(stored) > 100_000
    for word in SECRETS:
        for form in forms(word):
            assert form not in stored, (word, form)
    assert load_key_ring(settings.keys_file).current  # the key ring exists under var/
