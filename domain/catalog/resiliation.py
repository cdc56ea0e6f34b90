"""Résiliation de bail through to expulsion (loi 89-462, CCH, CPCE), as data."""

from __future__ import annotations

from datetime import date, timedelta

from domain.actors import Actor
from domain.calendar import DeadlineRule, Regime, french_date
from domain.steps import CLOSING_STEP, Catalog, DeadlineKind, Outcome, StepSpec

CONVENTION = "objectif de la convention (sans valeur légale)"


def _sla(
    key: str,
    label: str,
    actor: Actor,
    rule: DeadlineRule,
    outcomes: tuple[Outcome, ...],
    legal_basis: str = "",
) -> StepSpec:
    return StepSpec(
        key=key,
        label=label,
        actor=actor,
        deadline=DeadlineKind.SLA,
        rule=rule,
        outcomes=outcomes,
        legal_basis=legal_basis,
    )


def _sla_months(months: int, label: str) -> DeadlineRule:
    return DeadlineRule(months=months, regime=Regime.SLA, label=label)


def _sla_days(days: int, label: str) -> DeadlineRule:
    return DeadlineRule(days=days, regime=Regime.SLA, label=label)


RESILIATION = Catalog(
    kind="resiliation",
    label="Résiliation de bail",
    first=("reponse_injonction", "constitution_dossier", "demande_information_parquet"),
    data_types={
        "audience": "date",
        "nouvelle_audience": "date",
        "nouvelle_date": "date",
        "motif": "text",
        "delai_reduit_jours": "int",
        "offre_relogement": "bool",
        "delais_accordes": "bool",
        "delai_deux_mois": "choice:maintenu,reduit,supprime",
    },
    steps=(
        StepSpec(
            key="reponse_injonction",
            label="Réponse à l'injonction du préfet",
            actor=Actor.BAILLEUR,
            deadline=DeadlineKind.LAW,
            rule=DeadlineRule(
                days=15,
                regime=Regime.CIVIL,
                legal_basis="art. L. 442-4-3 CCH",
                label="réponse à l'injonction",
            ),
            outcomes=(
                Outcome(
                    key="acceptee",
                    label="Injonction acceptée",
                    next=("saisine_juge_apres_injonction",),
                ),
                Outcome(key="refusee", label="Injonction refusée", next=("substitution_prefet",)),
                Outcome(
                    key="implicite_refus",
                    label="Refus implicite (silence)",
                    next=("substitution_prefet",),
                ),
            ),
            silence_outcome="implicite_refus",
            legal_basis="art. L. 442-4-3 CCH",
            note="Point de départ du délai de 15 jours non confirmé : la date de l'injonction est "
            "retenue.",
        ),
        StepSpec(
            key="saisine_juge_apres_injonction",
            label="Saisine du juge après l'injonction",
            actor=Actor.BAILLEUR,
            deadline=DeadlineKind.LAW,
            rule=DeadlineRule(
                months=1,
                regime=Regime.CIVIL,
                legal_basis="art. L. 442-4-3 CCH",
                label="saisine du juge",
            ),
            outcomes=(
                Outcome(
                    key="assignation_delivree",
                    label="Assignation délivrée",
                    next=("notification_prefet_assignation", "audience"),
                    required=("audience",),
                ),
                Outcome(
                    key="implicite_carence",
                    label="Pas de saisine dans le mois",
                    next=("substitution_prefet",),
                ),
            ),
            silence_outcome="implicite_carence",
            legal_basis="art. L. 442-4-3 CCH",
        ),
        StepSpec(
            key="substitution_prefet",
            label="Substitution du préfet au bailleur",
            actor=Actor.PREFET,
            deadline=DeadlineKind.NONE,
            outcomes=(
                Outcome(
                    key="substitue",
                    label="Le préfet engage l'action",
                    next=("notification_prefet_assignation", "audience"),
                    required=("audience",),
                ),
                Outcome(key="abandon", label="Pas de substitution", next=("cloture",)),
            ),
            legal_basis="art. L. 442-4-3 CCH",
        ),
        _sla(
            "constitution_dossier",
            "Constitution du dossier",
            Actor.BAILLEUR,
            _sla_months(1, "constitution du dossier"),
            (Outcome(key="complet", label="Dossier complet", next=("mise_en_demeure",)),),
        ),
        _sla(
            "demande_information_parquet",
            "Demande d'information au parquet (condamnations, décisions)",
            Actor.PARQUET,
            _sla_months(1, "réponse du parquet"),
            (
                Outcome(key="transmise", label="Information transmise"),
                Outcome(key="aucune_information", label="Aucune information"),
            ),
            "convention sécurité – tranquillité résidentielle",
        ),
        _sla(
            "mise_en_demeure",
            "Mise en demeure du locataire",
            Actor.BAILLEUR,
            _sla_days(15, "mise en demeure"),
            (
                Outcome(
                    key="envoyee", label="Mise en demeure envoyée", next=("delai_mise_en_demeure",)
                ),
            ),
            "art. 6-1 loi 89-462 ; art. L. 442-4-1 CCH",
        ),
        _sla(
            "delai_mise_en_demeure",
            "Délai laissé après la mise en demeure",
            Actor.BAILLEUR,
            _sla_months(1, "délai après la mise en demeure"),
            (
                Outcome(
                    key="troubles_persistants",
                    label="Les troubles persistent",
                    next=("offre_relogement", "assignation"),
                ),
                Outcome(key="troubles_cesses", label="Les troubles ont cessé", next=("cloture",)),
            ),
            "art. 6-1 loi 89-462",
        ),
        StepSpec(
            key="offre_relogement",
            label="Offre de relogement (réponse du locataire)",
            actor=Actor.BAILLEUR,
            deadline=DeadlineKind.LAW,
            rule=DeadlineRule(
                months=1,
                regime=Regime.CIVIL,
                legal_basis="art. L. 442-4-1 CCH",
                label="réponse du locataire à l'offre de relogement",
            ),
            outcomes=(
                Outcome(key="acceptee", label="Offre acceptée", next=("cloture",)),
                Outcome(key="refusee", label="Offre refusée", next=("assignation",)),
                Outcome(
                    key="implicite_refus",
                    label="Pas de réponse dans le mois",
                    next=("assignation",),
                ),
            ),
            silence_outcome="implicite_refus",
            optional=True,
            legal_basis="art. L. 442-4-1 CCH",
        ),
        _sla(
            "assignation",
            "Assignation devant le juge des contentieux de la protection",
            Actor.COMMISSAIRE_JUSTICE,
            _sla_months(1, "assignation"),
            (
                Outcome(
                    key="delivree",
                    label="Assignation délivrée",
                    next=("notification_prefet_assignation", "audience"),
                    required=("audience",),
                ),
            ),
            "art. L. 213-4-4 COJ",
        ),
        StepSpec(
            key="notification_prefet_assignation",
            label="Notification de l'assignation au préfet",
            actor=Actor.COMMISSAIRE_JUSTICE,
            deadline=DeadlineKind.LAW,
            rule=DeadlineRule(
                days=42,
                before=True,
                regime=Regime.CIVIL,
                legal_basis="art. 24 III loi 89-462 ; Cass. avis 6 nov. 2025",
                label="notification au préfet",
            ),
            outcomes=(Outcome(key="notifiee", label="Assignation notifiée au préfet"),),
            legal_basis="art. 24 III loi 89-462",
        ),
        StepSpec(
            key="audience",
            label="Audience",
            actor=Actor.JUGE,
            deadline=DeadlineKind.DATE,
            outcomes=(
                Outcome(key="tenue", label="Audience tenue", next=("jugement",)),
                Outcome(
                    key="renvoi",
                    label="Audience renvoyée",
                    next=("audience",),
                    required=("nouvelle_audience",),
                ),
            ),
        ),
        StepSpec(
            key="jugement",
            label="Jugement",
            actor=Actor.JUGE,
            deadline=DeadlineKind.NONE,
            outcomes=(
                Outcome(
                    key="resiliation_prononcee",
                    label="Résiliation du bail et expulsion prononcées",
                    next=("signification_jugement",),
                    required=("delai_deux_mois",),
                ),
                Outcome(key="rejet", label="Demande rejetée", next=("cloture",)),
            ),
            legal_basis="art. 1728 et 1729 C. civ. ; art. 7 b loi 89-462",
        ),
        _sla(
            "signification_jugement",
            "Signification du jugement",
            Actor.COMMISSAIRE_JUSTICE,
            _sla_months(1, "signification"),
            (
                Outcome(
                    key="signifie",
                    label="Jugement signifié",
                    next=("commandement_quitter_les_lieux",),
                ),
            ),
            "art. 503 CPC",
        ),
        _sla(
            "commandement_quitter_les_lieux",
            "Commandement de quitter les lieux",
            Actor.COMMISSAIRE_JUSTICE,
            _sla_months(1, "commandement"),
            (
                Outcome(
                    key="delivre",
                    label="Commandement délivré",
                    next=("information_prefet_ccapex", "requisition_force_publique"),
                ),
            ),
            "art. L. 411-1 et L. 412-1 CPCE",
        ),
        StepSpec(
            key="information_prefet_ccapex",
            label="Information du préfet et de la CCAPEX",
            actor=Actor.COMMISSAIRE_JUSTICE,
            deadline=DeadlineKind.DATE,
            outcomes=(Outcome(key="informe", label="Préfet et CCAPEX informés"),),
            legal_basis="art. L. 412-5 CPCE",
            note="Tant que le préfet n'est pas informé, le délai de deux mois est suspendu.",
        ),
        _sla(
            "requisition_force_publique",
            "Réquisition de la force publique",
            Actor.COMMISSAIRE_JUSTICE,
            _sla_months(1, "réquisition"),
            (
                Outcome(
                    key="requise",
                    label="Concours de la force publique requis",
                    next=("decision_concours_force_publique",),
                ),
            ),
            "art. R. 153-1 CPCE",
        ),
        StepSpec(
            key="decision_concours_force_publique",
            label="Décision du préfet sur le concours de la force publique",
            actor=Actor.PREFET,
            deadline=DeadlineKind.LAW,
            rule=DeadlineRule(
                months=2,
                regime=Regime.CIVIL,
                legal_basis="art. R. 153-1 CPCE",
                label="décision du préfet",
            ),
            outcomes=(
                Outcome(key="accorde", label="Concours accordé", next=("expulsion",)),
                Outcome(key="refuse", label="Concours refusé", next=("recours_indemnitaire",)),
                Outcome(
                    key="implicite_refus",
                    label="Refus implicite (silence de deux mois)",
                    next=("recours_indemnitaire",),
                ),
            ),
            silence_outcome="implicite_refus",
            legal_basis="art. R. 153-1 CPCE ; CE 18 déc. 2013 n° 363126",
        ),
        StepSpec(
            key="recours_indemnitaire",
            label="Recours indemnitaire contre l'État",
            actor=Actor.BAILLEUR,
            deadline=DeadlineKind.NONE,
            outcomes=(
                Outcome(key="forme", label="Recours formé", next=("cloture",)),
                Outcome(key="renonce", label="Pas de recours", next=("cloture",)),
            ),
            legal_basis="CE 18 déc. 2013 n° 363126",
        ),
        StepSpec(
            key="expulsion",
            label="Expulsion",
            actor=Actor.COMMISSAIRE_JUSTICE,
            deadline=DeadlineKind.DATE,
            outcomes=(
                Outcome(key="realisee", label="Expulsion réalisée", next=("cloture",)),
                Outcome(
                    key="depart_volontaire",
                    label="Départ volontaire (reprise des lieux)",
                    next=("cloture",),
                ),
                Outcome(
                    key="reportee",
                    label="Expulsion reportée",
                    next=("expulsion",),
                    required=("nouvelle_date",),
                ),
            ),
            legal_basis="art. L. 412-6 et L. 141-1 CPCE",
        ),
        CLOSING_STEP,
    ),
    anytime=(
        Outcome(key="depart_volontaire", label="Départ volontaire du locataire", next=("cloture",)),
        Outcome(key="desistement", label="Désistement du bailleur", next=("cloture",)),
        Outcome(key="appel", label="Appel interjeté (l'exécution continue)"),
    ),
)


