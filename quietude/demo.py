"""Demo data: realistic procedures across the communes of the départements where each demo
bailleur has résidences (Essonne; Essonne, Seine-Saint-Denis and Hauts-de-Seine for the landlord
across départements), started through the procedure service (the real workflows, with dossiers
in progress imported at various steps), reproducible by a seed."""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from pydantic import TypeAdapter
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from domain.actors import Role
from domain.kinds import ProcedureKind
from domain.procedures import StartBody, plainte, resiliation, signalement
from quietude.procedures import StartRefused, StartRequest
from quietude.tokens import Claims
from store.reference import DEMO_BAILLEURS
from store.tables import Commune, Residence

log = logging.getLogger(__name__)
PARIS = ZoneInfo("Europe/Paris")
STARTS_AT_ONCE = 8
RESIDENCES = ("des Tilleuls", "des Peupliers", "du Parc", "Jean-Moulin", "des Aubépines")
CATEGORIES = {  # weights, after the USH observatory's orders of magnitude
    "occupation_halls": 30,
    "troubles_jouissance": 25,
    "degradations": 20,
    "trafic_stupefiants": 15,
    "agression_personnel": 7,
    "autre": 3,
}
NIGHT = frozenset({"occupation_halls", "trafic_stupefiants"})
_BODY: TypeAdapter[Any] = TypeAdapter(StartBody)
# Short names of the step keys the demo dossiers are imported at.
S, P, R = signalement.StepKey, plainte.StepKey, resiliation.StepKey
# The share of each kind of procedure among the demo ones.
SHARES = {ProcedureKind.SIGNALEMENT: 60, ProcedureKind.PLAINTE: 25, ProcedureKind.RESILIATION: 15}


class Starter(Protocol):
    """What the demo needs of ProcedureService."""

    async def start(self, request: StartRequest) -> str: ...


Communes = list[tuple[str, int]]  # (INSEE code, population)


def communes_of(
    engine: Engine, only: Sequence[str] = (), departements: Sequence[str] = ()
) -> Communes:
    """The communes (INSEE code, population) to spread the procedures over: those of `only`,
    else those of `departements`, else every one loaded."""
    with Session(engine) as session:
        query = select(col(Commune.insee), col(Commune.population)).order_by(col(Commune.insee))
        if only:
            query = query.where(col(Commune.insee).in_(only))
        elif departements:
            query = query.where(col(Commune.departement).in_(departements))
        return [(insee, population) for insee, population in session.exec(query).all()]


def residence_departements(engine: Engine, bailleur_id: str) -> list[str]:
    """The départements where the bailleur has résidences, in order (none: unknown bailleur)."""
    with Session(engine) as session:
        statement = (
            select(col(Commune.departement))
            .join(Residence, col(Residence.commune_insee) == col(Commune.insee))
            .where(col(Residence.bailleur_id) == bailleur_id)
            .distinct()
        )
        return sorted(session.exec(statement).all())


