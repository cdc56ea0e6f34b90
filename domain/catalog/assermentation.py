"""Assermentation of a staff member: garde particulier (CPP 29, 29-1, R. 15-33-24 to
R. 15-33-29-2) or agent of a landlords' internal security service (CSI L. 614-1, L. 614-6)."""

from __future__ import annotations

from datetime import date

from dateutil.relativedelta import relativedelta

from domain.actors import Actor
from domain.calendar import DeadlineRule, Regime
from domain.steps import CLOSING_STEP, Catalog, DeadlineKind, Outcome, StepSpec

AGREMENT_YEARS = 5  # R. 15-33-27-1 (garde particulier), R. 614-15 (service interne)
SUSPENSION = DeadlineRule(
    months=3,
    regime=Regime.CIVIL,
    label="suspension d'urgence",
    legal_basis="art. R. 15-33-29-2 CPP",
)
MIN_TRAINING_HOURS = 10  # arrêté du 30 août 2006, module 1


def _sla(months: int, label: str) -> DeadlineRule:
    return DeadlineRule(months=months, regime=Regime.SLA, label=label)


def _step(
    key: str,
    label: str,
    actor: Actor,
    months: int,
    outcomes: tuple[Outcome, ...],
    legal_basis: str = "",
    note: str = "",
) -> StepSpec:
    return StepSpec(
        key=key,
        label=label,
        actor=actor,
        deadline=DeadlineKind.SLA,
        rule=_sla(months, label.lower()),
        outcomes=outcomes,
        legal_basis=legal_basis,
        note=note,
    )


ASSERMENTATION = Catalog(
    kind="assermentation",
    label="Assermentation",
    first=("formation",),
    data_types={
        "heures": "int",
        "arrete_le": "date",
        "visa_le": "date",
        "motif": "text",
        "pieces_completes": "bool",
    },
    steps=(
        _step(
            "formation",
            "Formation",
            Actor.BAILLEUR,
            3,
            (
                Outcome(
                    key="suivie",
                    label="Formation suivie",
                    next=("aptitude_technique", "commission"),
                    required=("heures",),
                ),
            ),
            "arrêté du 30 août 2006",
        ),
        _step(
            "aptitude_technique",
            "Reconnaissance de l'aptitude technique",
            Actor.PREFET,
            2,
            (
                Outcome(
                    key="reconnue",
                    label="Aptitude reconnue",
                    next=("commission",),
                    required=("arrete_le",),
                ),
                Outcome(
                    key="refusee", label="Aptitude refusée", next=("cloture",), required=("motif",)
                ),
            ),
            "art. R. 15-33-26 CPP",
        ),
        _step(
            "commission",
            "Commission par le bailleur",
            Actor.BAILLEUR,
            1,
            (Outcome(key="signee", label="Commission signée", next=("demande_agrement",)),),
            "art. R. 15-33-24 CPP",
        ),
        _step(
            "demande_agrement",
            "Demande d'agrément au préfet",
            Actor.BAILLEUR,
            1,
            (
                Outcome(
                    key="deposee",
                    label="Demande déposée (sept pièces)",
                    next=("instruction_agrement",),
                    required=("pieces_completes",),
                ),
            ),
            "art. R. 15-33-25 CPP",
        ),
        _step(
            "instruction_agrement",
            "Instruction de l'agrément",
            Actor.PREFET,
            2,
            (
                Outcome(
                    key="agree",
                    label="Agrément accordé",
                    next=("carte_agrement",),
                    required=("arrete_le",),
                ),
                Outcome(
                    key="refuse", label="Agrément refusé", next=("cloture",), required=("motif",)
                ),
            ),
            "art. R. 15-33-27 CPP",
            "Aucun délai d'instruction n'est fixé par les textes : objectif de la convention.",
        ),
        _step(
            "carte_agrement",
            "Carte d'agrément",
            Actor.BAILLEUR,
            1,
            (
                Outcome(
                    key="delivree",
                    label="Carte délivrée et visée",
                    next=("prestation_serment",),
                    required=("visa_le",),
                ),
            ),
            "art. R. 15-33-27-1 CPP",
        ),
        _step(
            "prestation_serment",
            "Prestation de serment",
            Actor.JUGE,
            2,
            (Outcome(key="pretee", label="Serment prêté"),),
            "art. R. 15-33-29 CPP",
        ),
        StepSpec(
            key="renouvellement",
            label="Renouvellement de l'agrément",
            actor=Actor.BAILLEUR,
            deadline=DeadlineKind.DATE,
            silence_outcome="expire",
            outcomes=(
                Outcome(
                    key="demandee", label="Renouvellement demandé", next=("instruction_agrement",)
                ),
                Outcome(key="expire", label="Agrément expiré", next=("cloture",)),
            ),
            legal_basis="art. R. 15-33-28 CPP",
        ),
        StepSpec(
            key="suspension",
            label="Suspension d'urgence de l'agrément",
            actor=Actor.PREFET,
            deadline=DeadlineKind.LAW,
            rule=SUSPENSION,
            silence_outcome="levee",
            outcomes=(
                Outcome(key="levee", label="Suspension levée"),
                Outcome(key="renouvelee", label="Suspension renouvelée", next=("suspension",)),
                Outcome(
                    key="retrait", label="Agrément retiré", next=("cloture",), required=("motif",)
                ),
            ),
            legal_basis="art. R. 15-33-29-2 CPP (3 mois, renouvelable une fois)",
        ),
        StepSpec(
            key="fin_commission",
            label="Information du préfet : fin de la commission",
            actor=Actor.BAILLEUR,
            deadline=DeadlineKind.DATE,
            outcomes=(Outcome(key="informee", label="Préfet informé", next=("cloture",)),),
            legal_basis="art. R. 15-33-29-1 CPP (sans délai)",
        ),
        CLOSING_STEP,
    ),
    anytime=(
        Outcome(key="suspension", label="Suspension d'urgence décidée par le préfet"),
        Outcome(key="fin_commission", label="Fin de la commission de l'agent"),
    ),
    anytime_actors={"suspension": Actor.PREFET},
)


def applicable_steps(route: str) -> frozenset[str]:
    """The steps an assermentation may go through: no aptitude for the internal service."""
    keys = {s.key for s in ASSERMENTATION.steps}
    if route != "garde_particulier":
        keys.discard("aptitude_technique")
    return frozenset(keys)


def agrement_end(arrete_le: date) -> date:
    """The day the agrément ends: five years after its arrêté (CPC 641 counting, no shift)."""
    return arrete_le + relativedelta(years=AGREMENT_YEARS)


def check_completion(key: str, outcome: str, data: dict, route: str, seq: int) -> str | None:
    """A French message when a completion breaks a rule of the assermentation, else None."""
    if (
        key == "formation"
        and route == "garde_particulier"
        and int(data.get("heures", 0)) < MIN_TRAINING_HOURS
    ):
        return (
            f"La formation d'un garde particulier compte au moins {MIN_TRAINING_HOURS} "
            "heures (arrêté du 30 août 2006, module 1)."
        )
    if key == "suspension" and outcome == "renouvelee" and seq >= 2:
        return (
            "La suspension d'urgence n'est renouvelable qu'une fois (art. R. 15-33-29-2 CPP) : "
            "la lever ou retirer l'agrément."
        )
    if key == "demande_agrement" and data.get("pieces_completes") is not True:
        return "Les sept pièces de la demande (art. R. 15-33-25 CPP) doivent être présentes."
    return None
