"""Create the initial Word templates of templates/docx (bootstrap; the .docx are the source).

Run from the repository: `.venv/bin/python tools/make_templates.py [names…]`.
"""

from __future__ import annotations

import argparse
import logging
from collections.abc import Callable
from pathlib import Path

from diagnostic_template import DIAGNOSTIC_TEMPLATES
from docx.document import Document as DocumentObject
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.shared import Cm
from docx_layout import (
    fields_table,
    footer,
    loop_table,
    new_document,
    paragraph,
    repeat_header,
    shade,
    write,
)
from intervention_templates import INTERVENTION_TEMPLATES
from plainte_templates import PLAINTE_TEMPLATES
from resiliation_templates import RESILIATION_TEMPLATES

logger = logging.getLogger("make_templates")

TEMPLATES_DIR = Path(__file__).resolve().parents[1] / "templates" / "docx"
# The lines that open the documents built from the read model: which procedure, about what.
PROCEDURE_FIELDS = [
    ("Procédure", "n° {{ procedure.id }} — {{ procedure.kind_label }}"),
    ("Objet", "{{ procedure.title }}"),
    ("Bailleur", "{{ bailleur }}"),
    ("Résidence", "{{ procedure.residence_nom }}, {{ commune }}"),
]


def fiche_signalement() -> DocumentObject:
    """The fiche de signalement sent to the forces and/or the parquet."""
    document = new_document("Fiche de signalement")
    document.add_paragraph("Fiche de signalement", style="Title")
    document.add_paragraph("Procédure n° {{ procedure_id }}")
    document.add_paragraph("Transmise le {{ transmis_le | date_fr }}")
    document.add_paragraph("Émetteur et destinataires", style="Heading 1")
    fields_table(
        document,
        [
            ("Bailleur", "{{ bailleur }}"),
            ("Destinataire", "{{ facts.destinataire | label }}"),
            ("Organisme(s) destinataire(s)", '{{ destinataires | join(", ") }}'),
        ],
    )
    document.add_paragraph("Lieu des faits", style="Heading 1")
    fields_table(
        document,
        [
            ("Résidence", "{{ facts.residence.nom }}"),
            ("Adresse", "{{ facts.residence.adresse }}"),
            ("Commune", "{{ commune }} (code INSEE {{ facts.residence.commune_insee }})"),
            ("Bâtiment", '{{ facts.residence.batiment | default("—", true) }}'),
            ("Hall", '{{ facts.residence.hall | default("—", true) }}'),
        ],
    )
    document.add_paragraph("Faits signalés", style="Heading 1")
    fields_table(
        document,
        [
            ("Catégorie", "{{ facts.categorie | label }}"),
            ("Date et heure des faits", "{{ facts.faits_le | date_fr }}"),
            ("Source du signalement", "{{ facts.source | label }}"),
        ],
    )
    document.add_paragraph("Description des faits", style="Heading 1")
    document.add_paragraph("{{ facts.description }}")
    document.add_paragraph("{%p if facts.personnes %}")
    document.add_paragraph("Personnes concernées", style="Heading 1")
    persons = document.add_table(rows=4, cols=3)
    persons.style = document.styles["Table Grid"]
    persons.alignment = WD_TABLE_ALIGNMENT.CENTER
    rows = (
        ("Nom", "Prénom", "Locataire"),
        ("{%tr for personne in facts.personnes %}", "", ""),
        ("{{ personne.nom }}", "{{ personne.prenom or '' }}", "{{ personne.locataire | oui_non }}"),
        ("{%tr endfor %}", "", ""),
    )
    for index, texts in enumerate(rows):
        for cell, text in zip(persons.rows[index].cells, texts, strict=True):
            write(cell, text, bold=index == 0)
            if index == 0:
                shade(cell)
    repeat_header(persons)
    document.add_paragraph("{%p endif %}")
    footer(document)
    return document


def procedure_document(name: str, title: str, fields: list[tuple[str, str]]) -> DocumentObject:
    """A document on one procedure: its title, then which procedure and `fields`."""
    document = new_document(name)
    document.add_paragraph(title, style="Title")
    fields_table(document, [*PROCEDURE_FIELDS, *fields])
    return document


def bordereau_pieces() -> DocumentObject:
    """The numbered list of the file: the letters the procedure produced, then the exhibits."""
    document = procedure_document(
        "Bordereau de pièces",
        "Bordereau de communication de pièces",
        [
            ("Établi le", "{{ date_document | date_fr }}"),
            ("Nombre de pièces", "{{ bordereau | length }}"),
        ],
    )
    document.add_paragraph("{%p if bordereau %}")
    loop_table(
        document,
        [
            ("N°", "{{ piece.numero }}", Cm(1.2)),
            ("Intitulé", "{{ piece.title }}", Cm(6.8)),
            ("Nature", "{{ piece.kind_label }}", Cm(3)),
            ("Date", "{{ piece.date | date_fr }}", Cm(3)),
            ("Empreinte SHA-256", "{{ piece.sha256_court }}", Cm(3)),
        ],
        "piece in bordereau",
        size=9,
    )
    document.add_paragraph()
    paragraph(
        document,
        "Les courriers produits au cours de la procédure précèdent les pièces versées au "
        "dossier. Dans le dossier transmis (.zip), chaque pièce est le fichier qui commence par "
        "son numéro. L'empreinte SHA-256 (ses douze premiers caractères) permet de vérifier que "
        "chaque pièce communiquée est identique à celle conservée au dossier.",
        size=8,
    )
    document.add_paragraph("{%p else %}")
    paragraph(document, "Aucune pièce n'a été versée au dossier.")
    document.add_paragraph("{%p endif %}")
    footer(document)
    return document