def applicable_steps(origine: str, impayes: bool) -> frozenset[str]:
    """The steps a résiliation may go through, given its origin and whether arrears are claimed."""
    keys = {s.key for s in RESILIATION.steps}
    if origine != "injonction_prefet":
        keys -= {"reponse_injonction", "saisine_juge_apres_injonction", "substitution_prefet"}
    else:
        keys -= {
            "constitution_dossier",
            "demande_information_parquet",
            "mise_en_demeure",
            "delai_mise_en_demeure",
            "offre_relogement",
            "assignation",
        }
    if not impayes:
        keys.discard("notification_prefet_assignation")
    return frozenset(keys)


def check_completion(
    key: str, outcome: str, on: date, data: dict, impayes: bool, due: date | None
) -> str | None:
    """A French message when a completion is legally impossible, else None."""
    if key == "expulsion" and outcome == "realisee" and due is not None and on < due:
        return (
            f"L'expulsion ne peut avoir lieu avant le {french_date(due)} "
            "(trêve hivernale, dimanches et jours fériés exclus, art. L. 412-6 et L. 141-1 CPCE)."
        )
    hearing = data.get("audience")
    if outcome in ("delivree", "assignation_delivree", "substitue") and hearing:
        hearing_day = date.fromisoformat(hearing)
        if hearing_day <= on:
            return "La date d'audience doit suivre la date de l'assignation."
        latest = hearing_day - timedelta(days=43)
        if impayes and latest < on:
            return (
                f"L'audience du {french_date(hearing_day)} ne laisse pas les six semaines "
                "requises pour notifier l'assignation au préfet (au plus tard le "
                f"{french_date(latest)}, art. 24 III loi 89-462) : choisir une audience "
                f"au plus tôt le {french_date(on + timedelta(days=43))}."
            )
    for field in ("nouvelle_audience", "nouvelle_date"):
        if data.get(field) and date.fromisoformat(data[field]) <= on:
            return f"La nouvelle date ({data[field]}) doit suivre la date saisie ({on})."
    return None
