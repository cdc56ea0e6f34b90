"""The API answers 401 to a token without signature, expired, or for another issuer or
audience, whatever the route."""

from datetime import UTC, datetime, timedelta

import httpx
import jwt
import pytest

from quietude.settings import Settings
from tests.api.rows import BAILLEUR

PAST = datetime.now(UTC) - timedelta(hours=1)


def _token(settings: Settings, algorithm: str = "HS256", **changes: object) -> str:
    now = datetime.now(UTC)
    claims: dict[str, object] = {
        "sub": "admin@demo",
        "org": BAILLEUR,
        "role": "admin",
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
        "iat": now,
        "exp": now + timedelta(minutes=5),
    }
    claims.update(changes)
    key = "" if algorithm == "none" else settings.signing_secret()
    return jwt.encode(claims, key, algorithm=algorithm)


@pytest.mark.parametrize(
    ("algorithm", "changes"),
    [
        ("none", {}),
        ("HS256", {"exp": PAST, "iat": PAST - timedelta(hours=1)}),
        ("HS256", {"aud": "une-autre-application"}),
        ("HS256", {"iss": "un-autre-emetteur"}),
    ],
    ids=["alg-none", "expire", "audience", "emetteur"],
)
@pytest.mark.parametrize("path", ["/api/procedures", "/api/access-log", "/api/tasks"])
async def test_refused_tokens_get_401(
    client: httpx.AsyncClient, settings: Settings, algorithm: str, changes: dict, path: str
) -> None:
    headers = {"Authorization": f"Bearer {_token(settings, algorithm, **changes)}"}
    response = await client.get(path, headers=headers)
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")
    # The good token of the same shape is accepted: the refusal is about the change alone.
    good = {"Authorization": f"Bearer {_token(settings)}"}
    assert (await client.get(path, headers=good)).status_code == 200
