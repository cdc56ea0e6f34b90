"""Word template of the plainte: the record of the filing data, with the complainant's rights."""

from __future__ import annotations

from collections.abc import Callable

from docx.document import Document as DocumentObject
from docx.shared import Cm, Pt
from docx_layout import fields_table, footer, loop_table, new_document, paragraph

FAITS = "facts.faits"
RESIDENCE = "facts.residence"
PLAIGNANT = "facts.plaignant"
# The délai when the context carries no computed prescription: the same table as the domain's
# prescription() (CPP 7 to 9; 706-26 for drug trafficking), so that the document never lacks it.
PRESCRIPTION_FALLBACK = (
    "{% if " + FAITS + ".trafic_stupefiants and " + FAITS + ".qualification != 'contravention' %}"
    "{{ {'delit': '20 ans', 'crime': '30 ans'}[" + FAITS + ".qualification] }} à compter des faits"
    " (art. 706-26 CPP){% else %}"
    "{{ {'contravention': '1 an', 'delit': '6 ans', 'crime': '20 ans'}["
    + FAITS
    + ".qualification] }} à compter des faits (art. 7 à 9 CPP){% endif %}"
)


def _right(document: DocumentObject, title: str, text: str) -> None:
    """A paragraph of the rights: a bold lead-in, then the text (each a single run)."""
    added = paragraph(document)
    added.runs[0].text = f"{title}\u00a0: "
    added.runs[0].bold = True
    added.add_run(text)


def _plaignant(document: DocumentObject) -> None:
    document.add_paragraph("Plaignant", style="Heading 1")
    document.add_paragraph("{%p if " + PLAIGNANT + ".type == 'agent_victime' %}")
    fields_table(
        document,
        [
            ("Qualité", "Agent du bailleur victime des faits, avec le soutien de son employeur"),
            ("Nom", "{{ " + PLAIGNANT + ".nom }}"),
            ("Prénom", "{{ " + PLAIGNANT + '.prenom | default("—", true) }}'),
            ("Employeur", "{{ bailleur }}"),
            (
                "Adresse déclarée",
                "{% if " + PLAIGNANT + ".adresse_employeur %}Domiciliation chez l'employeur "
                "(art. 40-4-1 CPP){% else %}Adresse personnelle, déclarée au service "
                "enquêteur{% endif %}",
            ),
        ],
    )
    document.add_paragraph("{%p else %}")
    fields_table(
        document,
        [
            ("Plaignant", "{{ bailleur }}"),
            ("Qualité", "Personne morale (le bailleur, pour son propre préjudice)"),
        ],
    )
    document.add_paragraph("{%p endif %}")


def _faits(document: DocumentObject) -> None:
    document.add_paragraph("Lieu des faits", style="Heading 1")
    fields_table(
        document,
        [
            ("Résidence", "{{ " + RESIDENCE + ".nom }}"),
            ("Adresse", "{{ " + RESIDENCE + ".adresse }}"),
            ("Commune", "{{ commune }} (code INSEE {{ " + RESIDENCE + ".commune_insee }})"),
            ("Bâtiment", "{{ " + RESIDENCE + '.batiment | default("—", true) }}'),
            ("Hall", "{{ " + RESIDENCE + '.hall | default("—", true) }}'),
        ],
    )
    document.add_paragraph("Faits", style="Heading 1")
    fields_table(
        document,
        [
            ("Catégorie", "{{ " + FAITS + ".categorie | label }}"),
            ("Date et heure des faits", "{{ " + FAITS + ".le | date_fr }}"),
            ("Qualification", "{{ " + FAITS + ".qualification | label }}"),
            ("Trafic de stupéfiants", "{{ " + FAITS + ".trafic_stupefiants | oui_non }}"),
        ],
    )
    heading = paragraph(document, "Description des faits", bold=True, align=None, after=2)
    heading.paragraph_format.keep_with_next = True
    # Left-aligned: a justified line ending in a typed line break is stretched across the page.
    paragraph(document, "{{ " + FAITS + ".description }}", align=None)
    document.add_paragraph("{%p if facts.mis_en_cause %}")
    document.add_paragraph("Personnes mises en cause", style="Heading 1")
    loop_table(
        document,
        [
            ("Nom", "{{ personne.nom }}", Cm(6)),
            ("Prénom", "{{ personne.prenom or '' }}", Cm(6)),
            ("Locataire", "{{ personne.locataire | oui_non }}", Cm(5)),
        ],
        "personne in facts.mis_en_cause",
    )
    document.add_paragraph()
    document.add_paragraph("{%p endif %}")


