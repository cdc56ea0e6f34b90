"""Procedures: start, list, read, complete a step, assign it, withdraw; a résiliation from a
conviction."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Depends, Header, HTTPException, Path, Query
from sqlalchemy import Engine
from sqlmodel import Session, select
from starlette.concurrency import run_in_threadpool

from api.audit import Action, record
from api.deps import CallerDep, EngineDep, FilesDep, ScopeDep, ServiceDep, SessionDep
from api.routes.assignments import AssigneeBody
from api.schemas import (
    DocumentPublic,
    ProcedurePage,
    ProcedurePublic,
    ProcedureSummary,
    ResiliationFromPlainte,
)
from domain.actors import Actor, OrgKind
from domain.contracts import ProcedureStatus
from domain.facts import (
    Cancellation,
    DeclarationBody,
    PlainteFacts,
    ResiliationFacts,
    StartBody,
    StepCompletion,
)
from quietude.procedures import KINDS, StepRefused
from quietude.tokens import Claims
from store.idempotency import claim, request_hash
from store.queries import ProcedureFilters, get_procedure, list_documents, list_procedures
from store.tables import Procedure, Step
from store.visibility import Scope, can_see, scope_of

router = APIRouter(prefix="/procedures", tags=["procédures"])

NOT_FOUND = "Procédure introuvable."
MAX_PER_PAGE = 200


def _detail(
    session: Session,
    caller: Claims,
    scope: Scope,
    procedure_id: str,
    action: str = Action.READ,
    target: str | None = None,
) -> ProcedurePublic:
    """The procedure as the caller may read it; what was done (`action`) goes to the log."""
    found = get_procedure(session, scope, procedure_id)
    if found is None:
        raise HTTPException(status_code=404, detail=NOT_FOUND)
    kind = KINDS.get(found.procedure.kind)
    detail = ProcedurePublic.of_record(
        found, scope.org_kind, kind.catalog if kind else None, scope.role
    )
    record(session, caller, action, procedure_id, target)
    return detail


def _fresh_detail(
    engine: Engine,
    caller: Claims,
    procedure_id: str,
    action: str = Action.READ,
    target: str | None = None,
) -> ProcedurePublic:
    # A new session: the workflow has just written the change through another connection.
    with Session(engine) as session:
        scope = scope_of(session, caller.org, caller.role)
        return _detail(session, caller, scope, procedure_id, action, target)


# Both checks use a session of their own, returned to the pool before the workflow call,
# which may take a while.
def visible_procedure(
    procedure_id: Annotated[str, Path(max_length=100)], engine: EngineDep, caller: CallerDep
) -> str:
    """The procedure id of the path, if the caller's organisation sees it; 404 otherwise."""
    with Session(engine) as session:
        visible = can_see(session, caller.org, procedure_id)
    if not visible:
        raise HTTPException(status_code=404, detail=NOT_FOUND)
    return procedure_id


def bailleur_caller(engine: EngineDep, caller: CallerDep) -> Claims:
    """The caller, if its organisation is a bailleur; 403 otherwise."""
    with Session(engine) as session:
        org_kind = scope_of(session, caller.org).org_kind
    if org_kind != OrgKind.BAILLEUR:
        raise HTTPException(
            status_code=403, detail="Seule une organisation bailleur peut ouvrir une procédure."
        )
    return caller


VisibleId = Annotated[str, Depends(visible_procedure)]
BailleurDep = Annotated[Claims, Depends(bailleur_caller)]


@router.post("", status_code=201, response_model=ProcedurePublic)
async def start_procedure(
    caller: BailleurDep,
    service: ServiceDep,
    engine: EngineDep,
    body: Annotated[StartBody, Body()],
) -> ProcedurePublic:
    """Ouvre une procédure pour le bailleur appelant (un dossier en cours peut être importé)."""
    procedure_id = await service.start(caller, body)
    return await run_in_threadpool(_fresh_detail, engine, caller, procedure_id, Action.START)


@router.get("", response_model=ProcedurePage)
def read_procedures(
    session: SessionDep,
    scope: ScopeDep,
    kind: Annotated[str | None, Query(max_length=50)] = None,
    status: ProcedureStatus | None = None,
    actor: Annotated[Actor | None, Query(description="acteur d'une étape en attente")] = None,
    org: Annotated[str | None, Query(description="organisation d'une étape en attente")] = None,
    commune: Annotated[str | None, Query(description="code INSEE")] = None,
    overdue: bool | None = None,
    q: Annotated[str | None, Query(max_length=200, description="recherche libre")] = None,
    page: Annotated[int, Query(ge=1)] = 1,
    per_page: Annotated[int, Query(ge=1, le=MAX_PER_PAGE)] = 50,
) -> ProcedurePage:
    """Procédures visibles par l'organisation appelante, filtrées, par échéance la plus proche."""
    filters = ProcedureFilters(
        kind=kind,
        status=status.value if status else None,
        actor=actor.value if actor else None,
        org=org,
        commune=commune,
        overdue=overdue,
        q=q,
    )
    rows, total = list_procedures(session, scope, filters, page, per_page)
    items = [ProcedureSummary.of(row) for row in rows]
    return ProcedurePage(items=items, total=total, page=page, per_page=per_page)


@router.get("/{procedure_id}", response_model=ProcedurePublic)
def read_procedure(
    procedure_id: str, session: SessionDep, caller: CallerDep, scope: ScopeDep
) -> ProcedurePublic:
    """Une procédure : faits, étapes, chronologie, documents et liens."""
    return _detail(session, caller, scope, procedure_id)


