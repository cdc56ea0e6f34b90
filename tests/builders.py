"""Builders of test inputs."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

from domain.contracts import ImportedStep, Policy, ProcedureStart

EVRY = "91228"
POLICE_EVRY = "police-evry-corbeil"
BAILLEUR = "demo-habitat-essonne"
OTHER_BAILLEUR = "demo-logis-sud"
PARQUET = "parquet-evry"


def signalement_body(**overrides: Any) -> dict[str, Any]:
    """The API start body of a signalement in Évry-Courcouronnes."""
    body: dict[str, Any] = {
        "kind": "signalement",
        "residence": {
            "nom": "Résidence des Tilleuls",
            "adresse": "12 rue des Lilas",
            "commune_insee": EVRY,
            "batiment": "B",
            "hall": "2",
        },
        "categorie": "occupation_halls",
        "faits_le": "2026-11-20T22:30:00+01:00",
        "description": "Occupation du hall B2 par un groupe, nuisances sonores.",
        "source": "gardien",
        "destinataire": "forces",
    }
    body.update(overrides)
    return body


def signalement_start(
    procedure_id: str | None = None,
    created_on: date = date(2026, 11, 23),
    imported: list[ImportedStep] | None = None,
    etape: str | None = None,
    **facts: Any,
) -> ProcedureStart:
    """A workflow input for a signalement, with the organisations of Évry resolved."""
    body = signalement_body(**facts)
    return ProcedureStart(
        procedure_id=procedure_id or f"signalement-2026-{uuid.uuid4().int % 10**6:06d}",
        kind="signalement",
        bailleur_id=BAILLEUR,
        created_by="juriste-1",
        created_at=datetime(2026, 11, 23, 9, 0, tzinfo=UTC),
        created_on=created_on,
        commune_insee=EVRY,
        residence_nom=body["residence"]["nom"],
        title="Signalement — occupation des halls",
        orgs={"bailleur": BAILLEUR, "forces": POLICE_EVRY, "parquet": PARQUET},
        facts=body,
        imported=imported or [],
        etape=etape,
        policy=Policy(),
    )


COMMISSAIRE = "demo-commissaire-justice"
PREFECTURE = "prefecture-91"
TRIBUNAL = "tj-evry"
EVRY_ORGS = {
    "bailleur": BAILLEUR,
    "forces": POLICE_EVRY,
    "police": POLICE_EVRY,
    "parquet": PARQUET,
    "prefet": PREFECTURE,
    "juge": TRIBUNAL,
    "commissaire_justice": COMMISSAIRE,
}


def resiliation_body(**overrides: Any) -> dict[str, Any]:
    """The API start body of a résiliation in Évry-Courcouronnes."""
    body: dict[str, Any] = {
        "kind": "resiliation",
        "logement": {
            "residence": {
                "nom": "Résidence des Tilleuls",
                "adresse": "12 rue des Lilas",
                "commune_insee": EVRY,
                "batiment": "C",
                "hall": "3",
            },
            "reference": "LGT-0042",
        },
        "bail": {"reference": "B-2019-0042", "date_effet": "2019-05-01"},
        "locataires": [{"nom": "Quiétudetest", "prenom": "Zéphyrin"}],
        "occupants": [],
        "motifs": ["trafic_stupefiants"],
        "impayes": False,
        "origine": "bailleur",
        "liens": [],
    }
    body.update(overrides)
    return body


def resiliation_start(
    created_on: date,
    imported: list[ImportedStep] | None = None,
    etape: str | None = None,
    **facts: Any,
) -> ProcedureStart:
    """A workflow input for a résiliation, with the organisations of Évry resolved."""
    body = resiliation_body(**facts)
    return ProcedureStart(
        procedure_id=f"resiliation-2026-{uuid.uuid4().int % 10**6:06d}",
        kind="resiliation",
        bailleur_id=BAILLEUR,
        created_by="juriste-1",
        created_at=datetime(2026, 11, 23, 9, 0, tzinfo=UTC),
        created_on=created_on,
        commune_insee=EVRY,
        residence_nom="Résidence des Tilleuls",
        title="Résiliation de bail — trafic stupefiants",
        orgs=dict(EVRY_ORGS),
        facts=body,
        imported=imported or [],
        etape=etape,
        policy=Policy(),
    )


def plainte_body(**overrides: Any) -> dict[str, Any]:
    """The API start body of a plainte of the bailleur in Évry-Courcouronnes."""
    body: dict[str, Any] = {
        "kind": "plainte",
        "plaignant": {"type": "bailleur"},
        "residence": {
            "nom": "Résidence des Tilleuls",
            "adresse": "12 rue des Lilas",
            "commune_insee": EVRY,
            "batiment": "A",
            "hall": "1",
        },
        "faits": {
            "categorie": "degradations",
            "le": "2029-08-30T23:00:00+02:00",
            "qualification": "delit",
            "trafic_stupefiants": False,
            "description": "Portes du hall A1 fracturées.",
        },
        "canal": "commissariat",
        "mis_en_cause": [{"nom": "Quiétudetest", "prenom": "Zéphyrin", "locataire": True}],
    }
    body.update(overrides)
    return body


def plainte_start(created_on: date, **facts: Any) -> ProcedureStart:
    """A workflow input for a plainte, with the organisations of Évry resolved."""
    body = plainte_body(**facts)
    return ProcedureStart(
        procedure_id=f"plainte-2026-{uuid.uuid4().int % 10**6:06d}",
        kind="plainte",
        bailleur_id=BAILLEUR,
        created_by="juriste-1",
        created_at=datetime(2026, 11, 23, 9, 0, tzinfo=UTC),
        created_on=created_on,
        commune_insee=EVRY,
        residence_nom="Résidence des Tilleuls",
        title="Plainte — degradations",
        orgs=dict(EVRY_ORGS),
        facts=body,
        policy=Policy(),
    )


def assermentation_body(**overrides: Any) -> dict[str, Any]:
    """The API start body of the assermentation of a gardien as garde particulier."""
    body: dict[str, Any] = {
        "kind": "assermentation",
        "agent": {"nom": "Quiétudetest", "prenom": "Zéphyrin", "poste": "gardien"},
        "route": "garde_particulier",
        "residences": [
            {"nom": "Résidence des Tilleuls", "adresse": "12 rue des Lilas", "commune_insee": EVRY}
        ],
        "infractions": ["R. 635-1"],
    }
    body.update(overrides)
    return body


def intervention_body(**overrides: Any) -> dict[str, Any]:
    """The API start body of a joint intervention at the Tilleuls."""
    body: dict[str, Any] = {
        "kind": "intervention_conjointe",
        "residence": {
            "nom": "Résidence des Tilleuls",
            "adresse": "12 rue des Lilas",
            "commune_insee": EVRY,
        },
        "halls": ["B2"],
        "diagnostic": {"niveau": 3, "periode": ["2029-01-01", "2029-12-31"]},
        "objectifs": "Rétablir la tranquillité du hall B2.",
        "proposant": "bailleur",
    }
    body.update(overrides)
    return body


def start_of(kind: str, body: dict[str, Any], created_on: date) -> ProcedureStart:
    """A workflow input of any kind, with the organisations of Évry resolved."""
    return ProcedureStart(
        procedure_id=f"{kind}-2026-{uuid.uuid4().int % 10**6:06d}",
        kind=kind,
        bailleur_id=BAILLEUR,
        created_by="juriste-1",
        created_at=datetime(2026, 11, 23, 9, 0, tzinfo=UTC),
        created_on=created_on,
        commune_insee=EVRY,
        residence_nom="Résidence des Tilleuls",
        title=kind,
        orgs=dict(EVRY_ORGS),
        facts=body,
        policy=Policy(),
    )
