"""What every page shares: templates, the signed-in user, errors shown as pages."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlmodel import Session
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.deps import SettingsDep
from api.errors import REFUSAL_STATUS, http_error
from api.web import labels
from api.web.forms import field_id
from api.web.session import (
    CsrfRefused,
    WebSession,
    check_csrf,
    read_session,
    write_session,
)
from domain.actors import OrgKind, Role
from quietude.procedures import StartRefused, StepRefused, TemporalUnavailable
from quietude.settings import REPO_ROOT, Settings
from quietude.tokens import Claims, TokenError, verify_token
from store.tables import Organisation
from store.visibility import Scope, SearchTier, search_tier, sees_files

TEMPLATES_DIR = REPO_ROOT / "templates" / "web"
STATIC_DIR = REPO_ROOT / "static"
# Pages carry personal data: never kept by a cache (the app's middleware adds the others).
PAGE_HEADERS = {"Cache-Control": "no-store"}
# The answer page of a step: /procedures/<id>/etapes/<key>.
ANSWER_PAGE = re.compile(r"/procedures/[^/]+/etapes/[^/]+")
TEMPORAL_DOWN = (
    "Le moteur de procédures est momentanément injoignable : rien n'a été enregistré. "
    "Réessayer dans un instant."
)

templates = Environment(
    loader=FileSystemLoader(TEMPLATES_DIR),
    autoescape=select_autoescape(["html", "svg"]),
    trim_blocks=True,
    lstrip_blocks=True,
)
templates.filters["date_fr"] = labels.date_fr
templates.filters["datetime_fr"] = labels.datetime_fr
templates.globals["labels"] = labels
templates.globals["field_id"] = field_id


class SignInRequired(Exception):
    """The page needs a signed-in user: answered by a redirection to the sign-in page."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


