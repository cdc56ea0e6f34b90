"""The plainte: a complaint by the bailleur or an assaulted staff member, to the parquet's decision
and, after poursuites, the judgment (CPP 15-3, 40-1 to 40-4-1, 85)."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import ClassVar, Literal

from dateutil.relativedelta import relativedelta
from pydantic import AwareDatetime, Field, model_validator

from domain.actors import Actor
from domain.calendar import DeadlineRule, Regime, target
from domain.contracts import CompleteStep, Declaration, Milestone, Policy
from domain.definition import Diagnosed, ProcedureDefinition, StartWording
from domain.facts import CategorieSignalement, Lien, Residence, StartFacts, Strict, paris_day
from domain.kinds import ProcedureKind
from domain.labels import Labelled
from domain.outcomes import Audience, Motif, Renvoi
from domain.steps import (
    CLOSING_STEP,
    Catalog,
    DeadlineKind,
    OutcomeData,
    StepSpec,
    StepState,
    outcome,
    recours_procureur_general,
)

# Categories that may be filed online (CPP 15-3-1: listed property offences). The list of
# offences open to the online complaint is set by decree and changes: kept as data here.
ONLINE_CATEGORIES = frozenset({CategorieSignalement.DEGRADATIONS})


class Qualification(Labelled):
    CONTRAVENTION = "contravention", "Contravention"
    DELIT = "delit", "Délit"
    CRIME = "crime", "Crime"


# Prescription of the action publique in years (CPP 7 to 9; 706-26 for drug trafficking).
PRESCRIPTION_YEARS = {
    Qualification.CONTRAVENTION: 1,
    Qualification.DELIT: 6,
    Qualification.CRIME: 20,
}
PRESCRIPTION_YEARS_TRAFIC = {
    Qualification.CONTRAVENTION: 1,
    Qualification.DELIT: 20,
    Qualification.CRIME: 30,
}


class CanalPlainte(Labelled):
    COMMISSARIAT = "commissariat", "Commissariat de police"
    BRIGADE = "brigade", "Brigade de gendarmerie"
    # CPP 15-3-1, listed property offences only
    EN_LIGNE = "en_ligne", "En ligne (art. 15-3-1 CPP)"
    COURRIER_PROCUREUR = "courrier_procureur", "Courrier au procureur de la République"

    @property
    def by_appointment(self) -> bool:
        """Whether the complaint is lodged with the forces, on an appointment they fix."""
        return self in (CanalPlainte.COMMISSARIAT, CanalPlainte.BRIGADE)


class QualitePlaignant(Labelled):
    BAILLEUR = "bailleur", "Le bailleur (personne morale)"
    AGENT_VICTIME = "agent_victime", "Un agent victime"


class Plaignant(Strict):
    """The bailleur as a legal person, or an assaulted staff member it supports."""

    type: QualitePlaignant = Field(title="Qui porte plainte ?")
    nom: str | None = Field(
        default=None,
        max_length=100,
        title="Nom de l'agent",
        description="Pour un agent victime seulement.",
    )
    prenom: str | None = Field(
        default=None,
        max_length=100,
        title="Prénom de l'agent",
        description="Pour un agent victime seulement.",
    )
    adresse_employeur: bool = Field(
        default=False,
        title="L'agent déclare l'adresse de son employeur (art. 40-4-1 CPP)",
    )

    @model_validator(mode="after")
    def _victim_is_named(self) -> Plaignant:
        if self.type == QualitePlaignant.AGENT_VICTIME and not self.nom:
            raise ValueError("le nom de l'agent victime est requis")
        if self.type == QualitePlaignant.BAILLEUR and (
            self.nom or self.prenom or self.adresse_employeur
        ):
            raise ValueError("le bailleur porte plainte en tant que personne morale : sans nom")
        return self


class FaitsPlainte(Strict):
    categorie: CategorieSignalement = Field(title="Catégorie")
    le: AwareDatetime = Field(title="Date et heure des faits", description="Heure de Paris.")
    # Decides the CPP 85 route: none for a contravention (CPP 79), no 3 months for a crime.
    qualification: Qualification = Field(title="Qualification")
    trafic_stupefiants: bool = Field(default=False, title="Faits liés à un trafic de stupéfiants")
    description: str = Field(min_length=1, max_length=10_000, title="Description")


class MisEnCause(Strict):
    noun: ClassVar[str] = "personne"

    nom: str = Field(min_length=1, max_length=100, title="Nom")
    prenom: str | None = Field(default=None, max_length=100, title="Prénom")
    locataire: bool = Field(default=False, title="Locataire")


class PlainteFacts(StartFacts):
    facts_date_field: ClassVar[str | None] = "faits.le"
    kind: Literal["plainte"]
    plaignant: Plaignant = Field(title="Plaignant")
    residence: Residence = Field(title="Résidence")
    faits: FaitsPlainte = Field(title="Faits")
    canal: CanalPlainte = Field(title="Canal du dépôt")
    mis_en_cause: list[MisEnCause] = Field(default_factory=list, title="Mis en cause")
    liens: list[Lien] = Field(
        default_factory=list,
        title="Procédures liées",
        description="Leurs numéros, par exemple signalement-2026-000012 ; séparer les numéros "
        "par des virgules.",
    )

    @property
    def place(self) -> Residence:
        return self.residence

    @property
    def linked(self) -> list[Lien]:
        return self.liens

    @property
    def facts_date(self) -> date:
        return paris_day(self.faits.le)


class StepKey(StrEnum):
    PREPARATION_DOSSIER = "preparation_dossier"
    RENDEZ_VOUS_DEPOT = "rendez_vous_depot"
    DEPOT_PLAINTE = "depot_plainte"
    ENQUETE = "enquete"
    DECISION_PARQUET = "decision_parquet"
    AVIS_PLAIGNANT = "avis_plaignant"
    RECOURS_PROCUREUR_GENERAL = "recours_procureur_general"
    PARTIE_CIVILE_POSSIBLE = "partie_civile_possible"
    AUDIENCE_PENALE = "audience_penale"
    JUGEMENT_PENAL = "jugement_penal"
    TRANSMISSION_DECISION = "transmission_decision"
    CLOTURE = "cloture"


class OutcomeKey(StrEnum):
    PRET = "pret"
    FIXE = "fixe"
    ENREGISTREE = "enregistree"
    TRANSMISE_PARQUET = "transmise_parquet"
    POURSUITES = "poursuites"
    ALTERNATIVE = "alternative"
    CLASSEMENT = "classement"
    NOTIFIE = "notifie"
    FORME = "forme"
    RENONCE = "renonce"
    CONSTITUEE = "constituee"
    JUGEMENT = "jugement"
    RENVOI = "renvoi"
    CONDAMNATION = "condamnation"
    RELAXE = "relaxe"
    TRANSMISE = "transmise"
    CLOSE = "close"
    COPIE_PROCUREUR = "copie_procureur"


class RendezVous(OutcomeData):
    rendez_vous: date = Field(title="Date du rendez-vous")


class PlainteEnregistree(OutcomeData):
    numero_procedure: str = Field(min_length=1, max_length=100, title="Numéro de procédure")
    # CPP 85: the 3 months run from the copy sent to the procureur, when there is one.
    copie_procureur_le: date | None = Field(
        default=None, title="Copie de la plainte adressée au procureur le"
    )


class Condamnation(OutcomeData):
    condamne_locataire: bool = Field(
        default=False, title="Un locataire ou un membre du foyer est condamné"
    )


# Short names inside the catalogue.
Step, Out = StepKey, OutcomeKey

CATALOG = Catalog(
    keys=StepKey,
    outcome_keys=OutcomeKey,
    first=(Step.PREPARATION_DOSSIER,),
    steps=(
        StepSpec(
            key=Step.PREPARATION_DOSSIER,
            label="Préparation du dossier de plainte",
            actor=Actor.BAILLEUR,
            deadline=DeadlineKind.SLA,
            rule=target(working_days=5, label="préparation"),
            outcomes=(
                outcome(Out.PRET, "Dossier prêt", Step.RENDEZ_VOUS_DEPOT, Step.DEPOT_PLAINTE),
            ),
        ),
        StepSpec(
            key=Step.RENDEZ_VOUS_DEPOT,
            label="Rendez-vous pour le dépôt de plainte",
            actor=Actor.FORCES,
            deadline=DeadlineKind.SLA,
            rule=target(working_days=5, label="rendez-vous"),
            outcomes=(outcome(Out.FIXE, "Rendez-vous fixé", Step.DEPOT_PLAINTE, data=RendezVous),),
            when=lambda facts: facts.canal.by_appointment,
        ),
        StepSpec(
            key=Step.DEPOT_PLAINTE,
            label="Dépôt de la plainte",
            actor=Actor.FORCES,
            deadline=DeadlineKind.DATE,
            outcomes=(
                # CPP 85: the partie civile may become possible 3 months after the complaint
                # reached the procureur (lodged with him, or a copy sent), at once for a crime.
                outcome(
                    Out.ENREGISTREE,
                    "Plainte enregistrée",
                    Step.ENQUETE,
                    Step.PARTIE_CIVILE_POSSIBLE,
                    data=PlainteEnregistree,
                ),
            ),
            legal_basis="art. 15-3 CPP (récépissé)",
        ),
        StepSpec(
            key=Step.ENQUETE,
            label="Enquête",
            actor=Actor.FORCES,
            deadline=DeadlineKind.SLA,
            rule=target(months=3, label="enquête"),
            outcomes=(
                outcome(
                    Out.TRANSMISE_PARQUET, "Procédure transmise au parquet", Step.DECISION_PARQUET
                ),
            ),
        ),
        StepSpec(
            key=Step.DECISION_PARQUET,
            decision=True,
            label="Décision du parquet",
            actor=Actor.PARQUET,
            deadline=DeadlineKind.SLA,
            rule=target(months=3, label="décision du parquet"),
            outcomes=(
                outcome(
                    Out.POURSUITES,
                    "Poursuites engagées",
                    Step.AVIS_PLAIGNANT,
                    Step.AUDIENCE_PENALE,
                    data=Audience,
                ),
                outcome(Out.ALTERNATIVE, "Alternative aux poursuites", Step.AVIS_PLAIGNANT),
                outcome(
                    Out.CLASSEMENT,
                    "Classement sans suite",
                    Step.AVIS_PLAIGNANT,
                    Step.RECOURS_PROCUREUR_GENERAL,
                    Step.PARTIE_CIVILE_POSSIBLE,
                    data=Motif,
                ),
            ),
            propagated=True,
            legal_basis="art. 40-1 CPP",
        ),
        StepSpec(
            key=Step.AVIS_PLAIGNANT,
            label="Avis de la décision au plaignant",
            actor=Actor.PARQUET,
            deadline=DeadlineKind.DATE,
            outcomes=(outcome(Out.NOTIFIE, "Plaignant avisé", Step.CLOTURE),),
            legal_basis="art. 40-2 CPP",
        ),
        recours_procureur_general(Step.RECOURS_PROCUREUR_GENERAL, Out.FORME, Out.RENONCE),
        StepSpec(
            key=Step.PARTIE_CIVILE_POSSIBLE,
            label="Plainte avec constitution de partie civile possible",
            actor=Actor.BAILLEUR,
            deadline=DeadlineKind.NONE,
            optional=True,
            outcomes=(
                outcome(Out.CONSTITUEE, "Partie civile constituée"),
                outcome(Out.RENONCE, "Pas de constitution"),
            ),
            # Never for a contravention (CPP 79): the flow does not open it. The catalogue keeps
            # it applicable to every qualification, as dossiers started before opened it.
            legal_basis="art. 85 CPP",
        ),
        StepSpec(
            key=Step.AUDIENCE_PENALE,
            label="Audience pénale",
            actor=Actor.JUGE,
            deadline=DeadlineKind.DATE,
            outcomes=(
                outcome(Out.JUGEMENT, "Affaire jugée", Step.JUGEMENT_PENAL),
                outcome(Out.RENVOI, "Audience renvoyée", Step.AUDIENCE_PENALE, data=Renvoi),
            ),
        ),
        StepSpec(
            key=Step.JUGEMENT_PENAL,
            decision=True,
            judgment=True,
            label="Jugement pénal",
            actor=Actor.JUGE,
            deadline=DeadlineKind.NONE,
            outcomes=(
                outcome(
                    Out.CONDAMNATION, "Condamnation", Step.TRANSMISSION_DECISION, data=Condamnation
                ),
                outcome(Out.RELAXE, "Relaxe", Step.TRANSMISSION_DECISION),
            ),
        ),
        StepSpec(
            key=Step.TRANSMISSION_DECISION,
            label="Transmission de la décision au bailleur",
            actor=Actor.PARQUET,
            deadline=DeadlineKind.SLA,
            rule=target(months=1, label="transmission"),
            outcomes=(outcome(Out.TRANSMISE, "Décision transmise", Step.CLOTURE),),
        ),
        CLOSING_STEP,
    ),
    anytime=(
        # CPP 85: a copy of a complaint lodged with the police or gendarmerie, sent to the
        # procureur after the filing, starts the 3 months.
        outcome(Out.COPIE_PROCUREUR, "Copie de la plainte adressée au procureur"),
    ),
)

PARTIE_CIVILE = DeadlineRule(
    months=3,
    waiting=True,
    regime=Regime.PENAL,
    label="plainte avec constitution de partie civile recevable",
    legal_basis="art. 85 CPP",
)
# A complaint filed online or by letter is the bailleur's own act: a convention target.
FILED_BY_THE_BAILLEUR = DeadlineRule(working_days=5, regime=Regime.SLA, label="dépôt")


def prescription(faits_le: datetime, qualification: str, trafic: bool) -> tuple[date, str]:
    """The day the action publique is time-barred, and the rule applied (CPP 7 to 9)."""
    years = (PRESCRIPTION_YEARS_TRAFIC if trafic else PRESCRIPTION_YEARS)[
        Qualification(qualification)
    ]
    contravention = qualification == Qualification.CONTRAVENTION
    basis = "art. 706-26 CPP" if trafic and not contravention else "art. 7 à 9 CPP"
    day = paris_day(faits_le) + relativedelta(years=years)
    return day, f"{years} an{'s' if years > 1 else ''} à compter des faits ({basis})"


def online_refusal(facts: PlainteFacts) -> str | None:
    """A French message if this complaint may not be filed online (CPP 15-3-1)."""
    if facts.canal == CanalPlainte.EN_LIGNE and facts.faits.categorie not in ONLINE_CATEGORIES:
        return (
            "La plainte en ligne n'est ouverte qu'aux atteintes aux biens listées "
            "(art. 15-3-1 CPP) : déposer cette plainte au commissariat, à la brigade ou par "
            "courrier au procureur."
        )
    return None


def _day(d: date) -> str:
    return f"{d:%d/%m/%Y}"


def copy_date_refusal(filed_on: date, copy_on: date) -> str | None:
    """A copy of the complaint is sent to the procureur on or after its filing (CPP 85)."""
    if copy_on < filed_on:
        return (
            f"La copie de la plainte ne peut être adressée au procureur ({_day(copy_on)}) avant "
            f"son dépôt, le {_day(filed_on)} (art. 85 CPP) : premier jour possible : "
            f"{_day(filed_on)}."
        )
    return None


def completion_refusal(
    facts: PlainteFacts, state: StepState, command: CompleteStep, policy: Policy
) -> str | None:
    """A copy recorded with the filing is not dated before it."""
    if state.key == Step.DEPOT_PLAINTE and command.outcome == Out.ENREGISTREE:
        copy_on = PlainteEnregistree.model_validate(command.data).copie_procureur_le
        return copy_date_refusal(command.on, copy_on) if copy_on else None
    return None


def declaration_refusal(
    facts: PlainteFacts,
    declaration: Declaration,
    steps: list[StepState],
    milestones: list[Milestone],
) -> str | None:
    """A copy sent to the procureur starts CPP 85's 3 months only for a délit lodged with the
    police or gendarmerie, after its filing, before the parquet's decision, once."""
    if declaration.key != Out.COPIE_PROCUREUR:
        return None
    qualification = facts.faits.qualification
    if qualification == Qualification.CONTRAVENTION:
        return (
            "Pas de plainte avec constitution de partie civile pour une contravention : "
            "l'instruction n'y est pas ouverte (art. 79 et 85 CPP)."
        )
    if qualification == Qualification.CRIME:
        return (
            "Pour un crime, la plainte avec constitution de partie civile est recevable sans "
            "délai de 3 mois (art. 85 CPP) : la copie au procureur n'est pas requise."
        )
    if facts.canal == CanalPlainte.COURRIER_PROCUREUR:
        return (
            "La plainte a été adressée au procureur lui-même : le délai de 3 mois "
            "(art. 85 CPP) court depuis son dépôt."
        )
    filed = next((s for s in steps if s.key == Step.DEPOT_PLAINTE and s.outcome), None)
    if filed is None:
        return (
            "La copie de la plainte au procureur se déclare une fois la plainte déposée "
            "(art. 85 CPP)."
        )
    if PlainteEnregistree.of(filed).copie_procureur_le is not None:
        return (
            "La copie de la plainte au procureur est déjà enregistrée avec le dépôt (art. 85 CPP)."
        )
    decided = next((s for s in steps if s.key == Step.DECISION_PARQUET and s.outcome), None)
    if decided is not None:
        return (
            f"Le parquet a déjà rendu sa décision, le {_day(decided.done_on)} (art. 40-1 CPP) : "
            "la copie de la plainte n'ouvre plus le délai de 3 mois de l'art. 85 CPP."
        )
    return copy_date_refusal(filed.done_on, declaration.on)


DEFINITION = ProcedureDefinition(
    kind=ProcedureKind.PLAINTE,
    facts=PlainteFacts,
    catalog=CATALOG,
    title=lambda facts: f"Plainte — {facts.faits.categorie.label.lower()}",
    plural="Plaintes",
    wording=StartWording(
        title="Nouvelle plainte",
        summary="Porter plainte pour le bailleur ou accompagner un agent victime.",
        note="",
        submit="Enregistrer la plainte",
        defaults={"plaignant.type": "bailleur", "faits.qualification": "delit"},
        rows={"mis_en_cause": 3},
    ),
    diagnosed=Diagnosed(
        incident=True,
        moment="faits.le",
        categories="faits.categorie",
        place="residence",
        trafic_flag="faits.trafic_stupefiants",
    ),
    shared_facts=("kind", "residence", "plaignant", "faits", "canal", "mis_en_cause"),
    refusal=online_refusal,
    completion_refusal=completion_refusal,
    declaration_refusal=declaration_refusal,
)
