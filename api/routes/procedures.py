"""Procedures: start, list, read, complete a step, assign it, declare, withdraw."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Depends, Header, HTTPException, Path, Query
from sqlalchemy import Engine
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from api.audit import Action, record
from api.deps import (
    CallerDep,
    DepartementDep,
    EngineDep,
    FilesDep,
    OrganisationKindsDep,
    ScopeDep,
    SearchQuery,
    ServiceDep,
    SessionDep,
)
from api.query_bounds import Page
from api.routes.assignments import AssigneeBody
from api.schemas import DocumentPublic, ProcedurePage, ProcedurePublic, ProcedureSummary
from domain.actors import Actor, OrgKind
from domain.contracts import ProcedureStatus
from domain.facts import Cancellation, DeclarationBody, StepCompletion
from domain.procedures import StartBody, find
from domain.steps import StepStatus
from quietude.procedures import (
    Act,
    AssignRequest,
    CancelRequest,
    DeclarationRequest,
    StartRequest,
    StepRefused,
    StepRequest,
)
from quietude.tokens import Claims
from store.idempotency import claim_in, request_hash
from store.organisation_kinds import OrganisationKinds
from store.queries import ProcedureFilters, get_procedure, list_documents, list_procedures
from store.visibility import Scope, scope_of, sees

router = APIRouter(prefix="/procedures", tags=["procédures"])

NOT_FOUND = "Procédure introuvable."
MAX_PER_PAGE = 200
KEY_REUSED = "Cette clé d'idempotence a déjà servi pour une autre requête."


def _detail(
    session: Session,
    caller: Claims,
    scope: Scope,
    procedure_id: str,
    action: str = Action.READ,
    target: str | None = None,
    retry_of: StepCompletion | None = None,
) -> ProcedurePublic:
    """The procedure as the caller may read it; what was done (`action`) goes to the log.

    `retry_of`: a repeated completion whose step is no longer pending; the step must have been
    completed as it asks, by the caller's organisation (else the refusal stands).
    """
    found = get_procedure(session, scope, procedure_id)
    if found is None:
        raise HTTPException(status_code=404, detail=NOT_FOUND)
    if retry_of is not None and not _done_as(found.steps, caller, target, retry_of):
        raise StepRefused("StepNotPending", f"L'étape « {target} » n'est pas en attente.")
    definition = find(found.procedure.kind)
    catalog = definition.catalog if definition else None
    detail = ProcedurePublic.of_record(found, scope.org_kind, catalog, scope.role)
    record(session, caller, action, procedure_id, target)
    return detail


def fresh_detail(
    engine: Engine,
    caller: Claims,
    procedure_id: str,
    action: str = Action.READ,
    target: str | None = None,
    retry_of: StepCompletion | None = None,
) -> ProcedurePublic:
    # A new session: the workflow has just written the change through another connection.
    with Session(engine) as session:
        scope = scope_of(session, caller.org, caller.role)
        return _detail(session, caller, scope, procedure_id, action, target, retry_of)


async def answer(
    engine: Engine, request: Act, action: str, target: str | None = None
) -> ProcedurePublic:
    """The procedure once acted on, as the caller may now read it (the act logged)."""
    return await run_in_threadpool(
        fresh_detail, engine, request.caller, request.procedure_id, action, target
    )


def _done_as(steps: list, caller: Claims, key: str | None, completion: StepCompletion) -> bool:
    """Whether step `key` was completed by the caller's organisation as `completion` asks."""
    return any(
        s.key == key
        and s.status == StepStatus.DONE
        and s.completed_by_org == caller.org
        and s.outcome == completion.outcome
        and s.completed_on == completion.date
        and s.data == completion.data
        for s in steps
    )


# Both checks use a session of their own, returned to the pool before the workflow call,
# which may take a while.
def visible_procedure(
    procedure_id: Annotated[str, Path(max_length=100)],
    engine: EngineDep,
    caller: CallerDep,
    kinds: OrganisationKindsDep,
) -> str:
    """The procedure id of the path, if the caller's organisation sees it; 404 otherwise."""
    with Session(engine) as session:
        visible = sees(session, Scope(caller.org, kinds.read(session, caller.org)), procedure_id)
    if not visible:
        raise HTTPException(status_code=404, detail=NOT_FOUND)
    return procedure_id


def bailleur_caller(engine: EngineDep, caller: CallerDep, kinds: OrganisationKindsDep) -> Claims:
    """The caller, if its organisation is a bailleur; 403 otherwise."""
    org_kind = kinds.kept(caller.org)
    if org_kind is None:
        with Session(engine) as session:
            org_kind = kinds.read(session, caller.org)
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
    services: ServiceDep,
    engine: EngineDep,
    body: Annotated[StartBody, Body()],
) -> ProcedurePublic:
    """Ouvre une procédure pour le bailleur appelant (un dossier en cours peut être importé)."""
    service = await services.get()
    procedure_id = await service.start(StartRequest(caller=caller, facts=body))
    return await run_in_threadpool(fresh_detail, engine, caller, procedure_id, Action.START)


