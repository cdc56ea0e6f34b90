"""People using the pages in a real browser on the real stack: a bailleur opens a résiliation,
the parquet answers its information request from its inbox, the bailleur sees the answer, a
manager sees an overdue step; bad input is shown beside the fields. Every page is checked with
axe-core (no serious or critical violation) and photographed under var/screenshots/."""

from __future__ import annotations

import re
from datetime import timedelta

import httpx
from axe_playwright_python.async_playwright import Axe
from playwright.async_api import Browser, Page, expect

from domain.calendar import french_date
from quietude.procedures import today_in_paris
from tests.api.web.browser.live import SCREENSHOTS, LiveStack
from tests.builders import BAILLEUR, PARQUET, signalement_body

BLOCKING_IMPACTS = {"serious", "critical"}
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
TODAY = today_in_paris()
axe = Axe()


async def check_page(page: Page, name: str) -> None:
    """No serious or critical accessibility violation; a screenshot of the whole page."""
    results = await axe.run(page)
    blocking = [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v.get("impact") in BLOCKING_IMPACTS
    ]
    await page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
    assert blocking == [], f"{name}: {blocking}"


async def sign_in(browser: Browser, live: LiveStack, org: str, role: str, name: str) -> Page:
    """A new browser session signed in through the demonstration page."""
    context = await browser.new_context(base_url=live.base_url, locale="fr-FR")
    page = await context.new_page()
    await page.goto("/connexion")
    await expect(page.get_by_role("heading", name="Mode démonstration")).to_be_visible()
    await page.get_by_label("Organisation").select_option(org)
    await page.get_by_label("Rôle").select_option(role)
    await page.get_by_label("Votre nom").fill(name)
    await page.get_by_role("button", name="Se connecter en démonstration").click()
    return page