def _droits(document: DocumentObject) -> None:
    document.add_paragraph("Vos droits", style="Heading 1")
    _right(
        document,
        "Délai de prescription de l'action publique",
        "{% if prescription and prescription.regle %}{{ prescription.regle }}{% else %}"
        + PRESCRIPTION_FALLBACK
        + "{% endif %}."
        "{% if prescription and prescription.date %} Sauf interruption, l'action publique sera "
        "prescrite à l'expiration du {{ prescription.date | date_fr }}.{% endif %}"
        " Les délais sont d'un an pour une contravention, six ans pour un délit et vingt "
        "ans pour un crime\u00a0; en matière de trafic de stupéfiants, vingt ans pour un délit "
        "et trente ans pour un crime (art. 7 à 9 et 706-26 CPP). Tout acte d'enquête, "
        "d'instruction ou de poursuite interrompt la prescription et fait courir un nouveau "
        "délai (art. 9-2 CPP).",
    )
    _right(
        document,
        "Plainte avec constitution de partie civile",
        "pour un délit, vous pourrez vous constituer partie civile devant le juge d'instruction "
        "lorsque trois mois se seront écoulés depuis le dépôt de votre plainte devant le "
        "procureur de la République, ou depuis l'envoi à ce magistrat d'une copie de la plainte "
        "déposée auprès d'un service de police judiciaire, contre récépissé ou par lettre "
        "recommandée avec demande d'avis de réception\u00a0; ou plus tôt, si le procureur "
        "vous fait connaître qu'il n'engagera pas lui-même de poursuites (art. 85 CPP)."
        "{% if facts.canal != 'courrier_procureur' %} Pour faire courir ce délai, adressez au "
        "procureur de la République une copie de la présente plainte par lettre recommandée "
        "avec demande d'avis de réception.{% endif %}"
        "{% if " + FAITS + ".qualification == 'crime' %} Pour un crime, la constitution de "
        "partie civile n'est pas subordonnée à ce délai.{% endif %}",
    )
    _right(
        document,
        "Information sur les suites",
        "le procureur de la République vous avisera des poursuites ou des mesures alternatives "
        "aux poursuites décidées, ou du classement sans suite de la procédure et de ses motifs "
        "(art. 40-2 CPP).",
    )
    _right(
        document,
        "Recours contre un classement sans suite",
        "vous pourrez former un recours auprès du procureur général près la cour d'appel\u00a0; ce "
        "recours n'est enfermé dans aucun délai (art. 40-3 CPP).",
    )


def recepisse_depot_plainte() -> DocumentObject:
    """The record of a plainte's filing (CPP 15-3): service, numbers, facts and rights."""
    document = new_document("Récépissé de dépôt de plainte")
    document.add_paragraph(
        "Récépissé de dépôt de plainte — données d'enregistrement", style="Title"
    )
    note = paragraph(
        document,
        "Données d'enregistrement de la plainte, établies d'après le dépôt consigné par le "
        "service qui l'a reçue (art. 15-3 du code de procédure pénale).",
        size=9,
    )
    note.paragraph_format.space_after = Pt(12)
    document.add_paragraph("Enregistrement", style="Heading 1")
    fields_table(
        document,
        [
            ("Procédure Quiétude", "n° {{ procedure_id }}"),
            ("N° de procédure du service", "{{ depot.numero_procedure }}"),
            ("Date du dépôt", "{{ depot.date | date_fr }}"),
            ("Service ayant enregistré la plainte", "{{ service }}"),
            ("Mode de dépôt", "{{ facts.canal | label }}"),
            ("Bailleur", "{{ bailleur }}"),
            ("Établi le", "{{ date_document | date_fr }}"),
        ],
    )
    _plaignant(document)
    _faits(document)
    _droits(document)
    footer(document)
    return document


PLAINTE_TEMPLATES: dict[str, Callable[[], DocumentObject]] = {
    "recepisse_depot_plainte": recepisse_depot_plainte,
}
