"""The Word template of the local diagnostic report (diagnostic_local) for a CLSPD meeting."""

from __future__ import annotations

from docx.document import Document as DocumentObject
from docx.shared import Cm
from docx_layout import fields_table, footer, loop_table, new_document, paragraph


def _chart(document: DocumentObject, name: str) -> None:
    document.add_paragraph("{{ " + name + " }}")


def diagnostic_local() -> DocumentObject:
    """Figures of a territory over a period: summary, categories, times, outcomes, halls."""
    document = new_document("Diagnostic local")
    document.add_paragraph("Diagnostic local de sécurité et de tranquillité", style="Title")
    fields_table(
        document,
        [
            ("Territoire", "{{ territoire }}"),
            ("Période", "du {{ debut | date_fr }} au {{ fin | date_fr }}"),
            (
                "Comparée à",
                "la période précédente, du {{ debut_precedent | date_fr }} "
                "au {{ fin_precedente | date_fr }}",
            ),
            ("Diffusion", "{{ diffusion }}"),
            ("Convention", "{{ convention }}"),
        ],
    )
    document.add_paragraph("Synthèse", style="Heading 1")
    loop_table(
        document,
        [
            ("Procédures", "{{ ligne.type }}", Cm(5)),
            ("Période", "{{ ligne.courant }}", Cm(3.5)),
            ("Période précédente", "{{ ligne.precedent }}", Cm(4)),
            ("Évolution", "{{ ligne.evolution }}", Cm(3.5)),
        ],
        "ligne in synthese",
    )
    document.add_paragraph("Quoi : faits par catégorie", style="Heading 1")
    _chart(document, "graphique_categories")
    loop_table(
        document,
        [
            ("Procédures", "{{ ligne.type }}", Cm(4)),
            ("Catégorie ou motif", "{{ ligne.categorie }}", Cm(9)),
            ("Nombre", "{{ ligne.nombre }}", Cm(3)),
        ],
        "ligne in categories",
        size=9,
    )
    document.add_paragraph("Quand : heures et jours des faits", style="Heading 1")
    _chart(document, "graphique_heures")
    _chart(document, "graphique_jours")
    document.add_paragraph("Où : halls par niveau", style="Heading 1")
    paragraph(
        document,
        "Niveau de chaque hall selon les faits de la période (pratique de l'observatoire des "
        "incivilités du mouvement HLM, seuils paramétrables) : {{ seuils_niveaux }}.",
        size=9,
    )
    loop_table(
        document,
        [
            ("Résidence", "{{ ligne.residence }}", Cm(5.5)),
            ("Bât.", "{{ ligne.batiment }}", Cm(1.5)),
            ("Hall", "{{ ligne.hall }}", Cm(1.5)),
            ("Faits", "{{ ligne.nombre }}", Cm(2)),
            ("Niveau", "{{ ligne.niveau }}", Cm(6.5)),
        ],
        "ligne in halls",
        size=9,
    )
    document.add_paragraph("Suites données", style="Heading 1")
    loop_table(
        document,
        [
            ("Procédures", "{{ ligne.type }}", Cm(3)),
            ("Étape", "{{ ligne.etape }}", Cm(5)),
            ("Décision", "{{ ligne.decision }}", Cm(6)),
            ("Nombre", "{{ ligne.nombre }}", Cm(2)),
        ],
        "ligne in suites",
        size=9,
    )
    document.add_paragraph("Délais de réponse des partenaires", style="Heading 1")
    _chart(document, "graphique_delais")
    loop_table(
        document,
        [
            ("Acteur", "{{ ligne.acteur }}", Cm(3)),
            ("Étape", "{{ ligne.etape }}", Cm(5.5)),
            ("Étapes", "{{ ligne.nombre }}", Cm(1.8)),
            ("Médiane (j)", "{{ ligne.mediane }}", Cm(1.9)),
            ("90e centile (j)", "{{ ligne.p90 }}", Cm(1.9)),
            ("En retard", "{{ ligne.retard }}", Cm(1.9)),
        ],
        "ligne in delais",
        size=9,
    )
    paragraph(
        document,
        "Délais en jours, de l'ouverture de l'étape à son accomplissement (dates légales). "
        "« En retard » : étapes dont l'échéance est dépassée ou accomplies après elle. "
        "Effectifs inférieurs à {{ seuil }} masqués hors du bailleur concerné.",
        size=8,
    )
    footer(document)
    return document


DIAGNOSTIC_TEMPLATES = {"diagnostic_local": diagnostic_local}
