"""Dependencies of the routes: settings, read-model session, caller, procedure service."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import Engine
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from temporalio.client import Client

from domain.actors import OrgKind, Role
from quietude.procedures import ProcedureService, TemporalUnavailable
from quietude.settings import Settings
from quietude.temporal_client import connect
from quietude.tokens import Claims, TokenError, verify_token
from store.departement_filter import UnknownDepartement, check_departement
from store.organisation_kinds import OrganisationKinds
from store.visibility import FRONT_LINE_REFUSED, Scope, sees_files

log = logging.getLogger(__name__)

CONNECT_TIMEOUT_SECONDS = 5.0
HEALTH_TIMEOUT_SECONDS = 3.0
TEMPORAL_DOWN = (
    "Le moteur de procédures (Temporal) est injoignable pour le moment : réessayer dans un instant."
)


class ServiceProvider:
    """The procedure service, connected to Temporal on first need and again after a failure.

    Routes ask for it (`get`) in their body: the connection is only tried once the request has
    been authenticated, validated and scoped, so that those errors come first.
    """

    def __init__(
        self,
        settings: Settings,
        engine: Engine,
        connector: Callable[[Settings], Awaitable[Client]] = connect,
    ) -> None:
        self.settings = settings
        self.engine = engine
        self.connector = connector
        self.client: Client | None = None
        self.service: Any = None  # a ProcedureService, or a stand-in with the same methods
        self._lock = asyncio.Lock()

    async def connect(self) -> bool:
        """Try to connect to Temporal if not connected yet; whether a client is available."""
        async with self._lock:
            if self.service is not None:
                return True
            try:
                client = await asyncio.wait_for(
                    self.connector(self.settings), CONNECT_TIMEOUT_SECONDS
                )
            except (RuntimeError, OSError, TimeoutError) as error:
                log.warning("Temporal unreachable at %s: %s", self.settings.temporal_address, error)
                return False
            self.client = client
            self.service = ProcedureService(client, self.engine, self.settings)
            return True

    async def get(self) -> ProcedureService:
        """The service, or TemporalUnavailable (503) while Temporal cannot be reached."""
        if self.service is None and not await self.connect():
            raise TemporalUnavailable(TEMPORAL_DOWN)
        return self.service  # type: ignore[no-any-return]

    async def temporal_ok(self) -> bool:
        """Whether Temporal answers its health check now."""
        if not await self.connect():
            return False
        if self.client is None:
            return True  # a stand-in service, with no client to ask
        try:
            return await asyncio.wait_for(
                self.client.service_client.check_health(), HEALTH_TIMEOUT_SECONDS
            )
        except (RuntimeError, OSError, TimeoutError) as error:
            log.warning("Temporal health check failed: %s", error)
            return False


# The dependencies that do no I/O are coroutines: FastAPI runs a plain function in a thread of
# its pool, a hand-over that costs more CPU than the function itself.


async def get_settings(request: Request) -> Settings:
    """The settings the application was started with."""
    return request.app.state.settings  # type: ignore[no-any-return]


async def get_session(request: Request) -> AsyncIterator[Session]:
    """The one read-model session of a request (all its dependencies and its route share it)."""
    session = Session(request.app.state.engine)
    try:
        yield session
    finally:
        # Closing a session whose transaction is still open gives its connection back to the
        # pool, which may wait on the database: off the event loop. A route that ended its
        # transaction (a commit) leaves nothing to wait for.
        if session.in_transaction():
            await run_in_threadpool(session.close)
        else:
            session.close()


async def get_engine(request: Request) -> Engine:
    """The read-model engine (for routes that read before and after a workflow call)."""
    return request.app.state.engine  # type: ignore[no-any-return]


async def get_organisation_kinds(request: Request) -> OrganisationKinds:
    """The organisation kinds the application keeps (store.organisation_kinds)."""
    return request.app.state.organisation_kinds  # type: ignore[no-any-return]


_bearer = HTTPBearer(auto_error=False, description="Jeton JWT : `quietude token --org … --role …`")


async def get_caller(
    settings: Annotated[Settings, Depends(get_settings)],
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Claims:
    """The verified claims of the bearer token; 401 when it is missing or refused."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise HTTPException(
            status_code=401,
            detail="Authentification requise : en-tête « Authorization: Bearer <jeton> » absent.",
            headers={"WWW-Authenticate": "Bearer"},
        )
    try:
        if settings.oidc_jwks_url:
            # Verification may fetch the issuer's keys over the network: in a thread.
            return await run_in_threadpool(verify_token, settings, credentials.credentials)
        # With the local secret alone, a signature checked in memory, in microseconds.
        return verify_token(settings, credentials.credentials)
    except TokenError as error:
        raise HTTPException(
            status_code=401,
            detail=error.message,
            headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
        ) from None


