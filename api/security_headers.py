"""Security headers on every response; API answers are never cached (they carry personal data)."""

from __future__ import annotations

from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp

# Server-rendered pages: scripts and styles from the app only, no inline script, no framing.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'; object-src 'none'"
)
HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
}
# The interactive documentation loads its scripts from a CDN and runs an inline one.
DOCS_PATHS = ("/docs", "/redoc")


class SecurityHeaders(BaseHTTPMiddleware):
    """Adds the security headers, and `Cache-Control: no-store` under /api and on pages."""

    def __init__(self, app: ASGIApp) -> None:
        super().__init__(app)

    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        """Answer the request, then set the headers its response lacks."""
        response = await call_next(request)
        path = request.url.path
        for name, value in HEADERS.items():
            if name == "Content-Security-Policy" and path.startswith(DOCS_PATHS):
                continue
            response.headers.setdefault(name, value)
        if not path.startswith("/static"):
            response.headers["Cache-Control"] = "no-store"
        return response
