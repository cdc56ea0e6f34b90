"""Reading and filling the pages as a browser would: the CSRF token of a form, a signed-in
client keeping its cookies."""

from __future__ import annotations

import re

import httpx

CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def csrf_of(html: str) -> str:
    """The CSRF token of the first form of a page."""
    found = CSRF.search(html)
    assert found, "no form with a CSRF token on this page"
    return found.group(1)


class Browser:
    """An HTTP client keeping cookies, as a browser on the machine itself would."""

    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http

    async def sign_in(self, org: str, role: str = "juriste", name: str = "") -> httpx.Response:
        """Sign in through the demonstration page."""
        page = await self.http.get("/connexion")
        form = {"csrf": csrf_of(page.text), "org": org, "role": role, "nom": name}
        return await self.http.post("/connexion", data=form)

    async def submit(
        self, path: str, form: dict[str, str], page: str | None = None
    ) -> httpx.Response:
        """Post `form` to `path` with the CSRF token of the forms of `page` (default: `path`)."""
        token = await self.form_token(page or path)
        return await self.http.post(path, data={"csrf": token, **form})

    async def form_token(self, path: str) -> str:
        """The CSRF token of the forms of the page at `path`."""
        page = await self.http.get(path)
        assert page.status_code == 200, page.text
        return csrf_of(page.text)