class DemoPlanner:
    """Draws start bodies from a seeded generator: same seed, same procedures."""

    def __init__(self, communes: Communes, today: date, seed: int = 91) -> None:
        self.random = random.Random(seed)
        self.communes = communes
        self.place_in = communes  # the communes of the body being drawn
        self.today = today

    def bodies(self, count: int, places: Sequence[Communes] = ()) -> list[Any]:
        """`count` validated start bodies; the i-th in the communes `places[i % len(places)]`
        when given (a bailleur's territory), else in any of the planner's."""
        return [
            _BODY.validate_python(self.body(places[index % len(places)] if places else None))
            for index in range(count)
        ]

    def body(self, communes: Communes | None = None) -> dict[str, Any]:
        """One start body: a signalement, a plainte or a résiliation, in one of `communes`
        (else of the planner's)."""
        self.place_in = communes or self.communes
        kind = self.random.choices(list(SHARES), list(SHARES.values()))[0]
        return getattr(self, f"_{kind.value}")()

    def _place(self) -> dict[str, Any]:
        insee = self.random.choices(
            [c for c, _ in self.place_in], [max(p, 1) for _, p in self.place_in]
        )[0]
        nom = self.random.choice(RESIDENCES)
        return {
            "nom": f"Résidence {nom}",
            "adresse": f"{self.random.randint(1, 40)} rue {nom.split()[-1]}",
            "commune_insee": insee,
            "batiment": self.random.choice("ABCD"),
            "hall": str(self.random.randint(1, 3)),
        }

    def _moment(self, categorie: str, max_days: int = 360) -> datetime:
        day = self.today - timedelta(days=self.random.randint(1, max_days))
        if categorie in NIGHT:
            hour = self.random.choice([18, 19, 20, 21, 21, 22, 22, 23, 23, 0, 1, 2])
        else:
            hour = self.random.randint(8, 20)
        moment = datetime.combine(day, time(hour, self.random.choice([0, 15, 30, 45])))
        return moment.replace(tzinfo=PARIS)

    def _after(self, day: date, low: int, high: int) -> date:
        return min(day + timedelta(days=self.random.randint(low, high)), self.today)

    def _signalement(self) -> dict[str, Any]:
        categorie = self.random.choices(list(CATEGORIES), list(CATEGORIES.values()))[0]
        moment = self._moment(categorie)
        sent = self._after(moment.date(), 0, 2)
        acknowledged = self._after(sent, 0, 6)
        answered = self._after(acknowledged, 3, 30)
        etape = self.random.choice([S.ACCUSE_RECEPTION, S.RETOUR_INFORMATION, S.DECISION_PARQUET])
        dates: dict[str, date] = {S.TRANSMISSION: sent}
        outcomes: dict[str, str] = {}
        if etape != S.ACCUSE_RECEPTION:
            dates[S.ACCUSE_RECEPTION] = acknowledged
        if etape == S.DECISION_PARQUET:
            dates[S.RETOUR_INFORMATION] = answered
            outcomes[S.RETOUR_INFORMATION] = signalement.OutcomeKey.TRANSMIS_PARQUET
        return {
            "kind": ProcedureKind.SIGNALEMENT.value,
            "residence": self._place(),
            "categorie": categorie,
            "faits_le": moment.isoformat(),
            "description": "Faits constatés par le gardien (données de démonstration).",
            "source": self.random.choice(["gardien", "agent", "locataire"]),
            "destinataire": "forces",
            "en_cours": {"etape": etape, "dates": _iso(dates), "outcomes": outcomes},
        }

    def _plainte(self) -> dict[str, Any]:
        categorie = self.random.choices(list(CATEGORIES), list(CATEGORIES.values()))[0]
        moment = self._moment(categorie)
        ready = self._after(moment.date(), 0, 3)
        meeting = self._after(ready, 1, 10)
        filed = self._after(meeting, 0, 5)
        sent = self._after(filed, 10, 60)
        decided = self._after(sent, 5, 90)
        etape = self.random.choice([P.ENQUETE, P.DECISION_PARQUET, P.AVIS_PLAIGNANT])
        dates: dict[str, date] = {
            P.PREPARATION_DOSSIER: ready,
            P.RENDEZ_VOUS_DEPOT: meeting,
            P.DEPOT_PLAINTE: filed,
        }
        data: dict[str, dict[str, Any]] = {
            P.RENDEZ_VOUS_DEPOT: {"rendez_vous": filed.isoformat()},
            P.DEPOT_PLAINTE: {"numero_procedure": f"PV-{self.random.randint(10000, 99999)}"},
        }
        outcomes: dict[str, str] = {}
        if etape != P.ENQUETE:
            dates[P.ENQUETE] = sent
        if etape == P.AVIS_PLAIGNANT:
            dates[P.DECISION_PARQUET] = decided
            decision = plainte.OutcomeKey
            outcome = self.random.choice(
                [decision.ALTERNATIVE, decision.CLASSEMENT, decision.ALTERNATIVE]
            )
            outcomes[P.DECISION_PARQUET] = outcome
            if outcome == decision.CLASSEMENT:
                data[P.DECISION_PARQUET] = {"motif": "Auteur inconnu"}
        return {
            "kind": ProcedureKind.PLAINTE.value,
            "plaignant": {"type": "bailleur"},
            "residence": self._place(),
            "faits": {
                "categorie": categorie,
                "le": moment.isoformat(),
                "qualification": "delit",
                "trafic_stupefiants": categorie == "trafic_stupefiants",
                "description": "Faits dénoncés par le bailleur (données de démonstration).",
            },
            "canal": self.random.choice(["commissariat", "brigade"]),
            "en_cours": {
                "etape": etape,
                "dates": _iso(dates),
                "outcomes": outcomes,
                "data": data,
            },
        }

    def _resiliation(self) -> dict[str, Any]:
        started = self.today - timedelta(days=self.random.randint(20, 360))
        warned = self._after(started, 5, 30)
        etape = self.random.choice([R.MISE_EN_DEMEURE, R.DELAI_MISE_EN_DEMEURE, R.ASSIGNATION])
        dates: dict[str, date] = {R.CONSTITUTION_DOSSIER: started}
        outcomes: dict[str, str] = {}
        if etape != R.MISE_EN_DEMEURE:
            dates[R.MISE_EN_DEMEURE] = warned
        if etape == R.ASSIGNATION:
            dates[R.DELAI_MISE_EN_DEMEURE] = self._after(warned, 30, 45)
            outcomes[R.DELAI_MISE_EN_DEMEURE] = resiliation.OutcomeKey.TROUBLES_PERSISTANTS
        motif = self.random.choices(
            ["trafic_stupefiants", "troubles_jouissance", "agression_personnel"], [4, 5, 1]
        )[0]
        number = self.random.randint(1000, 9999)
        return {
            "kind": ProcedureKind.RESILIATION.value,
            "logement": {"residence": self._place(), "reference": f"LGT-{number}"},
            "bail": {"reference": f"B-DEMO-{number}", "date_effet": "2018-09-01"},
            "locataires": [{"nom": "Démo", "prenom": f"Locataire {number}"}],
            "motifs": [motif],
            "origine": "bailleur",
            "en_cours": {"etape": etape, "dates": _iso(dates), "outcomes": outcomes},
        }


