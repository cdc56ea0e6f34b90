"""The authorization matrix of the API (tests/api/test_authorization_matrix.py): each endpoint
of the route table, how to reach it for an object, who may get its personal data, and who gets
a success from it, with what."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy import Engine
from sqlmodel import Session

from domain.actors import Actor
from tests.api.intervention_rows import INTERVENTION_ID, evaluated_steps, project_intervention
from tests.api.rows import (
    BAILLEUR,
    OTHER_BAILLEUR,
    PARQUET,
    POLICE_EVRY,
    add_files,
    parquet_step,
    plainte_facts,
    project,
    project_kind,
    step,
)
from tests.builders import signalement_body

A_ID = "signalement-2026-000001"  # BAILLEUR's, waiting for the police of Évry
B_ID = "signalement-2026-000002"  # OTHER_BAILLEUR's, waiting for the parquet
PLAINTE_ID = "plainte-2026-000003"  # BAILLEUR's, which convicted a tenant
# A second département: the landlord across départements, in Bobigny (Seine-Saint-Denis).
C_ID = "signalement-2026-000004"  # FOYERS', waiting for the police of Bobigny
D_ID = "signalement-2026-000005"  # FOYERS', waiting for the parquet of Bobigny
FOYERS = "demo-foyers-idf"
BOBIGNY = "93008"
POLICE_BOBIGNY = "police-bobigny"
PARQUET_BOBIGNY = "parquet-bobigny"
GENDARMERIE = "gendarmerie-merevillois"
ROLES = ("agent", "juriste", "manager", "admin")
# Each organisation kind, with the procedure it sees (None: none) and one it must not see.
CALLERS = {
    BAILLEUR: (A_ID, B_ID),
    OTHER_BAILLEUR: (B_ID, A_ID),
    POLICE_EVRY: (A_ID, B_ID),
    PARQUET: (B_ID, A_ID),
    GENDARMERIE: (None, A_ID),
    FOYERS: (C_ID, A_ID),
    POLICE_BOBIGNY: (C_ID, A_ID),
    PARQUET_BOBIGNY: (D_ID, B_ID),
}
BAILLEURS = {BAILLEUR, OTHER_BAILLEUR, FOYERS}
# The partners of each département, with the procedures of the other they must not see.
ELSEWHERE = {
    POLICE_EVRY: (C_ID, D_ID),
    PARQUET: (C_ID, D_ID),
    GENDARMERIE: (C_ID, D_ID),
    POLICE_BOBIGNY: (A_ID, B_ID, PLAINTE_ID),
    PARQUET_BOBIGNY: (A_ID, B_ID, PLAINTE_ID),
}
NAME = "Durand"  # a person named in both procedures' facts
# The pending step of each procedure and an outcome of it.
PENDING = {
    A_ID: ("accuse_reception", "recu"),
    B_ID: ("decision_parquet", "poursuites"),
    C_ID: ("accuse_reception", "recu"),
    D_ID: ("decision_parquet", "poursuites"),
}
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

Who = Callable[[str, str], bool]  # (organisation, role) -> whether a success is due


def front_line(org: str, role: str) -> bool:
    """A bailleur's agent: sees its procedures, never their files."""
    return org in BAILLEURS and role == "agent"


def anyone(org: str, role: str) -> bool:
    return True


def not_front_line(org: str, role: str) -> bool:
    return not front_line(org, role)


def bailleurs(org: str, role: str) -> bool:
    return org in BAILLEURS


def bailleur_staff(org: str, role: str) -> bool:
    return org in BAILLEURS and role != "agent"


def managers(org: str, role: str) -> bool:
    return role in ("manager", "admin")


def admins(org: str, role: str) -> bool:
    return role == "admin"


def prefecture_admins(org: str, role: str) -> bool:
    """The trêve's end is the State's: only a préfecture's administrator moves it."""
    return role == "admin" and org.startswith("prefecture")


def intervention_partners(org: str, role: str) -> bool:
    """Who sees the joint intervention (its bailleur, the police and the parquet, each with a
    step in it), but bailleur agents."""
    return org in (BAILLEUR, POLICE_EVRY, PARQUET) and not front_line(org, role)


def plainte_bailleur(org: str, role: str) -> bool:
    return org == BAILLEUR


@dataclass(frozen=True)
class Allowed:
    """Who gets a success from an endpoint (on the object it sees, or on `on`), the request
    that gets it, and what the answer holds. In `path`, `body` and `holds`, {p} stands for the
    object, {step} / {outcome} for its pending step and an outcome of it, {org} for the
    caller's organisation, {new} for the procedure a start opens; an item of `holds` naming {p}
    is checked only for a caller that sees a procedure."""

    who: Who
    holds: tuple[str, ...] = ()
    status: int = 200
    media: str = "application/json"
    body: dict[str, Any] | None = None
    path: str | None = None  # when the success needs another path than the rule's
    on: str | None = None  # an object of its own, set up for this endpoint


