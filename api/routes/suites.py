"""What follows a procedure: the résiliation of a lease after a tenant's conviction."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException
from sqlalchemy import Engine
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from api.audit import Action
from api.deps import EngineDep, ServiceDep
from api.routes.procedures import BailleurDep, VisibleId, fresh_detail
from api.schemas import ProcedurePublic, ResiliationFromPlainte
from domain.kinds import ProcedureKind
from domain.procedures.plainte import PlainteFacts
from domain.procedures.resiliation_facts import ResiliationFacts
from quietude.procedures import StartRequest
from store.tables import Procedure

router = APIRouter(prefix="/procedures", tags=["procédures"])
SUGGESTED = {"type": "suggestion", "kind": ProcedureKind.RESILIATION}


def _linked_resiliation(
    engine: Engine, plainte_id: str, body: ResiliationFromPlainte
) -> ResiliationFacts:
    """The résiliation to start from a plainte that convicted a tenant; 409 otherwise."""
    with Session(engine) as session:
        procedure = session.get(Procedure, plainte_id)
        assert procedure is not None  # visible_procedure found it
        links = [link for link in procedure.links if isinstance(link, dict)]
        if procedure.kind != ProcedureKind.PLAINTE:
            raise HTTPException(status_code=409, detail="Cette procédure n'est pas une plainte.")
        if SUGGESTED not in links:
            raise HTTPException(
                status_code=409,
                detail="Aucune condamnation d'un locataire ou d'un membre du foyer n'est "
                "enregistrée dans cette plainte : la résiliation liée ne peut pas encore être "
                "engagée.",
            )
        plainte = PlainteFacts.model_validate(procedure.facts)
        if not any(m.locataire for m in plainte.mis_en_cause):
            raise HTTPException(
                status_code=409,
                detail="Aucun locataire parmi les mis en cause de la plainte : ouvrir la "
                "résiliation par le formulaire général en désignant les locataires.",
            )
        followers = [
            str(link.get("procedure_id"))
            for link in links
            if link.get("type") == "lien" and link.get("kind") == ProcedureKind.RESILIATION
        ]
        for other_id in followers:
            other = session.get(Procedure, other_id)
            if other is not None and other.facts.get("bail", {}).get("reference") == (
                body.bail.reference
            ):
                raise HTTPException(
                    status_code=409,
                    detail=f"La résiliation de ce bail est déjà engagée : {other_id}.",
                )
    return body.facts_for(plainte_id, plainte)


@router.post("/{procedure_id}/resiliation", status_code=201, response_model=ProcedurePublic)
async def start_linked_resiliation(
    procedure_id: VisibleId,
    caller: BailleurDep,
    services: ServiceDep,
    engine: EngineDep,
    body: ResiliationFromPlainte,
) -> ProcedurePublic:
    """Engage, après la condamnation d'un locataire, la résiliation du bail liée à la plainte,
    pré-remplie de ses faits et des locataires mis en cause."""
    facts = await run_in_threadpool(_linked_resiliation, engine, procedure_id, body)
    service = await services.get()
    resiliation_id = await service.start(StartRequest(caller=caller, facts=facts))
    return await run_in_threadpool(
        fresh_detail, engine, caller, resiliation_id, Action.START, procedure_id
    )
