"""The procedures the search tests look for: a résiliation and a signalement whose facts hold
every kind of term, names included."""

from datetime import date, timedelta

from sqlalchemy import Engine

from tests.api.rows import (
    ETAMPES,
    EVRY,
    POLICE_ETAMPES,
    parquet_step,
    project,
    project_kind,
    signalement_id,
    step,
)
from tests.builders import resiliation_body

RESILIATION = "resiliation-2026-000001"
SIGNALEMENT = "signalement-2026-000002"
NOV = date(2026, 11, 2)
MATCHES = 7  # the signalements of the rue des Mimosas
ERABLES = {"nom": "Les Érables", "adresse": "3 avenue de l'Œillet", "commune_insee": ETAMPES}


def project_searched(engine: Engine) -> None:
    """A résiliation at 12 rue des Lilas, Évry (tenant Zéphyrin Quiétudetest, dwelling LGT-0042,
    lease B-2019-0042) waiting for the parquet; a signalement at Les Érables, Étampes, naming
    Kévin Durand, waiting for the police of Étampes and the parquet."""
    decision = parquet_step("avis_parquet", NOV, due=date(2026, 12, 1))
    project_kind(engine, RESILIATION, [decision], facts=resiliation_body())
    police = step("accuse_reception", POLICE_ETAMPES, NOV, due=date(2026, 11, 20))
    parquet = parquet_step("decision_parquet", NOV, due=date(2026, 12, 4))
    project(
        engine,
        SIGNALEMENT,
        [police, parquet],
        commune=ETAMPES,
        residence=dict(ERABLES),
        description="Boîte aux lettres forcée",
    )


def project_mimosas(engine: Engine) -> list[str]:
    """Seven signalements whose account names the rue des Mimosas, due on days out of the order
    of their numbers, the odd ones in Évry, the even ones in Étampes; an eighth elsewhere. Their
    ids, nearest due first."""
    due: dict[str, date] = {}
    for number in range(1, MATCHES + 1):
        procedure_id = signalement_id(number)
        due[procedure_id] = date(2026, 12, 1) + timedelta(days=(number * 3) % MATCHES)
        police = step("accuse_reception", POLICE_ETAMPES, NOV, due=due[procedure_id])
        commune = EVRY if number % 2 else ETAMPES
        project(engine, procedure_id, [police], commune=commune, description="Tags rue des Mimosas")
    other = step("accuse_reception", POLICE_ETAMPES, NOV, due=date(2026, 11, 30))
    project(engine, signalement_id(99), [other], description="Boîte aux lettres forcée")
    return sorted(due, key=lambda procedure_id: (due[procedure_id], procedure_id))
