"""The search of the procedure list and of the inbox, on the pages."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from store import queries
from tests.api.rows import BAILLEUR, PARQUET
from tests.api.search_rows import RESILIATION, SIGNALEMENT, project_mimosas
from tests.api.web.browsing import Browser


@pytest.mark.usefixtures("searched")
async def test_the_inbox_has_a_search_by_what_its_organisation_may_read(browser: Browser) -> None:
    await browser.sign_in(PARQUET, "juriste")
    everything = await browser.http.get("/corbeille")
    assert 'name="q"' in everything.text
    assert "noms et références que la procédure" in everything.text
    tenant = await browser.http.get("/corbeille", params={"q": "quiétudetest"})
    assert RESILIATION in tenant.text and SIGNALEMENT not in tenant.text
    assert "1 étape en attente (sur 2)" in tenant.text
    assert 'value="quiétudetest"' in tenant.text
    hidden = await browser.http.get("/corbeille", params={"q": "Durand"})
    assert SIGNALEMENT not in hidden.text
    assert "Aucune étape en attente pour ces filtres" in hidden.text


@pytest.mark.usefixtures("searched")
async def test_the_list_finds_a_commune_without_its_accents(browser: Browser) -> None:
    await browser.sign_in(BAILLEUR, "juriste")
    page = await browser.http.get("/procedures", params={"q": "evry"})
    assert RESILIATION in page.text and SIGNALEMENT not in page.text
    assert "référence du logement ou du bail" in page.text
    lease = await browser.http.get("/procedures", params={"q": "B-2019-0042"})
    assert RESILIATION in lease.text and "1 procédure correspondant aux filtres" in lease.text


@pytest.mark.usefixtures("searched")
async def test_an_agent_is_not_offered_a_search_by_names(browser: Browser) -> None:
    await browser.sign_in(BAILLEUR, "agent")
    page = await browser.http.get("/procedures", params={"q": "quietudetest"})
    assert RESILIATION not in page.text and "0 procédure" in page.text
    assert "Numéro, résidence, adresse, commune…" in page.text


async def test_the_list_page_asks_to_narrow_a_search_past_the_cap(
    browser: Browser, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    project_mimosas(engine)
    monkeypatch.setattr(queries, "COUNT_CAP", 3)
    await browser.sign_in(BAILLEUR, "juriste")
    page = await browser.http.get("/procedures", params={"q": "mimosas"})
    assert "Plus de 3 procédures correspondent à la recherche" in page.text
    assert "ajoutez un mot" in page.text
    exact = await browser.http.get("/procedures", params={"q": "mimosas etampes"})
    assert "Plus de" not in exact.text
    assert "3 procédures correspondant aux filtres" in exact.text