def recapitulatif_procedure() -> DocumentObject:
    """The whole timeline of a procedure: steps, due dates and their legal basis, events."""
    document = procedure_document(
        "Récapitulatif de procédure",
        "Récapitulatif de la procédure",
        [
            ("Ouverte le", "{{ procedure.created_on | date_fr }}"),
            ("État", "{{ procedure.status_label }}{% if procedure.closed_on %} depuis le "
                     "{{ procedure.closed_on | date_fr }}{% endif %}"),
            ("Établi le", "{{ date_document | date_fr }}"),
        ],
    )  # fmt: skip
    document.add_paragraph("Étapes", style="Heading 1")
    loop_table(
        document,
        [
            ("Étape", "{{ etape.label }}", Cm(3.4)),
            ("Acteur", "{{ etape.actor_label }} — {{ etape.org }}", Cm(3)),
            ("Ouverte le", "{{ etape.opened_on | date_fr }}", Cm(2.2)),
            (
                "Échéance",
                '{{ etape.due | date_fr | default("—", true) }}'
                "{% if etape.overdue %} (dépassée){% endif %}",
                Cm(2.2),
            ),
            (
                "Fondement et calcul du délai",
                "{{ etape.legal_basis }}"
                "{% if etape.legal_basis and etape.due_explanation %} — {% endif %}"
                "{{ etape.due_explanation }}",
                Cm(3.4),
            ),
            (
                "Issue",
                "{{ etape.status_label }}{% if etape.outcome %} : {{ etape.outcome_label }}"
                "{% endif %}{% if etape.implicite %} (implicite){% endif %}"
                "{% if etape.completed_on %}, le {{ etape.completed_on | date_fr }}"
                "{% endif %}",
                Cm(2.8),
            ),
        ],
        "etape in steps",
        size=8,
    )
    document.add_paragraph()
    document.add_paragraph("{%p if milestones %}")
    document.add_paragraph("Dates légales", style="Heading 1")
    loop_table(
        document,
        [
            ("Date", "{{ repere.date | date_fr }}", Cm(3.4)),
            ("Repère", "{{ repere.label }}", Cm(6.6)),
            (
                "Fondement et calcul",
                "{{ repere.legal_basis }}"
                "{% if repere.legal_basis and repere.explanation %} — {% endif %}"
                "{{ repere.explanation }}",
                Cm(7),
            ),
        ],
        "repere in milestones",
        size=8,
    )
    document.add_paragraph()
    document.add_paragraph("{%p endif %}")
    document.add_paragraph("Chronologie", style="Heading 1")
    loop_table(
        document,
        [
            ("Date", "{{ evenement.at | date_fr }}", Cm(4.6)),
            ("Événement", "{{ evenement.message }}", Cm(8)),
            ("Organisation", "{{ evenement.org }}", Cm(4.4)),
        ],
        "evenement in events",
        size=8,
    )
    document.add_paragraph()
    paragraph(
        document,
        "Pièces versées au dossier : {{ pieces | length }} (voir le bordereau de pièces).",
    )
    footer(document)
    return document


TEMPLATES: dict[str, Callable[[], DocumentObject]] = {
    "fiche_signalement": fiche_signalement,
    "bordereau_pieces": bordereau_pieces,
    "recapitulatif_procedure": recapitulatif_procedure,
    **PLAINTE_TEMPLATES,
    **RESILIATION_TEMPLATES,
    **DIAGNOSTIC_TEMPLATES,
    **INTERVENTION_TEMPLATES,
}


def main() -> None:
    """Write the named templates (all by default) into the output folder (templates/docx)."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--output", type=Path, default=TEMPLATES_DIR)
    parser.add_argument("names", nargs="*", help=f"modèles à créer parmi {', '.join(TEMPLATES)}")
    arguments = parser.parse_args()
    unknown = set(arguments.names) - set(TEMPLATES)
    if unknown:
        parser.error(f"modèle inconnu : {', '.join(sorted(unknown))}")
    arguments.output.mkdir(parents=True, exist_ok=True)
    for name in arguments.names or TEMPLATES:
        path = arguments.output / f"{name}.docx"
        TEMPLATES[name]().save(str(path))
        logger.info("modèle écrit : %s", path)


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    main()