async def get_service(request: Request) -> ServiceProvider:
    """The procedure service (its calls answer 503 while Temporal cannot be reached)."""
    return request.app.state.services  # type: ignore[no-any-return]


SettingsDep = Annotated[Settings, Depends(get_settings)]
SessionDep = Annotated[Session, Depends(get_session)]
EngineDep = Annotated[Engine, Depends(get_engine)]
CallerDep = Annotated[Claims, Depends(get_caller)]
ServiceDep = Annotated[ServiceProvider, Depends(get_service)]


OrganisationKindsDep = Annotated[OrganisationKinds, Depends(get_organisation_kinds)]


async def get_scope(session: SessionDep, caller: CallerDep, kinds: OrganisationKindsDep) -> Scope:
    """What the caller's organisation may see (its kind read at most once a minute)."""
    kind = kinds.kept(caller.org)
    if kind is None:
        kind = await run_in_threadpool(kinds.read, session, caller.org)
    return Scope(org_id=caller.org, org_kind=kind, role=caller.role)


ScopeDep = Annotated[Scope, Depends(get_scope)]
# The `q` of the lists: matched against what the caller may read of each procedure (store.search).
SearchQuery = Annotated[
    str | None,
    Query(
        max_length=200,
        description="recherche : numéro, adresse, résidence, commune, références du logement et "
        "du bail, noms (pour qui les voit) ; sans tenir compte des accents ni des majuscules",
    ),
]


async def require_manager(caller: CallerDep) -> Claims:
    """The caller, if a manager or admin of its organisation; 403 otherwise."""
    if caller.role not in (Role.MANAGER, Role.ADMIN):
        raise HTTPException(
            status_code=403,
            detail="Réservé aux responsables : rôle « manager » ou « admin » requis.",
        )
    return caller


ManagerDep = Annotated[Claims, Depends(require_manager)]


async def require_admin(caller: CallerDep) -> Claims:
    """The caller, if an administrator; 403 otherwise."""
    if caller.role != Role.ADMIN:
        raise HTTPException(
            status_code=403, detail="Réservé aux administrateurs : rôle « admin » requis."
        )
    return caller


AdminDep = Annotated[Claims, Depends(require_admin)]

STATE_ADMIN_REFUSED = (
    "Réservé à l'administrateur d'une préfecture : la fin de la trêve hivernale est fixée par un "
    "texte de l'État (art. L. 412-6 CPCE), pas par un partenaire de la convention."
)


async def require_prefecture_admin(scope: ScopeDep, caller: AdminDep) -> Claims:
    """The caller, if the administrator of a préfecture; 403 otherwise."""
    if scope.org_kind != OrgKind.PREFECTURE:
        raise HTTPException(status_code=403, detail=STATE_ADMIN_REFUSED)
    return caller


PrefectureAdminDep = Annotated[Claims, Depends(require_prefecture_admin)]


def require_files(scope: ScopeDep) -> Scope:
    """The scope, if its user may see documents and exhibits; 403 for a bailleur's agent."""
    if not sees_files(scope.org_kind, scope.role):
        raise HTTPException(status_code=403, detail=FRONT_LINE_REFUSED)
    return scope


FilesDep = Annotated[Scope, Depends(require_files)]


def get_departement(
    session: SessionDep,
    departement: Annotated[
        str | None, Query(min_length=1, max_length=3, description="code d'un département servi")
    ] = None,
) -> str | None:
    """The `departement` of the query string, a département loaded; 422 in French otherwise."""
    if departement is None:
        return None
    try:
        check_departement(session, departement)
    except UnknownDepartement as error:
        raise HTTPException(status_code=422, detail=str(error)) from None
    return departement


DepartementDep = Annotated[str | None, Depends(get_departement)]