class PageError(Exception):
    """A page that cannot be shown: answered with a French message and `status`."""

    def __init__(self, status: int, message: str, title: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.title = title


SEARCH_HINTS = {
    SearchTier.IN_PROGRESS: "Numéro, résidence, adresse, commune…",
    SearchTier.SHARED: "Numéro, résidence, adresse, commune, et les noms et références que la "
    "procédure vous transmet…",
    SearchTier.FULL: "Numéro, nom, résidence, adresse, commune, référence du logement ou du bail…",
}


@dataclass(frozen=True)
class PageUser:
    """The signed-in user: the claims of its token, its organisation and its session."""

    claims: Claims
    org_name: str
    org_kind: str | None
    session: WebSession

    @property
    def scope(self) -> Scope:
        return Scope(org_id=self.claims.org, org_kind=self.org_kind, role=self.claims.role.value)

    @property
    def search_hint(self) -> str:
        """What the search of the lists finds for this user: names only for those who see them."""
        return SEARCH_HINTS[search_tier(self.org_kind, self.claims.role.value)]

    @property
    def sees_files(self) -> bool:
        return sees_files(self.org_kind, self.claims.role.value)

    @property
    def is_bailleur(self) -> bool:
        return self.org_kind == OrgKind.BAILLEUR

    @property
    def is_manager(self) -> bool:
        return self.claims.role in (Role.MANAGER, Role.ADMIN)


def _signed_in(request: Request, settings: Settings) -> PageUser | None:
    session = read_session(request, settings)
    if session is None or not session.token:
        return None
    try:
        claims = verify_token(settings, session.token)
    except TokenError:
        return None
    with Session(request.app.state.engine) as db:
        organisation = db.get(Organisation, claims.org)
    if organisation is None:
        return PageUser(claims, claims.org, None, session)
    return PageUser(claims, organisation.name, organisation.kind, session)


def page_user(request: Request, settings: SettingsDep) -> PageUser:
    """The signed-in user; otherwise the page redirects to the sign-in page."""
    user = _signed_in(request, settings)
    if user is None:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        # A form sent after the session ended cannot be replayed: back to the home page.
        raise SignInRequired(target if request.method == "GET" else "/")
    return user


def optional_user(request: Request, settings: SettingsDep) -> PageUser | None:
    """The signed-in user, if any."""
    return _signed_in(request, settings)


UserDep = Annotated[PageUser, Depends(page_user)]
OptionalUserDep = Annotated[PageUser | None, Depends(optional_user)]


async def checked_form(request: Request, settings: SettingsDep) -> FormData:
    """The posted form, once its CSRF token is found to be the session's."""
    form = await request.form()
    check_csrf(read_session(request, settings), form)
    return form


FormDep = Annotated[FormData, Depends(checked_form)]


def render(
    request: Request,
    template: str,
    context: dict[str, Any],
    user: PageUser | None = None,
    status: int = 200,
    session: WebSession | None = None,
) -> HTMLResponse:
    """A page from its template, with the user and the navigation;
    `session` is written to the cookie when given (a new anonymous session)."""
    current = session or (user.session if user else None)
    html = templates.get_template(template).render(
        request=request,
        user=user,
        csrf=current.csrf if current else "",
        nav=navigation(user, request.url.path),
        demo_mode=request.app.state.settings.demo_sign_in,
        **context,
    )
    response = HTMLResponse(html, status_code=status, headers=PAGE_HEADERS)
    if session is not None:
        write_session(response, request, request.app.state.settings, session)
    return response


def navigation(user: PageUser | None, path: str) -> list[dict[str, Any]]:
    """The links of the header for this user; the one the page falls under is marked."""
    if user is None:
        return []
    links = [("/procedures", "Procédures"), ("/corbeille", "À traiter")]
    if user.is_bailleur:
        links.append(("/procedures/nouvelle", "Nouvelle procédure"))
        if user.claims.role != Role.AGENT:
            links.append(("/assermentations", "Agents assermentés"))
    if user.is_manager:
        links.append(("/tableau-de-bord", "Tableau de bord"))
    # Every signed-in organisation may read the diagnostics, as through the API.
    links.append(("/diagnostics", "Diagnostics"))
    under = [href for href, _ in links if path == href or path.startswith(href + "/")]
    current = max(under, key=len, default=None)
    if ANSWER_PAGE.fullmatch(path):
        current = "/corbeille"  # a request is answered from the list of what waits
    return [{"href": href, "label": label, "current": href == current} for href, label in links]


def landing(org_kind: str | None) -> str:
    """Where a user lands: a bailleur on its procedures, a partner on its inbox."""
    return "/procedures" if org_kind == OrgKind.BAILLEUR else "/corbeille"


def safe_next(target: str | None) -> str | None:
    """A path of this site to go back to after signing in (never another site)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    return target


def see_other(url: str) -> RedirectResponse:
    """A redirection after a form (303: the browser follows it with GET)."""
    return RedirectResponse(url, status_code=303, headers={"Cache-Control": "no-store"})


def refusal(error: Exception) -> tuple[int, str]:
    """The status and French message of a refusal from the procedure service."""
    if isinstance(error, StepRefused):
        return REFUSAL_STATUS.get(error.kind, 422), error.message
    if isinstance(error, StartRefused):
        return 422, error.message
    if isinstance(error, TemporalUnavailable):
        return 503, TEMPORAL_DOWN
    raise error


async def _sign_in_required(request: Request, error: Exception) -> Response:
    assert isinstance(error, SignInRequired)
    return see_other(f"/connexion?suivant={quote(error.next_path, safe='/')}")


async def _page_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, PageError)
    user = _signed_in(request, request.app.state.settings)
    context = {"title": error.title or "Page indisponible", "message": error.message}
    return render(request, "error.html", context, user=user, status=error.status)


async def _csrf_refused(request: Request, error: Exception) -> Response:
    user = _signed_in(request, request.app.state.settings)
    context = {
        "title": "Formulaire refusé",
        "message": "Ce formulaire a expiré ou ne provient pas de cette application : "
        "recharger la page et recommencer.",
    }
    return render(request, "error.html", context, user=user, status=403)


def _is_api(path: str) -> bool:
    return path == "/api" or path.startswith("/api/")


async def _not_found(request: Request, error: Exception) -> Response:
    """An unknown address outside the API: the page saying so; the API keeps its JSON."""
    assert isinstance(error, StarletteHTTPException)
    if error.status_code != 404 or _is_api(request.url.path):
        return await http_error(request, error)
    user = _signed_in(request, request.app.state.settings)
    context = {
        "title": "Page introuvable",
        "message": "Cette adresse ne correspond à aucune page : vérifier le lien ou revenir "
        "à l'accueil.",
    }
    return render(request, "error.html", context, user=user, status=404)


PAGE_ERROR_HANDLERS = {
    StarletteHTTPException: _not_found,
    SignInRequired: _sign_in_required,
    PageError: _page_error,
    CsrfRefused: _csrf_refused,
}
