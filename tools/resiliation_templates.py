"""Word templates of the letters of a résiliation de bail."""

from __future__ import annotations

from collections.abc import Callable

from docx.document import Document as DocumentObject
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm
from docx_layout import (
    add_loop,
    footer,
    letterhead,
    loop_table,
    new_document,
    paragraph,
    recipient_block,
    signature,
    subject_lines,
)

RESIDENCE = "facts.logement.residence"
FULL_NAME = '{{ [personne.prenom, personne.nom] | select | join(" ") }}'
PLACE_AND_DATE = "À {{ commune }}, le {{ date_document | date_fr }}"
LOGEMENT = (
    "{{ " + RESIDENCE + ".nom }}"
    "{% if " + RESIDENCE + ".batiment %}, bâtiment {{ " + RESIDENCE + ".batiment }}{% endif %}"
    "{% if " + RESIDENCE + ".hall %}, hall {{ " + RESIDENCE + ".hall }}{% endif %}"
)
ADDRESS = [LOGEMENT, "{{ " + RESIDENCE + ".adresse }}", "{{ commune }}"]
TENANTS = [
    "{%p for personne in facts.locataires %}",
    FULL_NAME,
    "{%p endfor %}",
]
REFERENCES = (
    "bail n° {{ facts.bail.reference }} — logement {{ facts.logement.reference }} — "
    "dossier n° {{ procedure_id }}"
)
REGISTERED = "Lettre recommandée avec demande d'avis de réception"
GREETING = "Madame, Monsieur,"
CLOSING = (
    "Nous vous prions d'agréer, Madame, Monsieur, l'expression de nos salutations distinguées."
)
SIGNATURE = ["Pour {{ bailleur }},", "le représentant habilité"]


def signed(document: DocumentObject) -> DocumentObject:
    """The bailleur's signature and the footer that end a letter."""
    signature(document, SIGNATURE)
    footer(document)
    return document


def _bullets(document: DocumentObject, loop: str, text: str) -> None:
    document.add_paragraph(f"{{%p for {loop} %}}")
    paragraph(document, text, indent=Cm(1), after=2)
    document.add_paragraph("{%p endfor %}")


def mise_en_demeure() -> DocumentObject:
    """The formal notice to the tenant(s) to stop the troubles (art. 6-1 and 7 b loi 89-462)."""
    document = new_document("Mise en demeure")
    letterhead(document, PLACE_AND_DATE)
    recipient_block(document, TENANTS + ADDRESS)
    paragraph(document, REGISTERED, bold=True, align=None)
    subject_lines(
        document,
        [
            ("Objet", "mise en demeure de faire cesser des troubles de jouissance"),
            ("Références", REFERENCES),
        ],
    )
    paragraph(document, GREETING, align=None)
    paragraph(
        document,
        "Vous êtes titulaire{{ 's' if facts.locataires | length > 1 }} du bail "
        "n° {{ facts.bail.reference }}, qui a pris effet le {{ facts.bail.date_effet | date_fr }}, "
        "portant sur le logement référencé {{ facts.logement.reference }} situé "
        "{{ " + RESIDENCE + ".adresse }}, {{ commune }} (" + LOGEMENT + ").",
    )
    paragraph(
        document,
        "En application de l'article 7 b) de la loi n° 89-462 du 6 juillet 1989, le locataire "
        "est tenu d'user paisiblement des locaux loués suivant la destination prévue au bail et "
        "de s'abstenir de tout comportement portant atteinte à la tranquillité ou à la sécurité "
        "des autres occupants, dans le logement, à ses abords et dans le même ensemble "
        "immobilier. Cette obligation vaut aussi pour les personnes qui vivent dans le logement "
        "de votre chef.",
    )
    paragraph(document, "Or, les faits suivants ont été portés à notre connaissance :")
    _bullets(
        document, "code in facts.motifs", '– {{ code | motif }}{{ " ;" if not loop.last else "." }}'
    )
    paragraph(
        document,
        "Conformément à l'article 6-1 de la même loi, nous vous mettons en demeure, par la "
        "présente, de faire cesser ces troubles sans délai, et au plus tard dans un délai "
        '{{ delai_cessation | default("d\'un mois à compter de la réception de cette lettre", '
        "true) }}.",
    )
    paragraph(
        document,
        "À défaut, nous saisirons le juge des contentieux de la protection du tribunal "
        "judiciaire d'une action en résiliation de votre bail pour manquement à l'obligation "
        "d'usage paisible des lieux (articles 1728 et 1729 du code civil, article 7 b) de la "
        "loi du 6 juillet 1989), et en expulsion de tout occupant de votre chef, à vos frais.",
    )
    paragraph(
        document,
        "Vous pouvez nous adresser par écrit, dans le même délai, les observations que ces faits "
        "appelleraient de votre part.",
    )
    paragraph(document, CLOSING)
    return signed(document)


