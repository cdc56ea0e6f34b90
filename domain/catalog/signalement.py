"""The signalement: a report of facts by the bailleur to the forces and/or the parquet."""

from domain.actors import Actor
from domain.calendar import DeadlineRule, Regime
from domain.steps import CLOSING_STEP, Catalog, DeadlineKind, Outcome, StepSpec

SIGNALEMENT = Catalog(
    kind="signalement",
    label="Signalement",
    first=("transmission",),
    steps=(
        StepSpec(
            key="transmission",
            label="Transmission du signalement",
            actor=Actor.BAILLEUR,
            deadline=DeadlineKind.NONE,
            outcomes=(
                Outcome(
                    key="transmis",
                    label="Signalement transmis",
                    next=("transmission_pv", "accuse_reception", "decision_parquet"),
                ),
            ),
        ),
        StepSpec(
            key="transmission_pv",
            label="Transmission du procès-verbal de l'agent assermenté au procureur",
            actor=Actor.BAILLEUR,
            deadline=DeadlineKind.LAW,
            rule=DeadlineRule(
                days=5,
                regime=Regime.PENAL,
                legal_basis="art. 29 CPP ; art. L. 614-6 CSI (à peine de nullité)",
                label="transmission du procès-verbal",
            ),
            outcomes=(Outcome(key="transmis", label="Procès-verbal transmis"),),
            legal_basis="art. 29 CPP ; art. L. 614-6 CSI",
        ),
        StepSpec(
            key="accuse_reception",
            label="Accusé de réception du signalement",
            actor=Actor.FORCES,
            deadline=DeadlineKind.SLA,
            rule=DeadlineRule(working_days=2, regime=Regime.SLA, label="accusé de réception"),
            outcomes=(Outcome(key="recu", label="Signalement reçu", next=("retour_information",)),),
            legal_basis="convention sécurité – tranquillité résidentielle (objectif)",
        ),
        StepSpec(
            key="retour_information",
            label="Retour d'information au bailleur",
            actor=Actor.FORCES,
            deadline=DeadlineKind.SLA,
            rule=DeadlineRule(days=15, regime=Regime.SLA, label="retour d'information"),
            outcomes=(
                Outcome(
                    key="intervention_realisee", label="Intervention réalisée", next=("cloture",)
                ),
                Outcome(key="enquete_ouverte", label="Enquête ouverte", next=("cloture",)),
                Outcome(
                    key="transmis_parquet", label="Transmis au parquet", next=("decision_parquet",)
                ),
                Outcome(
                    key="plainte_requise",
                    label="Plainte du bailleur requise",
                    next=("cloture",),
                ),
                Outcome(key="sans_suite", label="Sans suite", next=("cloture",)),
            ),
            legal_basis="convention sécurité – tranquillité résidentielle (objectif)",
        ),
        StepSpec(
            key="decision_parquet",
            label="Décision du parquet",
            actor=Actor.PARQUET,
            deadline=DeadlineKind.SLA,
            rule=DeadlineRule(months=2, regime=Regime.SLA, label="décision du parquet"),
            outcomes=(
                Outcome(key="poursuites", label="Poursuites engagées", next=("cloture",)),
                Outcome(key="alternative", label="Alternative aux poursuites", next=("cloture",)),
                Outcome(
                    key="classement",
                    label="Classement sans suite",
                    next=("cloture",),
                    required=("motif",),
                ),
            ),
            propagated=True,
            legal_basis="art. 40-1 CPP",
        ),
        CLOSING_STEP,
    ),
)


def applicable_steps(source: str, destinataire: str) -> frozenset[str]:
    """The steps a signalement may go through, given its source and recipient."""
    keys = {"transmission", "cloture"}
    if source == "agent_assermente":
        keys.add("transmission_pv")
    if destinataire in ("forces", "forces_et_parquet"):
        keys |= {"accuse_reception", "retour_information", "decision_parquet"}
    if destinataire in ("parquet", "forces_et_parquet"):
        keys.add("decision_parquet")
    return frozenset(keys)