@dataclass(frozen=True)
class Rule:
    """How an endpoint is reached for an object, who may get its personal data, and who gets a
    success from it."""

    path: str  # with {p} for a procedure id, {doc} / {piece} for its document / exhibit
    # "none": never names a person; "facts": the bailleur's staff but its agents; "files":
    # whoever sees the procedure (its partners need the file for their step) but bailleur agents
    names_for: str
    body: dict[str, object] | None = None
    roles: tuple[str, ...] = ROLES  # roles allowed at all (others: 403)
    allowed: Allowed = field(default_factory=lambda: Allowed(anyone))


STEP = "/api/procedures/{p}/steps/{step}"
RULES: dict[tuple[str, str], Rule] = {
    ("GET", "/api/organisations"): Rule(
        "/api/organisations", "none", allowed=Allowed(anyone, ('"id":"{org}"',))
    ),
    ("GET", "/api/procedures"): Rule(
        "/api/procedures", "none", allowed=Allowed(anyone, ('"items"', '"id":"{p}"'))
    ),
    ("POST", "/api/procedures"): Rule(
        "/api/procedures",
        "none",
        {"kind": "signalement"},
        allowed=Allowed(bailleurs, ('"id":"{new}"',), 201, body=signalement_body()),
    ),
    ("GET", "/api/procedures/{procedure_id}"): Rule(
        "/api/procedures/{p}", "facts", allowed=Allowed(anyone, ('"id":"{p}"',))
    ),
    ("GET", "/api/procedures/{procedure_id}/documents"): Rule(
        "/api/procedures/{p}/documents", "files", allowed=Allowed(not_front_line, ("doc-{p}",))
    ),
    ("POST", "/api/procedures/{procedure_id}/steps/{key}"): Rule(
        "/api/procedures/{p}/steps/x",
        "facts",
        {"outcome": "?", "date": "2026-11-24", "x": 1},
        allowed=Allowed(
            anyone, ('"id":"{p}"',), body={"outcome": "{outcome}", "date": "2026-11-24"}, path=STEP
        ),
    ),
    ("POST", "/api/procedures/{procedure_id}/cancel"): Rule(
        "/api/procedures/{p}/cancel",
        "facts",
        {"x": 1},
        allowed=Allowed(anyone, ('"id":"{p}"',), body={"reason": "Doublon"}),
    ),
    ("POST", "/api/procedures/{procedure_id}/declarations"): Rule(
        "/api/procedures/{p}/declarations",
        "facts",
        {"x": 1},
        allowed=Allowed(
            anyone, ('"id":"{p}"',), body={"type": "depart_volontaire", "date": "2026-11-24"}
        ),
    ),
    ("POST", "/api/procedures/{procedure_id}/steps/{key}/assignee"): Rule(
        "/api/procedures/{p}/steps/x/assignee",
        "facts",
        {"x": 1},
        allowed=Allowed(
            anyone, ('"id":"{p}"',), body={"sub": "substitut-a"}, path=STEP + "/assignee"
        ),
    ),
    ("POST", "/api/procedures/{procedure_id}/resiliation"): Rule(
        "/api/procedures/{p}/resiliation",
        "facts",
        {"x": 1},
        allowed=Allowed(
            plainte_bailleur,
            ('"id":"{new}"',),
            201,
            body={
                "logement_reference": "LGT-0099",
                "bail": {"reference": "B-2020-0099", "date_effet": "2020-03-01"},
            },
            on=PLAINTE_ID,
        ),
    ),
    ("GET", "/api/procedures/{procedure_id}/pieces"): Rule(
        "/api/procedures/{p}/pieces", "files", allowed=Allowed(not_front_line, ("piece-{p}", NAME))
    ),
    ("POST", "/api/procedures/{procedure_id}/pieces"): Rule(
        "/api/procedures/{p}/pieces", "files", {}, allowed=Allowed(anyone, ('"{p}"',), 201)
    ),
    ("GET", "/api/pieces/{piece_id}"): Rule(
        "/api/pieces/{piece}",
        "files",
        allowed=Allowed(not_front_line, (NAME,), media="application/pdf"),
    ),
    ("GET", "/api/procedures/{procedure_id}/dossier"): Rule(
        "/api/procedures/{p}/dossier",
        "files",
        allowed=Allowed(bailleur_staff, ("bordereau_pieces.docx",), media="application/zip"),
    ),
    ("GET", "/api/procedures/{procedure_id}/compte-rendu.docx"): Rule(
        "/api/procedures/{p}/compte-rendu.docx",
        "files",
        allowed=Allowed(intervention_partners, media=DOCX, on=INTERVENTION_ID),
    ),
    ("GET", "/api/documents/{doc_id}"): Rule(
        "/api/documents/{doc}", "files", allowed=Allowed(not_front_line, (NAME,), media=DOCX)
    ),
    ("GET", "/api/tasks"): Rule("/api/tasks", "none", allowed=Allowed(anyone, ('"counts"',))),
    ("POST", "/api/tasks/reassign"): Rule(
        "/api/tasks/reassign",
        "none",
        {"from": "a", "to": "b"},
        ("manager", "admin"),
        Allowed(managers, ('"moved"',), body={"from": "a", "to": "b"}),
    ),
    ("GET", "/api/dashboard"): Rule(
        "/api/dashboard",
        "none",
        roles=("manager", "admin"),
        allowed=Allowed(managers, ('"id":"{org}"',)),
    ),
    ("GET", "/api/calendar/deadline"): Rule(
        "/api/calendar/deadline?from=2026-11-23&days=8",
        "none",
        allowed=Allowed(anyone, ('"due"',)),
    ),
    ("GET", "/api/calendar/expulsion"): Rule(
        "/api/calendar/expulsion?not_before=2026-11-23",
        "none",
        allowed=Allowed(anyone, ('"earliest"',)),
    ),
    ("GET", "/api/healthz"): Rule(
        "/api/healthz", "none", allowed=Allowed(anyone, ('"read_model":"ok"',))
    ),
    ("GET", "/api/assermentations"): Rule(
        "/api/assermentations", "none", allowed=Allowed(bailleur_staff, ('"items"',))
    ),
    ("GET", "/api/diagnostics"): Rule(
        "/api/diagnostics", "none", allowed=Allowed(anyone, ('"totals"',))
    ),
    ("GET", "/api/diagnostics/report.docx"): Rule(
        "/api/diagnostics/report.docx", "none", allowed=Allowed(anyone, media=DOCX)
    ),
    ("GET", "/api/access-log"): Rule(
        "/api/access-log", "none", roles=("admin",), allowed=Allowed(admins, ('"items"',))
    ),
    ("GET", "/api/treve"): Rule("/api/treve", "none", allowed=Allowed(anyone, ('"annees"',))),
    ("PUT", "/api/treve/{annee}"): Rule(
        "/api/treve/2027",
        "none",
        {"fin": "2027-05-31", "motif": "texte de test"},
        ("admin",),
        Allowed(prefecture_admins, ('"annee":2027', '"procedures_mises_a_jour"')),
    ),
    ("POST", "/codec/decode"): Rule(
        "/codec/decode",
        "none",
        {"payloads": []},
        ("admin",),
        Allowed(admins, ('"payloads":[]',), body={"payloads": []}),
    ),
    ("POST", "/codec/encode"): Rule(
        "/codec/encode",
        "none",
        {"payloads": []},
        ("admin",),
        Allowed(admins, ('"payloads":[]',), body={"payloads": []}),
    ),
}


