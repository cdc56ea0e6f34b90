"""The plainte: a complaint by the bailleur or an assaulted staff member, to the parquet's decision
and, after poursuites, the judgment (CPP 15-3, 40-1 to 40-4-1, 85), as data."""

from __future__ import annotations

from datetime import date, datetime

from dateutil.relativedelta import relativedelta

from domain.actors import Actor
from domain.calendar import DeadlineRule, Regime
from domain.steps import CLOSING_STEP, Catalog, DeadlineKind, Outcome, StepSpec

# Categories that may be filed online (CPP 15-3-1: listed property offences). The list of
# offences open to the online complaint is set by decree and changes: kept as data here.
ONLINE_CATEGORIES = frozenset({"degradations"})

# Prescription of the action publique in years (CPP 7 to 9; 706-26 for drug trafficking).
PRESCRIPTION_YEARS = {"contravention": 1, "delit": 6, "crime": 20}
PRESCRIPTION_YEARS_TRAFIC = {"contravention": 1, "delit": 20, "crime": 30}


def _sla(working_days: int = 0, months: int = 0, label: str = "") -> DeadlineRule:
    return DeadlineRule(working_days=working_days, months=months, regime=Regime.SLA, label=label)


PLAINTE = Catalog(
    kind="plainte",
    label="Plainte",
    first=("preparation_dossier",),
    data_types={
        "rendez_vous": "date",
        "audience": "date",
        "nouvelle_audience": "date",
        "numero_procedure": "text",
        "copie_procureur_le": "date",
        "motif": "text",
        "condamne_locataire": "bool",
    },
    steps=(
        StepSpec(
            key="preparation_dossier",
            label="Préparation du dossier de plainte",
            actor=Actor.BAILLEUR,
            deadline=DeadlineKind.SLA,
            rule=_sla(working_days=5, label="préparation"),
            outcomes=(
                Outcome(
                    key="pret", label="Dossier prêt", next=("rendez_vous_depot", "depot_plainte")
                ),
            ),
        ),
        StepSpec(
            key="rendez_vous_depot",
            label="Rendez-vous pour le dépôt de plainte",
            actor=Actor.FORCES,
            deadline=DeadlineKind.SLA,
            rule=_sla(working_days=5, label="rendez-vous"),
            outcomes=(
                Outcome(
                    key="fixe",
                    label="Rendez-vous fixé",
                    next=("depot_plainte",),
                    required=("rendez_vous",),
                ),
            ),
        ),
        StepSpec(
            key="depot_plainte",
            label="Dépôt de la plainte",
            actor=Actor.FORCES,
            deadline=DeadlineKind.DATE,
            outcomes=(
                Outcome(
                    key="enregistree",
                    label="Plainte enregistrée",
                    next=("enquete",),
                    required=("numero_procedure",),
                ),
            ),
            legal_basis="art. 15-3 CPP (récépissé)",
        ),
        StepSpec(
            key="enquete",
            label="Enquête",
            actor=Actor.FORCES,
            deadline=DeadlineKind.SLA,
            rule=_sla(months=3, label="enquête"),
            outcomes=(
                Outcome(
                    key="transmise_parquet",
                    label="Procédure transmise au parquet",
                    next=("decision_parquet",),
                ),
            ),
        ),
        StepSpec(
            key="decision_parquet",
            label="Décision du parquet",
            actor=Actor.PARQUET,
            deadline=DeadlineKind.SLA,
            rule=_sla(months=3, label="décision du parquet"),
            outcomes=(
                Outcome(
                    key="poursuites",
                    label="Poursuites engagées",
                    next=("avis_plaignant", "audience_penale"),
                    required=("audience",),
                ),
                Outcome(
                    key="alternative", label="Alternative aux poursuites", next=("avis_plaignant",)
                ),
                Outcome(
                    key="classement",
                    label="Classement sans suite",
                    next=("avis_plaignant", "recours_procureur_general", "partie_civile_possible"),
                    required=("motif",),
                ),
            ),
            propagated=True,
            legal_basis="art. 40-1 CPP",
        ),
        StepSpec(
            key="avis_plaignant",
            label="Avis de la décision au plaignant",
            actor=Actor.PARQUET,
            deadline=DeadlineKind.DATE,
            outcomes=(Outcome(key="notifie", label="Plaignant avisé", next=("cloture",)),),
            legal_basis="art. 40-2 CPP",
        ),
        StepSpec(
            key="recours_procureur_general",
            label="Recours auprès du procureur général",
            actor=Actor.BAILLEUR,
            deadline=DeadlineKind.NONE,
            optional=True,
            outcomes=(
                Outcome(key="forme", label="Recours formé"),
                Outcome(key="renonce", label="Pas de recours"),
            ),
            legal_basis="art. 40-3 CPP (sans délai)",
        ),
        StepSpec(
            key="partie_civile_possible",
            label="Plainte avec constitution de partie civile possible",
            actor=Actor.BAILLEUR,
            deadline=DeadlineKind.NONE,
            optional=True,
            outcomes=(
                Outcome(key="constituee", label="Partie civile constituée"),
                Outcome(key="renonce", label="Pas de constitution"),
            ),
            legal_basis="art. 85 CPP",
        ),
        StepSpec(
            key="audience_penale",
            label="Audience pénale",
            actor=Actor.JUGE,
            deadline=DeadlineKind.DATE,
            outcomes=(
                Outcome(key="jugement", label="Affaire jugée", next=("jugement_penal",)),
                Outcome(
                    key="renvoi",
                    label="Audience renvoyée",
                    next=("audience_penale",),
                    required=("nouvelle_audience",),
                ),
            ),
        ),
        StepSpec(
            key="jugement_penal",
            label="Jugement pénal",
            actor=Actor.JUGE,
            deadline=DeadlineKind.NONE,
            outcomes=(
                Outcome(key="condamnation", label="Condamnation", next=("transmission_decision",)),
                Outcome(key="relaxe", label="Relaxe", next=("transmission_decision",)),
            ),
        ),
        StepSpec(
            key="transmission_decision",
            label="Transmission de la décision au bailleur",
            actor=Actor.PARQUET,
            deadline=DeadlineKind.SLA,
            rule=_sla(months=1, label="transmission"),
            outcomes=(Outcome(key="transmise", label="Décision transmise", next=("cloture",)),),
        ),
        CLOSING_STEP,
    ),
)