def demande_information_parquet() -> DocumentObject:
    """The bailleur's request to the parquet for the decisions concerning a household."""
    document = new_document("Demande d'information au parquet")
    letterhead(document, PLACE_AND_DATE)
    recipient_block(
        document,
        ["Madame ou Monsieur le procureur de la République", "{{ destinataire }}"],
    )
    subject_lines(
        document,
        [
            (
                "Objet",
                "demande d'information sur les condamnations et décisions concernant "
                "un ménage locataire",
            ),
            ("Cadre", "convention sécurité – tranquillité résidentielle de l'Essonne"),
            ("Références", REFERENCES),
        ],
    )
    paragraph(document, "Madame ou Monsieur le procureur de la République,", align=None)
    paragraph(
        document,
        "Dans le cadre de la convention sécurité – tranquillité résidentielle à laquelle votre "
        "parquet et notre organisme sont parties, nous instruisons un dossier de résiliation du "
        "bail du logement situé {{ "
        + RESIDENCE
        + ".adresse }}, {{ commune }} ("
        + LOGEMENT
        + "), pour les motifs suivants : "
        '{{ facts.motifs | map("label") | map("lower") | join(", ") }}.',
    )
    paragraph(
        document,
        "Afin d'apprécier les suites à donner et d'étayer, le cas échéant, l'action en "
        "résiliation, nous vous serions obligés de bien vouloir nous indiquer si les personnes "
        "désignées ci-dessous ont fait l'objet de condamnations, de poursuites en cours ou "
        "d'autres décisions (alternatives aux poursuites, classements) pour des faits commis "
        "dans le logement, dans les parties communes ou aux abords de la résidence, et de nous "
        "en communiquer copie ou extrait.",
    )
    persons = [("{{ personne.nom }}", Cm(6)), ("{{ personne.prenom or '' }}", Cm(6))]
    table = loop_table(
        document,
        [("Nom", *persons[0]), ("Prénom", *persons[1]), ("Qualité", "Locataire", Cm(5))],
        "personne in facts.locataires",
    )
    add_loop(table, "personne in facts.occupants", [*persons, ("Occupant", Cm(5))])
    document.add_paragraph()
    paragraph(
        document,
        "Les informations communiquées ne seront utilisées que pour préparer, engager et suivre "
        "l'action en justice et en assurer l'exécution (article 46 de la loi n° 78-17 du "
        "6 janvier 1978) ; seules les personnes habilitées de notre service contentieux y "
        "auront accès.",
    )
    document.add_paragraph("{%p if step.due %}")
    paragraph(
        document,
        "La convention prévoit une réponse dans un délai d'un mois, soit au plus tard le "
        "{{ step.due | date_fr }}.",
    )
    document.add_paragraph("{%p endif %}")
    paragraph(
        document,
        "Nous vous prions d'agréer, Madame ou Monsieur le procureur de la République, "
        "l'expression de notre haute considération.",
    )
    return signed(document)


def offre_relogement() -> DocumentObject:
    """The rehousing offer to the tenant(s), with its one-month answer delay (L. 442-4-1 CCH)."""
    document = new_document("Offre de relogement")
    letterhead(document, PLACE_AND_DATE)
    recipient_block(document, TENANTS + ADDRESS)
    paragraph(document, REGISTERED, bold=True, align=None)
    subject_lines(
        document,
        [
            (
                "Objet",
                "proposition de relogement (article L. 442-4-1 du code de la construction "
                "et de l'habitation)",
            ),
            ("Références", REFERENCES),
        ],
    )
    paragraph(document, GREETING, align=None)
    paragraph(
        document,
        "Les troubles de jouissance qui vous ont été signalés par notre mise en demeure n'ayant "
        "pas cessé, et en application de l'article L. 442-4-1 du code de la construction et de "
        "l'habitation, nous vous proposons d'être relogé{{ 's' if facts.locataires | length > 1 "
        "}} dans un autre logement de notre patrimoine{% if logement_propose %}, situé "
        "{{ logement_propose }}{% endif %}.",
    )
    paragraph(
        document,
        "Vous disposez d'un délai d'un mois à compter de l'envoi de cette lettre pour nous faire "
        "connaître votre réponse{% if step.due %}, soit au plus tard le "
        "{{ step.due | date_fr }}{% endif %}, en nous retournant le coupon ci-dessous.",
    )
    paragraph(
        document,
        "Faute de réponse dans ce délai, ou en cas de refus, nous pourrons saisir le juge des "
        "contentieux de la protection d'une demande de résiliation de votre bail ; le juge "
        "pourra alors réduire ou supprimer le délai de deux mois qui précède l'expulsion "
        "(article L. 412-1 du code des procédures civiles d'exécution).",
    )
    paragraph(document, CLOSING)
    signature(document, SIGNATURE)
    document.add_paragraph()
    paragraph(
        document,
        "✂ - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - -",
        align=WD_ALIGN_PARAGRAPH.CENTER,
        after=12,
    )
    paragraph(
        document,
        "Réponse à la proposition de relogement — dossier n° {{ procedure_id }}",
        bold=True,
        align=None,
    )
    paragraph(
        document,
        "Je soussigné(e) ........................................................"
        "........, locataire du logement {{ facts.logement.reference }} :",
        align=None,
    )
    paragraph(document, "☐ accepte la proposition de relogement", align=None, indent=Cm(1))
    paragraph(document, "☐ refuse la proposition de relogement", align=None, indent=Cm(1))
    paragraph(document, "Date et signature :", align=None)
    footer(document)
    return document


RESILIATION_TEMPLATES: dict[str, Callable[[], DocumentObject]] = {
    "mise_en_demeure": mise_en_demeure,
    "demande_information_parquet": demande_information_parquet,
    "offre_relogement": offre_relogement,
}
