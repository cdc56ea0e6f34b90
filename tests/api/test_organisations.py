"""The organisations of the convention."""

import httpx

from tests.api.rows import BAILLEUR, GENDARMERIE, PARQUET, POLICE_EVRY
from tests.fixtures import Tokens


async def test_organisations_lists_every_party_without_mailboxes(
    client: httpx.AsyncClient, auth: Tokens
) -> None:
    response = await client.get("/api/organisations", headers=auth(POLICE_EVRY))
    assert response.status_code == 200
    organisations = {org["id"]: org for org in response.json()}
    assert {BAILLEUR, GENDARMERIE, PARQUET, POLICE_EVRY, "prefecture-91"} <= set(organisations)
    assert organisations[PARQUET]["kind"] == "parquet"
    assert organisations[GENDARMERIE]["kind"] == "gendarmerie"
    assert set(organisations[POLICE_EVRY]) == {"id", "kind", "name", "territory"}
    assert "Évry-Courcouronnes" in organisations[POLICE_EVRY]["territory"]
