"""A CSV export of 50 résiliation dossiers in progress (and 3 bad lines), what the stack must
show of each once imported, and `quietude import` run against a stack in a subprocess."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import os
import sys
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from quietude.procedures import today_in_paris
from tests.builders import BAILLEUR
from tests.fixtures import REPO
from tests.integration.stack import Stack

TODAY = today_in_paris()
RECENT = TODAY - timedelta(days=3)
PARQUET_STEP = "demande_information_parquet"

# Acts of 2026, long past whatever day the test runs: their deadlines have expired.
PRE_CONTENTIEUX = {
    "date_constitution_dossier": "2026-01-05",
    "date_demande_information_parquet": "2026-01-28",
    "resultat_demande_information_parquet": "aucune_information",
    "date_mise_en_demeure": "2026-01-20",
    "date_delai_mise_en_demeure": "2026-02-25",
}


def summoned(hearing: date, **cells: str) -> dict[str, str]:
    """Acts up to an assignation that fixed the hearing on `hearing`."""
    return PRE_CONTENTIEUX | {
        "date_assignation": "2026-03-16",
        "resultat_assignation": "delivree",
        "donnees_assignation": json.dumps({"audience": hearing.isoformat()}),
        **cells,
    }


JUDGED = summoned(
    date(2026, 5, 4),
    date_audience="2026-05-04",
    resultat_audience="tenue",
    date_jugement="2026-06-01",
    resultat_jugement="resiliation_prononcee",
    donnees_jugement='{"delai_deux_mois": "maintenu"}',
)
ORDERED = JUDGED | {
    "date_signification_jugement": "2026-06-10",
    "date_commandement_quitter_les_lieux": "2026-06-15",
    "date_information_prefet_ccapex": "2026-06-16",
}
INJONCTION = {"origine": "injonction_prefet", "injonction_date": "2026-03-02"}


@dataclass(frozen=True)
class Profile:
    """A dossier at some step, and what the stack must show once it is imported."""

    etape: str
    overdue: bool
    pending: set[str]  # pending steps, besides the parquet's parallel answer
    cells: dict[str, str] = field(default_factory=dict)


PROFILES = [
    Profile("constitution_dossier", False, {"constitution_dossier"}),
    Profile("mise_en_demeure", True, {"mise_en_demeure"},
            {"date_constitution_dossier": "2026-02-02"}),
    Profile("mise_en_demeure", False, {"mise_en_demeure"},
            {"date_constitution_dossier": RECENT.isoformat()}),
    Profile("delai_mise_en_demeure", True, {"delai_mise_en_demeure"},
            {"date_constitution_dossier": "2026-01-05", "date_mise_en_demeure": "2026-01-20"}),
    Profile("assignation", True, {"assignation"}, PRE_CONTENTIEUX),
    Profile("assignation", True, {"assignation"}, PRE_CONTENTIEUX | {
        "donnees_delai_mise_en_demeure": '{"offre_relogement": true}',
        "date_envoi_offre_relogement": "2026-02-27",
        "date_reponse_offre_relogement": "2026-03-10",
        "resultat_reponse_offre_relogement": "refusee"}),
    # The tenant's month runs from the sending of the offer (CCH L. 442-4-1).
    Profile("reponse_offre_relogement", False, {"reponse_offre_relogement"}, PRE_CONTENTIEUX | {
        "date_delai_mise_en_demeure": RECENT.isoformat(),
        "donnees_delai_mise_en_demeure": '{"offre_relogement": true}',
        "date_envoi_offre_relogement": RECENT.isoformat()}),
    # The tenant's silence for a month is a refusal: the dossier moves on to the assignation.
    Profile("reponse_offre_relogement", True, {"assignation"}, PRE_CONTENTIEUX | {
        "donnees_delai_mise_en_demeure": '{"offre_relogement": true}',
        "date_envoi_offre_relogement": "2026-03-02"}),
    Profile("audience", False, {"audience"}, summoned(TODAY + timedelta(days=60))),
    Profile("audience", False, {"audience"}, summoned(
        TODAY + timedelta(days=60), impayes="oui", date_saisine_ccapex="2026-01-12",
        date_notification_prefet_assignation="2026-03-20")),
    # Arrears: the préfet had to be notified 6 weeks before a hearing now 20 days away.
    Profile("audience", True, {"audience", "notification_prefet_assignation"},
            summoned(TODAY + timedelta(days=20), impayes="oui", date_saisine_ccapex="2026-01-12")),
    Profile("audience", True, {"audience"}, summoned(date(2026, 5, 4))),
    Profile("jugement", False, {"jugement"}, summoned(
        date(2026, 5, 4), date_audience="2026-05-04", resultat_audience="tenue")),
    Profile("signification_jugement", True, {"signification_jugement"}, JUDGED),
    Profile("commandement_quitter_les_lieux", True, {"commandement_quitter_les_lieux"},
            JUDGED | {"date_signification_jugement": "2026-07-01"}),
    # The préfet and the CCAPEX are to be informed as soon as the commandement is served.
    Profile("information_prefet_ccapex", True, {"information_prefet_ccapex"},
            JUDGED | {"date_signification_jugement": "2026-07-01",
                      "date_commandement_quitter_les_lieux": "2026-08-03"}),
    Profile("requisition_force_publique", True, {"requisition_force_publique"}, ORDERED),
    # Two months of silence from the préfet are a refusal: the bailleur may seek damages, and
    # renew its réquisition (not due: its choice).
    Profile("decision_concours_force_publique", False,
            {"recours_indemnitaire", "requisition_force_publique"},
            ORDERED | {"date_requisition_force_publique": "2026-09-01"}),
    Profile("decision_concours_force_publique", False, {"decision_concours_force_publique"},
            ORDERED | {"date_requisition_force_publique": RECENT.isoformat()}),
    Profile("recours_indemnitaire", False, {"recours_indemnitaire", "requisition_force_publique"},
            ORDERED | {
        "date_requisition_force_publique": "2026-09-01",
        "date_decision_concours_force_publique": "2026-10-01",
        "resultat_decision_concours_force_publique": "refuse"}),
    Profile("cloture", False, {"cloture"}, PRE_CONTENTIEUX | {
        "resultat_delai_mise_en_demeure": "troubles_cesses"}),
    Profile("reponse_injonction", False, {"reponse_injonction"},
            {"origine": "injonction_prefet", "injonction_date": RECENT.isoformat()}),
    # Silence of the bailleur for 15 days is a refusal: the préfet may take its place.
    Profile("reponse_injonction", False, {"substitution_prefet"}, INJONCTION),
    Profile("saisine_juge_apres_injonction", False, {"substitution_prefet"}, INJONCTION | {
        "date_reponse_injonction": "2026-03-10"}),
    Profile("saisine_juge_apres_injonction", False, {"saisine_juge_apres_injonction"}, {
        "origine": "injonction_prefet",
        "injonction_date": (RECENT - timedelta(days=5)).isoformat(),
        "date_reponse_injonction": RECENT.isoformat(), "resultat_reponse_injonction": "acceptee"}),
]  # fmt: skip

RESIDENCES = [
    ("Résidence des Tilleuls", "12 rue des Lilas", "91228"),
    ("Les Hauts de Seine", "9 rue Pasteur", "91174"),
    ("Résidence du Parc", "4 allée des Cèdres", "91286"),
    ("Le Clos Fleuri", "27 avenue de la République", "91377"),
    ("Les Terrasses", "3 place du Marché", "91521"),
    ("Résidence Belle Vue", "15 rue des Bergères", "91692"),
]
NAMES = [
    "DUPONT, Jean", "MARTIN, Sophie", "N'DIAYE, Awa", "LEROY, Karim", "MOREAU, Inès",
    "BERNARD, Lucas", "PETIT, Fatou", "ROUX, Hugo", "FONTAINE, Chloé", "MERCIER, Yanis",
    "GARNIER, Lina", "CHEVALIER, Rayan", "FAURE, Manon",
]  # fmt: skip
MOTIFS = ["trafic_stupefiants", "troubles_jouissance", "troubles_jouissance|agression_personnel"]
# Line in the file of each bad line (the header is line 1), and what the report must say.
BAD_LINES = {
    12: "Commune inconnue : 33063 — le département 33 n'est pas servi",
    27: "bail_date_effet : date invalide « 31/02/2019 » (AAAA-MM-JJ ou JJ/MM/AAAA)",
    41: "Date manquante pour l'étape déjà accomplie « Délai laissé après la mise en demeure »",
}
DOSSIERS = 50


def dossier_row(n: int, profile: Profile) -> dict[str, str]:
    """The cells of the n-th dossier, at the step of `profile`."""
    nom, adresse, insee = RESIDENCES[n % len(RESIDENCES)]
    return {
        "reference_logement": f"LGT-{n:04d}",
        "residence_nom": nom,
        "adresse": adresse,
        "commune_insee": insee,
        "batiment": "ABC"[n % 3],
        "hall": str(1 + n % 4),
        "bail_reference": f"B-{2010 + n % 12}-{n:04d}",
        "bail_date_effet": f"{1 + n % 28:02d}/0{1 + n % 9}/{2010 + n % 12}",
        "locataires": NAMES[n % len(NAMES)],
        "occupants": NAMES[(n + 5) % len(NAMES)] if n % 4 == 0 else "",
        "motifs": MOTIFS[n % len(MOTIFS)],
        "etape": profile.etape,
        **profile.cells,
    }


def bad_row(line: int) -> dict[str, str]:
    """A dossier that must be refused, by the kind of mistake of `line`."""
    cells = dossier_row(900 + line, PROFILES[4])
    if line == 12:
        cells["commune_insee"] = "33063"  # Bordeaux: a département not served
    elif line == 27:
        cells["bail_date_effet"] = "31/02/2019"
    else:
        del cells["date_delai_mise_en_demeure"]
    return cells


def build_file() -> tuple[bytes, dict[int, Profile]]:
    """The CSV export and the profile of the dossier on each good line."""
    rows: list[dict[str, str]] = []
    expected: dict[int, Profile] = {}
    for line in range(2, DOSSIERS + len(BAD_LINES) + 2):
        if line in BAD_LINES:
            rows.append(bad_row(line))
            continue
        profile = PROFILES[len(expected) % len(PROFILES)]
        expected[line] = profile
        rows.append(dossier_row(line, profile))
    columns = list(dict.fromkeys(name for r in rows for name in r))
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(columns)
    writer.writerows([[r.get(name, "") for name in columns] for r in rows])
    return b"\xef\xbb\xbf" + out.getvalue().encode(), expected


async def run_import(
    stack: Stack, path: Path, *options: str, org: str = BAILLEUR
) -> tuple[int, list[str], str]:
    """`quietude import` in a subprocess against the stack: exit code, report lines, log."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("QUIETUDE_")}
    env |= {
        "QUIETUDE_DATABASE_URL": stack.settings.database_url,
        "QUIETUDE_TEMPORAL_ADDRESS": stack.client.service_client.config.target_host,
        "QUIETUDE_TASK_QUEUE": stack.settings.task_queue,
        "QUIETUDE_VAR_DIR": str(path.parent / "var"),
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "quietude.cli", "import", str(path), "--org", org, *options,
        cwd=REPO, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    stdout, stderr = await asyncio.wait_for(process.communicate(), timeout=120)
    assert process.returncode is not None
    return process.returncode, stdout.decode().splitlines(), stderr.decode()
