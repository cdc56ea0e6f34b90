"""French words the pages show for the values the API keeps as keys."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from domain.actors import ACTOR_LABELS
from domain.calendar import french_date
from domain.catalog import CATALOGS

PARIS = ZoneInfo("Europe/Paris")

KINDS = {kind: catalog.label for kind, catalog in CATALOGS.items()}
STATUSES = {"open": "En cours", "closed": "Close", "cancelled": "Retirée"}
STEP_STATUSES = {
    "pending": "En attente",
    "done": "Accomplie",
    "cancelled": "Annulée",
    "skipped": "Sans objet",
}
ACTORS = {actor.value: label for actor, label in ACTOR_LABELS.items()}
ORG_KINDS = {
    "bailleur": "Bailleurs (démonstration)",
    "parquet": "Parquet",
    "prefecture": "Préfecture",
    "juge": "Tribunal",
    "commissaire_justice": "Commissaires de justice (démonstration)",
    "police": "Police nationale",
    "gendarmerie": "Gendarmerie nationale",
}
ROLES = {
    "agent": "Agent",
    "juriste": "Juriste",
    "manager": "Responsable",
    "admin": "Administrateur",
}
RELATIONS = {"origine": "à l'origine de ce dossier", "suite": "suite donnée à ce dossier"}

CATEGORIES = {
    "trafic_stupefiants": "Trafic de stupéfiants",
    "occupation_halls": "Occupation des halls",
    "troubles_jouissance": "Troubles de jouissance",
    "degradations": "Dégradations",
    "agression_personnel": "Agression du personnel",
    "autre": "Autre",
}
SOURCES = {
    "agent": "Agent du bailleur",
    "agent_assermente": "Agent assermenté (procès-verbal)",
    "locataire": "Locataire",
    "gardien": "Gardien",
}
DESTINATAIRES = {
    "forces": "Police ou gendarmerie",
    "parquet": "Procureur de la République",
    "forces_et_parquet": "Police ou gendarmerie et procureur",
}
MOTIFS = {
    "troubles_jouissance": "Troubles de jouissance",
    "trafic_stupefiants": "Trafic de stupéfiants",
    "agression_personnel": "Agression du personnel",
    "autre": "Autre motif",
}
ORIGINES = {"bailleur": "Initiative du bailleur", "injonction_prefet": "Injonction du préfet"}
EXCEPTIONS_TREVE = {
    "relogement_assure": "Relogement assuré",
    "entree_voie_de_fait": "Entrée par voie de fait",
    "logement_etudiant": "Logement étudiant",
    "conjoint_violent": "Conjoint violent",
}
QUALIFICATIONS = {"contravention": "Contravention", "delit": "Délit", "crime": "Crime"}
CANAUX = {
    "commissariat": "Au commissariat",
    "brigade": "À la brigade de gendarmerie",
    "en_ligne": "En ligne (atteintes aux biens listées)",
    "courrier_procureur": "Par courrier au procureur",
}
PLAIGNANTS = {"bailleur": "Le bailleur (personne morale)", "agent_victime": "Un agent victime"}
PIECE_KINDS = {
    "pv": "Procès-verbal",
    "constat": "Constat",
    "jugement": "Jugement",
    "plainte": "Plainte",
    "main_courante": "Main courante",
    "courrier": "Courrier",
    "photo": "Photographie",
    "autre": "Autre",
}
DOCUMENT_KINDS = {
    "fiche_signalement": "Fiche de signalement",
    "mise_en_demeure": "Mise en demeure",
    "demande_information_parquet": "Demande d'information au parquet",
    "offre_relogement": "Offre de relogement",
    "bordereau_pieces": "Bordereau des pièces",
    "recapitulatif_procedure": "Récapitulatif de la procédure",
}

# The data a step completion may carry (catalog.data_types), as the forms name them.
DATA_FIELDS = {
    "audience": "Date d'audience",
    "nouvelle_audience": "Nouvelle date d'audience",
    "nouvelle_date": "Nouvelle date",
    "motif": "Motif",
    "delai_reduit_jours": "Délai réduit (en jours)",
    "offre_relogement": "Offre de relogement faite",
    "delais_accordes": "Délais accordés au locataire",
    "delai_deux_mois": "Délai de deux mois après le commandement",
    "rendez_vous": "Date du rendez-vous",
    "numero_procedure": "Numéro de procédure",
    "condamne_locataire": "Un locataire ou un membre du foyer est condamné",
}
CHOICES = {"maintenu": "Maintenu", "reduit": "Réduit", "supprime": "Supprimé"}

# Names of the facts' fields, for the facts shown on a procedure page.
FACT_NAMES = {
    "kind": "Type",
    "residence": "Résidence",
    "nom": "Nom",
    "prenom": "Prénom",
    "adresse": "Adresse",
    "commune_insee": "Commune (code INSEE)",
    "batiment": "Bâtiment",
    "hall": "Hall",
    "categorie": "Catégorie",
    "faits_le": "Faits du",
    "constate_le": "Constatés le",
    "description": "Description",
    "source": "Source",
    "destinataire": "Destinataire",
    "personnes": "Personnes concernées",
    "locataire": "Locataire",
    "logement": "Logement",
    "reference": "Référence",
    "bail": "Bail",
    "date_effet": "Date d'effet",
    "locataires": "Locataires",
    "occupants": "Occupants",
    "motifs": "Motifs",
    "impayes": "Impayés de loyer",
    "origine": "Origine",
    "injonction": "Injonction",
    "date": "Date",
    "commissaire_justice": "Commissaire de justice",
    "exception_treve": "Exception à la trêve hivernale",
    "liens": "Procédures liées",
    "procedure_id": "Procédure",
    "plaignant": "Plaignant",
    "type": "Qualité",
    "adresse_employeur": "Domiciliation chez l'employeur",
    "faits": "Faits",
    "le": "Le",
    "qualification": "Qualification",
    "trafic_stupefiants": "Lié à un trafic de stupéfiants",
    "canal": "Canal du dépôt",
    "mis_en_cause": "Mis en cause",
}
FACT_VALUES: dict[str, dict[str, str]] = {
    "kind": KINDS,
    "categorie": CATEGORIES,
    "source": SOURCES,
    "destinataire": DESTINATAIRES,
    "motifs": MOTIFS,
    "origine": ORIGINES,
    "exception_treve": EXCEPTIONS_TREVE,
    "qualification": QUALIFICATIONS,
    "canal": CANAUX,
    "type": PLAIGNANTS,
}


# Inputs of the step and exhibit forms, for the summary of a form's errors.
FORM_NAMES = {
    "outcome": "Résultat",
    "comment": "Commentaire",
    "title": "Intitulé",
    "file": "Fichier",
    "data": "Données",
    "org": "Organisation",
    "role": "Rôle",
}


def error_label(name: str) -> str:
    """The words naming an input in the summary of errors ("Locataires › n° 2 › Nom")."""
    words = []
    for part in name.split("."):
        if part.isdigit():
            words.append(f"n° {int(part) + 1}")
        elif part != "data":
            words.append(
                FORM_NAMES.get(part) or DATA_FIELDS.get(part) or FACT_NAMES.get(part, part)
            )
    return " › ".join(words)


def date_fr(value: date | str | None, weekday: bool = False) -> str:
    """A date in French ("lundi 2 mars 2026"), or a dash when there is none."""
    if value is None or value == "":
        return "—"
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    if isinstance(value, datetime):
        value = value.astimezone(PARIS).date()
    return french_date(value, weekday=weekday)


SHORT_MONTHS = (
    "janv.",
    "févr.",
    "mars",
    "avr.",
    "mai",
    "juin",
    "juil.",
    "août",
    "sept.",
    "oct.",
    "nov.",
    "déc.",
)


def short_date(value: date) -> str:
    """A day and month in few letters ("7 sept."), for the axis of a chart."""
    return f"{value.day} {SHORT_MONTHS[value.month - 1]}"


def datetime_fr(value: datetime | str | None) -> str:
    """An instant in French, Paris time ("2 mars 2026 à 14 h 05")."""
    if value is None or value == "":
        return "—"
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    local = value.astimezone(PARIS) if value.tzinfo else value
    return f"{french_date(local.date())} à {local.hour} h {local.minute:02d}"


def _fact_value(name: str, value: Any) -> Any:
    if isinstance(value, bool):
        return "Oui" if value else "Non"
    if isinstance(value, str):
        if name in FACT_VALUES:
            return FACT_VALUES[name].get(value, value)
        if name in ("faits_le", "le") and "T" in value:
            return datetime_fr(value)
        if name in ("date_effet", "constate_le", "date"):
            return date_fr(value)
    return value


def facts_view(facts: dict[str, Any]) -> list[dict[str, Any]]:
    """The facts as entries {"label", and "text", "pairs" (an object) or "items" (a list)},
    rendered recursively by the page."""
    entries: list[dict[str, Any]] = []
    for name, value in facts.items():
        if value is None or value == [] or name == "kind":
            continue
        entry: dict[str, Any] = {"label": FACT_NAMES.get(name, name)}
        if isinstance(value, dict):
            entry["pairs"] = facts_view(value)
        elif isinstance(value, list):
            entry["items"] = [
                facts_view(item) if isinstance(item, dict) else str(_fact_value(name, item))
                for item in value
            ]
        else:
            entry["text"] = str(_fact_value(name, value))
        entries.append(entry)
    return entries