def endpoints(app: FastAPI) -> list[tuple[str, str]]:
    """Every (method, path) of the route table, as the OpenAPI schema publishes it."""
    paths = app.openapi()["paths"]
    return sorted((method.upper(), path) for path, ops in paths.items() for method in ops)


def project_objects(engine: Engine, folder: Path) -> None:
    """Two procedures of two bailleurs in Essonne and two of FOYERS in Bobigny, each with a
    document and an exhibit naming Durand; a plainte of BAILLEUR that convicted a tenant; a joint
    intervention with its report."""
    opened = date(2026, 11, 23)
    project(engine, A_ID, [step("accuse_reception", POLICE_EVRY, opened)])
    parquet = step("decision_parquet", PARQUET, opened, actor=Actor.PARQUET)
    project(engine, B_ID, [parquet], bailleur=OTHER_BAILLEUR)
    police_93 = step("accuse_reception", POLICE_BOBIGNY, opened)
    project(engine, C_ID, [police_93], bailleur=FOYERS, commune=BOBIGNY)
    parquet_93 = step("decision_parquet", PARQUET_BOBIGNY, opened, actor=Actor.PARQUET)
    project(engine, D_ID, [parquet_93], bailleur=FOYERS, commune=BOBIGNY)
    owners = ((A_ID, BAILLEUR), (B_ID, OTHER_BAILLEUR), (C_ID, FOYERS), (D_ID, FOYERS))
    with Session(engine) as session:
        for procedure_id, owner in owners:
            path = folder / f"{procedure_id}.pdf"
            path.write_bytes(b"%PDF-1.4 " + NAME.encode())
            add_files(session, procedure_id, path, path, owner=owner)
        session.commit()
    convicted = [parquet_step("transmission_decision", date(2026, 11, 20))]
    project_kind(engine, PLAINTE_ID, convicted, facts=plainte_facts(), suggestions=["resiliation"])
    project_intervention(engine, evaluated_steps())


def url_of(path: str, procedure_id: str, **values: str) -> str:
    """`path` for the procedure `procedure_id` (its document, its exhibit)."""
    return path.format(
        p=procedure_id, doc=f"doc-{procedure_id}", piece=f"piece-{procedure_id}", **values
    )


async def call(
    client: httpx.AsyncClient,
    method: str,
    url: str,
    body: dict[str, Any] | None,
    headers: dict[str, str],
    upload: bytes = b"%PDF-1.4 x",
) -> httpx.Response:
    """One call of an endpoint; an empty `body` stands for a multipart upload of `upload`."""
    if method == "GET":
        return await client.get(url, headers=headers)
    if body == {}:
        files = {"file": ("pv.pdf", upload, "application/pdf")}
        return await client.post(
            url, headers=headers, files=files, data={"title": "t", "kind": "pv"}
        )
    if method == "PUT":
        return await client.put(url, headers=headers, json=body)
    return await client.post(url, headers=headers, json=body)