@router.get("/{procedure_id}/documents", response_model=list[DocumentPublic])
def read_documents(
    procedure_id: VisibleId, session: SessionDep, _files: FilesDep
) -> list[DocumentPublic]:
    """Documents générés pour une procédure."""
    return [DocumentPublic.model_validate(d) for d in list_documents(session, procedure_id)]


@router.post("/{procedure_id}/steps/{key}", response_model=ProcedurePublic)
async def complete_step(
    procedure_id: VisibleId,
    key: Annotated[str, Path(max_length=100)],
    caller: CallerDep,
    service: ServiceDep,
    engine: EngineDep,
    completion: StepCompletion,
    idempotency_key: Annotated[str | None, Header(max_length=200)] = None,
) -> ProcedurePublic:
    """Accomplit une étape en attente assignée à l'organisation appelante.

    Avec un en-tête `Idempotency-Key`, une requête répétée (après une coupure) reçoit la même
    réponse et l'étape n'est accomplie qu'une fois ; la même clé pour une autre requête : 422.
    """
    retry = False
    if idempotency_key is not None:
        digest = request_hash(procedure_id, key, completion.model_dump(mode="json"))
        claimed = await run_in_threadpool(claim, engine, caller.org, idempotency_key, digest)
        if claimed is None:
            raise HTTPException(
                status_code=422,
                detail="Cette clé d'idempotence a déjà servi pour une autre requête.",
            )
        retry = not claimed
    try:
        await service.complete_step(caller, procedure_id, key, completion)
    except StepRefused as error:
        # A retry whose first attempt reached the workflow: the step is done as asked.
        if not (retry and error.kind == "StepNotPending"):
            raise
        if not await run_in_threadpool(_done_as, engine, caller, procedure_id, key, completion):
            raise
    return await run_in_threadpool(
        _fresh_detail, engine, caller, procedure_id, Action.COMPLETE, key
    )


def _done_as(
    engine: Engine, caller: Claims, procedure_id: str, key: str, completion: StepCompletion
) -> bool:
    """Whether step `key` was completed by the caller's organisation as `completion` asks."""
    with Session(engine) as session:
        steps = session.exec(
            select(Step).where(Step.procedure_id == procedure_id, Step.key == key)
        ).all()
    return any(
        s.status == "done"
        and s.completed_by_org == caller.org
        and s.outcome == completion.outcome
        and s.completed_on == completion.date
        and s.data == completion.data
        for s in steps
    )


@router.post("/{procedure_id}/cancel", response_model=ProcedurePublic)
async def cancel_procedure(
    procedure_id: VisibleId,
    caller: CallerDep,
    service: ServiceDep,
    engine: EngineDep,
    cancellation: Cancellation,
) -> ProcedurePublic:
    """Retire la procédure (bailleur seulement), avec un motif."""
    await service.cancel(caller, procedure_id, cancellation.reason)
    return await run_in_threadpool(_fresh_detail, engine, caller, procedure_id, Action.CANCEL)


@router.post("/{procedure_id}/declarations", response_model=ProcedurePublic)
async def declare(
    procedure_id: VisibleId,
    caller: CallerDep,
    service: ServiceDep,
    engine: EngineDep,
    declaration: DeclarationBody,
) -> ProcedurePublic:
    """Déclare un événement à tout moment : départ volontaire, désistement, appel."""
    await service.declare(
        caller, procedure_id, declaration.type, declaration.date, declaration.comment
    )
    return await run_in_threadpool(
        _fresh_detail, engine, caller, procedure_id, Action.DECLARE, str(declaration.type)
    )


@router.post("/{procedure_id}/steps/{key}/assignee", response_model=ProcedurePublic)
async def assign_step(
    procedure_id: VisibleId,
    key: Annotated[str, Path(max_length=100)],
    caller: CallerDep,
    service: ServiceDep,
    engine: EngineDep,
    assignee: AssigneeBody,
) -> ProcedurePublic:
    """Confie une étape en attente de l'organisation appelante à une personne (responsables)."""
    await service.assign(caller, procedure_id, key, assignee.sub)
    return await run_in_threadpool(_fresh_detail, engine, caller, procedure_id, Action.ASSIGN, key)


def _linked_resiliation(
    engine: Engine, plainte_id: str, body: ResiliationFromPlainte
) -> ResiliationFacts:
    """The résiliation to start from a plainte that convicted a tenant; 409 otherwise."""
    with Session(engine) as session:
        procedure = session.get(Procedure, plainte_id)
        assert procedure is not None  # visible_procedure found it
        links = [link for link in procedure.links if isinstance(link, dict)]
        if procedure.kind != "plainte":
            raise HTTPException(status_code=409, detail="Cette procédure n'est pas une plainte.")
        if {"type": "suggestion", "kind": "resiliation"} not in links:
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
            if link.get("type") == "lien" and link.get("kind") == "resiliation"
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
    service: ServiceDep,
    engine: EngineDep,
    body: ResiliationFromPlainte,
) -> ProcedurePublic:
    """Engage, après la condamnation d'un locataire, la résiliation du bail liée à la plainte,
    pré-remplie de ses faits et des locataires mis en cause."""
    facts = await run_in_threadpool(_linked_resiliation, engine, procedure_id, body)
    resiliation_id = await service.start(caller, facts)
    return await run_in_threadpool(
        _fresh_detail, engine, caller, resiliation_id, Action.START, procedure_id
    )