@router.get("", response_model=ProcedurePage)
def read_procedures(
    session: SessionDep,
    scope: ScopeDep,
    kind: Annotated[str | None, Query(max_length=50)] = None,
    status: ProcedureStatus | None = None,
    actor: Annotated[Actor | None, Query(description="acteur d'une étape en attente")] = None,
    org: Annotated[str | None, Query(description="organisation d'une étape en attente")] = None,
    commune: Annotated[str | None, Query(description="code INSEE")] = None,
    departement: DepartementDep = None,
    overdue: bool | None = None,
    q: SearchQuery = None,
    page: Page = 1,
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
        departement=departement,
    )
    found = list_procedures(session, scope, filters, page, per_page)
    items = [ProcedureSummary.of(row) for row in found.rows]
    return ProcedurePage(
        items=items, total=found.total, total_capped=found.capped, page=page, per_page=per_page
    )


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


def _admit_completion(
    session: Session,
    kinds: OrganisationKinds,
    caller: Claims,
    procedure_id: str,
    key: str,
    completion: StepCompletion,
    idempotency_key: str | None,
) -> tuple[Scope, bool]:
    """404 unless the caller sees the procedure; with an idempotency key, 422 if it served
    another request. The caller's scope, and whether the request repeats one already received."""
    try:
        scope = Scope(caller.org, kinds.read(session, caller.org), caller.role)
        if not sees(session, scope, procedure_id):
            raise HTTPException(status_code=404, detail=NOT_FOUND)
        if idempotency_key is None:
            return scope, False
        digest = request_hash(procedure_id, key, completion.model_dump(mode="json"))
        claimed = claim_in(session, caller.org, idempotency_key, digest)
    finally:
        # Ended before the workflow call, which may take a while: the connection goes back to
        # the pool, and the read after the call begins a transaction that sees what the
        # workflow has written.
        session.rollback()
    if claimed is None:
        raise HTTPException(status_code=422, detail=KEY_REUSED)
    return scope, not claimed


@router.post("/{procedure_id}/steps/{key}", response_model=ProcedurePublic)
async def complete_step(
    procedure_id: Annotated[str, Path(max_length=100)],
    key: Annotated[str, Path(max_length=100)],
    caller: CallerDep,
    services: ServiceDep,
    session: SessionDep,
    kinds: OrganisationKindsDep,
    completion: StepCompletion,
    idempotency_key: Annotated[str | None, Header(max_length=200)] = None,
) -> ProcedurePublic:
    """Accomplit une étape en attente assignée à l'organisation appelante.

    Avec un en-tête `Idempotency-Key`, une requête répétée (après une coupure) reçoit la même
    réponse et l'étape n'est accomplie qu'une fois ; la même clé pour une autre requête : 422.
    """
    scope, retry = await run_in_threadpool(
        _admit_completion, session, kinds, caller, procedure_id, key, completion, idempotency_key
    )
    service = await services.get()
    request = StepRequest(caller=caller, procedure_id=procedure_id, key=key, completion=completion)
    retry_of = None
    try:
        await service.complete_step(request)
    except StepRefused as error:
        # A retry whose first attempt reached the workflow: the step is done as asked.
        if not (retry and error.kind == "StepNotPending"):
            raise
        retry_of = completion
    # The update's answer holds the workflow's state, not what the response tells (names,
    # facts, documents, the timestamps of the projection): the procedure is read back.
    return await run_in_threadpool(
        _detail, session, caller, scope, procedure_id, Action.COMPLETE, key, retry_of
    )


@router.post("/{procedure_id}/cancel", response_model=ProcedurePublic)
async def cancel_procedure(
    procedure_id: VisibleId,
    caller: CallerDep,
    services: ServiceDep,
    engine: EngineDep,
    cancellation: Cancellation,
) -> ProcedurePublic:
    """Retire la procédure (bailleur seulement), avec un motif."""
    request = CancelRequest(caller=caller, procedure_id=procedure_id, cancellation=cancellation)
    await (await services.get()).cancel(request)
    return await answer(engine, request, Action.CANCEL)


@router.post("/{procedure_id}/declarations", response_model=ProcedurePublic)
async def declare(
    procedure_id: VisibleId,
    caller: CallerDep,
    services: ServiceDep,
    engine: EngineDep,
    declaration: DeclarationBody,
) -> ProcedurePublic:
    """Déclare un événement à tout moment : départ volontaire, désistement, appel."""
    request = DeclarationRequest(caller=caller, procedure_id=procedure_id, declaration=declaration)
    await (await services.get()).declare(request)
    return await answer(engine, request, Action.DECLARE, declaration.type)


@router.post("/{procedure_id}/steps/{key}/assignee", response_model=ProcedurePublic)
async def assign_step(
    procedure_id: VisibleId,
    key: Annotated[str, Path(max_length=100)],
    caller: CallerDep,
    services: ServiceDep,
    engine: EngineDep,
    assignee: AssigneeBody,
) -> ProcedurePublic:
    """Confie une étape en attente de l'organisation appelante à une personne (responsables)."""
    request = AssignRequest(
        caller=caller, procedure_id=procedure_id, key=key, assignee_sub=assignee.sub
    )
    await (await services.get()).assign(request)
    return await answer(engine, request, Action.ASSIGN, key)
