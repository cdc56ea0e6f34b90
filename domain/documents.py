"""The documents a procedure produces from its Word templates: what each one is."""

from domain.labels import Labelled


class DocumentKind(Labelled):
    """A document produced from the template of the same name (templates/docx/<kind>.docx)."""

    FICHE_SIGNALEMENT = "fiche_signalement", "Fiche de signalement"
    RECEPISSE_DEPOT_PLAINTE = "recepisse_depot_plainte", "Récépissé de dépôt de plainte"
    MISE_EN_DEMEURE = "mise_en_demeure", "Mise en demeure du locataire"
    DEMANDE_INFORMATION_PARQUET = (
        "demande_information_parquet",
        "Demande d'information au parquet",
    )
    OFFRE_RELOGEMENT = "offre_relogement", "Offre de relogement"
    COMPTE_RENDU_INTERVENTION = "compte_rendu_intervention", "Compte rendu d'intervention"
    DIAGNOSTIC_LOCAL = "diagnostic_local", "Diagnostic local"
    BORDEREAU_PIECES = "bordereau_pieces", "Bordereau des pièces"
    RECAPITULATIF_PROCEDURE = "recapitulatif_procedure", "Récapitulatif de la procédure"


# The documents of the dossier for the court itself, read from the read model when it is
# made: they describe the dossier and are never one of its numbered entries.
FILE_DOCUMENTS = frozenset({DocumentKind.BORDEREAU_PIECES, DocumentKind.RECAPITULATIF_PROCEDURE})


def told_message(event_type: str, message: str, data: dict[str, object]) -> str:
    """A timeline entry as people read it: a document produced named by what it is, not by its
    file name (earlier entries were written with the file name)."""
    kind = data.get("kind")
    if event_type == "document_generated" and isinstance(kind, str):
        try:
            return f"Document produit : {DocumentKind(kind).label}"
        except ValueError:
            return message
    return message