PARTIE_CIVILE = DeadlineRule(
    months=3,
    regime=Regime.PENAL,
    label="plainte avec constitution de partie civile recevable",
    legal_basis="art. 85 CPP",
)


def applicable_steps(canal: str) -> frozenset[str]:
    """The steps a plainte may go through, given its channel."""
    keys = {s.key for s in PLAINTE.steps}
    if canal not in ("commissariat", "brigade"):
        keys.discard("rendez_vous_depot")
    return frozenset(keys)


def prescription(faits_le: datetime, qualification: str, trafic: bool) -> tuple[date, str]:
    """The day the action publique is time-barred, and the rule applied (CPP 7 to 9)."""
    years = (PRESCRIPTION_YEARS_TRAFIC if trafic else PRESCRIPTION_YEARS)[qualification]
    basis = "art. 706-26 CPP" if trafic and qualification != "contravention" else "art. 7 à 9 CPP"
    day = faits_le.date() + relativedelta(years=years)
    return day, f"{years} an{'s' if years > 1 else ''} à compter des faits ({basis})"


def online_refusal(canal: str, categorie: str) -> str | None:
    """A French message if a complaint may not be filed online for this category."""
    if canal == "en_ligne" and categorie not in ONLINE_CATEGORIES:
        return (
            "La plainte en ligne n'est ouverte qu'aux atteintes aux biens listées "
            "(art. 15-3-1 CPP) : déposer cette plainte au commissariat, à la brigade ou par "
            "courrier au procureur."
        )
    return None