def _iso(dates: dict[str, date]) -> dict[str, str]:
    return {key: day.isoformat() for key, day in dates.items()}


async def create_demo(
    service: Starter,
    engine: Engine,
    count: int,
    *,
    bailleurs: Sequence[str] = tuple(DEMO_BAILLEURS),
    communes: Sequence[str] = (),
    seed: int = 91,
    today: date | None = None,
) -> list[str]:
    """Start `count` demo procedures through `service`, each bailleur's in turn, in the
    `communes` given, else in the départements of its résidences; the ids of those started."""
    planner = DemoPlanner(communes_of(engine, communes), today or datetime.now(PARIS).date(), seed)
    places = [
        communes_of(engine, communes, residence_departements(engine, org)) for org in bailleurs
    ]
    bodies = planner.bodies(count, places)
    semaphore = asyncio.Semaphore(STARTS_AT_ONCE)

    async def start(index: int, body: Any) -> str | None:
        org = bailleurs[index % len(bailleurs)]
        caller = Claims(sub=f"demo@{org}", org=org, role=Role.JURISTE)
        async with semaphore:
            try:
                return await service.start(StartRequest(caller=caller, facts=body))
            except StartRefused as refusal:
                log.warning("dossier de démonstration %d refusé : %s", index + 1, refusal.message)
                return None

    started = await asyncio.gather(*(start(i, body) for i, body in enumerate(bodies)))
    return [procedure_id for procedure_id in started if procedure_id]
