"""Build departements_idf.csv and arrondissements_municipaux_idf.csv from raw/ (S2), with the
concours de la force publique authority of each département (see SOURCES.md, S5 and « Routing
data »). Python 3, standard library only: `python3 build_departements.py`."""

import csv
import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
RAW = HERE / "raw"

# COG "typeLiaison" (TNCC): how "Préfecture" joins the département's name.
LIAISON = {0: "de ", 1: "d'", 2: "du ", 3: "de la ", 4: "des ", 5: "de l'"}
ARTICLES = {2: "Le ", 3: "La ", 4: "Les ", 5: "L'"}

# Who grants the concours de la force publique (CPCE R. 153-1: « le préfet »). The domain
# reference (law.md) names the département's préfet; CSI L122-1 / L122-2 (S5) give the préfet de
# police internal security in Paris and public order in 92, 93 and 94, which does not settle who
# decides the concours there: routed to the département's préfecture, marked UNCONF.
PREFET_DE_POLICE_AREA = {
    "75": "CSI L122-1",
    "92": "CSI L122-2",
    "93": "CSI L122-2",
    "94": "CSI L122-2",
}


def _name(nom: str, liaison: int) -> str:
    article = ARTICLES.get(liaison, "")
    bare = nom[len(article) :] if article and nom.startswith(article) else nom
    return LIAISON[liaison] + bare


def build_departements() -> list[dict[str, str]]:
    departements = json.loads(
        (RAW / "decoupage_administratif_6.0.0_departements_idf.json").read_text("utf-8")
    )
    rows = []
    for dep in departements:
        code = dep["code"]
        prefecture = f"prefecture-{code}"
        if code in PREFET_DE_POLICE_AREA:
            status = "UNCONF"
            source = (
                f"CPCE R. 153-1 (le préfet) ; {PREFET_DE_POLICE_AREA[code]} (préfet de police : "
                "sécurité intérieure / ordre public). Le préfet de police pourrait être l'autorité "
                "du concours : non établi par les sources, routé par défaut à la préfecture."
            )
        else:
            status = "CONF"
            source = "CPCE R. 153-1 ; domain/law.md (le préfet du département décide du concours)"
        rows.append(
            {
                "departement": code,
                "nom": dep["nom"],
                "chef_lieu_insee": dep["chefLieu"],
                "prefecture_org_id": prefecture,
                "prefecture": f"Préfecture {_name(dep['nom'], dep['typeLiaison'])}",
                "concours_org_id": prefecture,
                "concours_statut": status,
                "concours_source": source,
            }
        )
    return rows


def build_arrondissements_municipaux() -> list[dict[str, str]]:
    communes = json.loads(
        (RAW / "decoupage_administratif_6.0.0_communes_idf.json").read_text("utf-8")
    )
    return [
        {
            "insee": c["code"],
            "name": c["nom"],
            "postal_codes": ";".join(c["codesPostaux"]),
            "population": str(c["population"]),
            "commune_insee": c["commune"],
            "departement": c["departement"],
        }
        for c in communes
        if c.get("type") == "arrondissement-municipal"
    ]


def _write(name: str, rows: list[dict[str, str]]) -> None:
    with (HERE / name).open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(f"{name}: {len(rows)} rows")


if __name__ == "__main__":
    _write("departements_idf.csv", build_departements())
    _write("arrondissements_municipaux_idf.csv", build_arrondissements_municipaux())
