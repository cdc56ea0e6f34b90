"""The Word template of the compte rendu of a joint intervention (compte_rendu_intervention)."""

from __future__ import annotations

from docx.document import Document as DocumentObject
from docx.shared import Cm
from docx_layout import fields_table, footer, loop_table, new_document, paragraph


def _outcome(name: str) -> str:
    """The status of a step, its outcome and date, then its ground if any."""
    return (
        f"{{{{ {name}.status_label }}}}{{% if {name}.outcome_label %}} : "
        f"{{{{ {name}.outcome_label }}}}{{% endif %}}{{% if {name}.completed_on %}}, le "
        f"{{{{ {name}.completed_on | date_fr }}}}{{% endif %}}{{% if {name}.motif %}} — motif : "
        f"{{{{ {name}.motif }}}}{{% endif %}}"
    )


def compte_rendu_intervention() -> DocumentObject:
    """Territory, objectives, validations, actions and outcomes, report, evaluation, indicators."""
    document = new_document("Compte rendu d'intervention conjointe")
    document.add_paragraph("Compte rendu d'intervention conjointe", style="Title")
    fields_table(
        document,
        [
            ("Procédure", "n° {{ procedure.id }} — {{ procedure.status_label }}"),
            ("Bailleur", "{{ bailleur }}"),
            ("Ouverte le", "{{ procedure.created_on | date_fr }}"),
            ("Établi le", "{{ date_document | date_fr }}"),
        ],
    )
    document.add_paragraph("Territoire et objectifs", style="Heading 1")
    fields_table(
        document,
        [
            (
                "Résidence",
                "{{ residence.nom }}{% if residence.adresse %}, {{ residence.adresse }}{% endif %}",
            ),
            ("Commune", "{{ commune }}"),
            ("Halls", '{{ halls | default("—", true) }}'),
            ("Diagnostic à l'origine", '{{ diagnostic | default("—", true) }}'),
            ("Proposée par", '{{ proposant | default("—", true) }}'),
            ("Objectifs", '{{ objectifs | default("—", true) }}'),
        ],
    )
    document.add_paragraph("Validations", style="Heading 1")
    loop_table(
        document,
        [
            ("Validation", "{{ v.label }}", Cm(5)),
            ("Organisation", "{{ v.org }}", Cm(5)),
            ("Décision", _outcome("v"), Cm(7)),
        ],
        "v in validations",
        size=9,
    )
    document.add_paragraph()
    document.add_paragraph("Actions", style="Heading 1")
    document.add_paragraph("{%p if actions %}")
    loop_table(
        document,
        [
            ("Action", "{{ a.libelle }}", Cm(5.5)),
            ("Organisation", "{{ a.org }}", Cm(4)),
            ("Date prévue", "{{ a.date | date_fr }}", Cm(2.8)),
            (
                "Résultat",
                _outcome("a") + "{% if a.comment %} ({{ a.comment }}){% endif %}",
                Cm(4.7),
            ),
        ],
        "a in actions",
        size=9,
    )
    document.add_paragraph("{%p else %}")
    paragraph(document, "Aucune action n'a encore été planifiée.")
    document.add_paragraph("{%p endif %}")
    document.add_paragraph("Compte rendu des forces de l'ordre", style="Heading 1")
    document.add_paragraph("{%p if compte_rendu %}")
    fields_table(
        document,
        [
            ("Établi par", "{{ compte_rendu.org }}"),
            ("État", _outcome("compte_rendu")),
            ("Compte rendu", '{{ compte_rendu.comment | default("—", true) }}'),
        ],
    )
    document.add_paragraph("{%p else %}")
    paragraph(document, "Le compte rendu des forces de l'ordre n'a pas encore été transmis.")
    document.add_paragraph("{%p endif %}")
    document.add_paragraph("Évaluation", style="Heading 1")
    document.add_paragraph("{%p if indicateurs %}")
    paragraph(
        document,
        "Faits signalés sur le territoire avant l'intervention (du "
        "{{ indicateurs.avant_du | date_fr }} au {{ indicateurs.avant_au | date_fr }}) et après "
        "(du {{ indicateurs.apres_du | date_fr }} au {{ indicateurs.apres_au | date_fr }}), "
        "d'après le modèle de lecture.",
    )
    table = loop_table(
        document,
        [
            ("Catégorie", "{{ ligne.categorie }}", Cm(7)),
            ("Avant", "{{ ligne.avant }}", Cm(3.3)),
            ("Après", "{{ ligne.apres }}", Cm(3.3)),
            ("Évolution", "{{ ligne.evolution }}", Cm(3.4)),
        ],
        "ligne in indicateurs.lignes",
        size=9,
    )
    totals = (
        "Total",
        "{{ indicateurs.total_avant }}",
        "{{ indicateurs.total_apres }}",
        "{{ indicateurs.total_evolution }}",
    )
    for cell, text in zip(table.add_row().cells, totals, strict=True):
        cell.paragraphs[0].add_run(text).bold = True
    document.add_paragraph("{%p else %}")
    paragraph(document, "Les indicateurs du territoire ne sont pas encore disponibles.")
    document.add_paragraph("{%p endif %}")
    document.add_paragraph("{%p if evaluation %}")
    fields_table(
        document,
        [
            ("Évaluation", _outcome("evaluation")),
            ("Observations", '{{ evaluation.comment | default("—", true) }}'),
        ],
    )
    document.add_paragraph("{%p endif %}")
    footer(document)
    return document


INTERVENTION_TEMPLATES = {"compte_rendu_intervention": compte_rendu_intervention}