async def test_a_bailleur_opens_a_resiliation_and_the_parquet_answers_from_its_inbox(
    chromium: Browser, live: LiveStack
) -> None:
    context = await chromium.new_context(base_url=live.base_url, locale="fr-FR")
    page = await context.new_page()
    await page.goto("/connexion")
    await check_page(page, "01-connexion")
    await context.close()

    bailleur = await sign_in(chromium, live, BAILLEUR, "juriste", "Claire Juriste")
    await expect(bailleur.get_by_role("heading", name="Procédures", exact=True)).to_be_visible()
    await check_page(bailleur, "02-procedures")
    await bailleur.get_by_role("link", name="Nouvelle procédure").click()
    await check_page(bailleur, "03-nouvelle-procedure")
    await bailleur.get_by_role("link", name="Résiliation de bail").click()
    await bailleur.get_by_label("Nom de la résidence").fill("Résidence des Tilleuls")
    await bailleur.get_by_label("Adresse").fill("12 rue des Lilas")
    await bailleur.get_by_label("Commune").select_option("91228")
    await bailleur.get_by_label("Référence du logement").fill("LGT-0042")
    await bailleur.get_by_label("Référence du bail").fill("B-2019-0042")
    await bailleur.get_by_label("Date d'effet du bail").fill("2019-05-01")
    await bailleur.get_by_label("Nom (personne 1)").first.fill("Martin")
    await bailleur.get_by_label("Prénom (personne 1)").first.fill("Paul")
    await bailleur.get_by_label("Trafic de stupéfiants").check()
    await check_page(bailleur, "04-formulaire-resiliation")
    await bailleur.get_by_role("button", name="Engager la résiliation").click()

    await expect(bailleur).to_have_url(re.compile(r"/procedures/resiliation-\d{4}-\d{6}"))
    procedure_id = bailleur.url.split("/procedures/")[1].split("?")[0]
    await expect(bailleur.get_by_role("status")).to_contain_text("La procédure est ouverte")
    request = bailleur.get_by_role("article", name="Demande d'information au parquet")
    await expect(request).to_contain_text("Parquet du tribunal judiciaire")
    await expect(request).to_contain_text("1 mois à compter du")
    await expect(bailleur.get_by_role("article", name="Constitution du dossier")).to_contain_text(
        "Échéance"
    )
    await check_page(bailleur, "05-procedure-ouverte")

    parquet = await sign_in(chromium, live, PARQUET, "juriste", "Paul Parquet")
    await expect(parquet).to_have_url(re.compile(r"/corbeille$"))
    row = parquet.get_by_role("row").filter(has_text=procedure_id)
    await expect(row).to_contain_text("Demande d'information au parquet")
    await check_page(parquet, "06-corbeille-parquet")
    await row.get_by_role("link", name=re.compile("Répondre")).click()
    await expect(parquet.get_by_role("heading", level=1)).to_have_text(
        "Demande d'information au parquet (condamnations, décisions)"
    )
    joined = parquet.get_by_role("region", name="Documents joints")
    await expect(joined).to_contain_text("Demande d'information au parquet")
    await parquet.get_by_label("Intitulé").fill("Réponse du parquet")
    await parquet.get_by_label("Nature").select_option("courrier")
    await parquet.get_by_label("Fichier").set_input_files(
        {"name": "reponse.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    await parquet.get_by_role("button", name="Verser au dossier").click()
    await expect(parquet.get_by_role("status")).to_contain_text("La pièce est versée")
    await parquet.get_by_role("combobox", name=re.compile("^Résultat")).select_option("transmise")
    await parquet.get_by_label("Date de l'acte").fill(TODAY.isoformat())
    await parquet.get_by_label("Commentaire (facultatif)").fill("Deux condamnations en 2025.")
    await check_page(parquet, "07-reponse-parquet")
    await parquet.get_by_role("button", name="Enregistrer", exact=True).click()
    await expect(parquet).to_have_url(re.compile(r"/corbeille\?fait=etape"))
    await expect(parquet.get_by_role("status").first).to_contain_text("L'étape est enregistrée")
    await expect(parquet.get_by_role("link", name="À traiter")).to_have_attribute(
        "aria-current", "page"
    )

    await bailleur.reload()
    done = bailleur.get_by_role("table", name=re.compile("Étapes closes"))
    await expect(done).to_contain_text("Information transmise")
    await expect(done).to_contain_text("Deux condamnations en 2025.")
    pieces = bailleur.get_by_role("table", name=re.compile("Pièces du dossier"))
    await expect(pieces).to_contain_text("Réponse du parquet")
    await check_page(bailleur, "08-procedure-apres-reponse")


async def test_a_form_with_bad_input_shows_the_errors_beside_the_fields(
    chromium: Browser, live: LiveStack
) -> None:
    page = await sign_in(chromium, live, BAILLEUR, "juriste", "Claire Juriste")
    await page.goto("/procedures/nouvelle/resiliation")
    await page.get_by_label("Référence du logement").fill("LGT-0099")
    await page.get_by_label("Date d'effet du bail").fill("2019-05-01")
    await page.get_by_role("button", name="Engager la résiliation").click()

    await expect(page).to_have_title(re.compile("^Erreur : "))
    await expect(page.get_by_role("alert")).to_contain_text("Le formulaire contient des erreurs")
    reference = page.get_by_label("Référence du bail")
    await expect(reference).to_have_attribute("aria-invalid", "true")
    await expect(reference).to_have_accessible_description(re.compile("Champ requis"))
    await expect(page.get_by_label("Référence du logement")).to_have_value("LGT-0099")
    await expect(page.locator("#f-motifs-erreur")).to_have_text(
        re.compile("Cocher au moins un motif")
    )
    await check_page(page, "09-formulaire-erreurs")


async def test_a_manager_sees_an_imported_overdue_step_on_the_dashboard(
    chromium: Browser, live: LiveStack
) -> None:
    sent = TODAY - timedelta(days=120)
    body = signalement_body(
        destinataire="parquet",
        faits_le=f"{sent - timedelta(days=1)}T22:00:00+01:00",
        en_cours={"etape": "decision_parquet", "dates": {"transmission": sent.isoformat()}},
    )
    async with httpx.AsyncClient(base_url=live.base_url) as api:
        started = await api.post("/api/procedures", json=body, headers=live.bearer(BAILLEUR))
    assert started.status_code == 201, started.text
    imported = started.json()
    late = next(s for s in imported["steps"] if s["key"] == "decision_parquet")
    assert late["overdue"] is True

    manager = await sign_in(chromium, live, BAILLEUR, "manager", "Marc Manager")
    await manager.get_by_role("link", name="Tableau de bord").click()
    oldest = manager.get_by_role("table", name=re.compile("l'échéance la plus ancienne d'abord"))
    row = oldest.get_by_role("row").filter(has_text=imported["id"])
    await expect(row).to_contain_text("Décision du parquet")
    await expect(row).to_contain_text(french_date(TODAY.fromisoformat(late["due"])))
    await expect(
        manager.get_by_role("img", name="Étapes en attente et en retard par acteur")
    ).to_be_visible()
    await check_page(manager, "10-tableau-de-bord")

    await manager.get_by_role("link", name="À traiter").click()
    await check_page(manager, "11-corbeille-bailleur")
    export = await manager.request.get(live.base_url + "/tableau-de-bord.csv")
    assert imported["id"] in (await export.text())
