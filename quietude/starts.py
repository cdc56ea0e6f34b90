"""What a procedure starts with: the caller's bailleur, the commune and the organisations
competent for it, the procedures it rests on, a dossier in progress, the convention's policy."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from domain.actors import Actor, OrgKind
from domain.calendar import french_date
from domain.contracts import ImportedStep, Link, Policy, ProcedureStart
from domain.facts import Lien, StartFacts
from domain.imports import DossierImportError, plan_import
from domain.procedures import definition
from domain.procedures.signalement import AGENT_ROUTE
from domain.territory import departement_of
from quietude.sworn_agents import PvRefused, check_pv
from quietude.tokens import Claims
from store.reference import served_departements
from store.tables import Commune, CommuneGap, Organisation, Procedure

PARIS = ZoneInfo("Europe/Paris")


class StartRefused(Exception):
    """The procedure cannot be started as asked (message in French, HTTP 422)."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field  # the input refused (a dotted name of the start body), if one


def today_in_paris() -> date:
    """The legal date of today (Europe/Paris)."""
    return datetime.now(PARIS).date()


def prepare(
    session: Session, caller: Claims, facts: StartFacts, policy: Policy, today: date
) -> ProcedureStart:
    """The input of the procedure's workflow (its id still empty); StartRefused when the law
    or the reference data refuse it."""
    kind = definition(facts.kind)
    bailleur, commune = _bailleur_and_commune(session, caller, facts)
    if facts.facts_date is not None and facts.facts_date > today:
        raise StartRefused(
            f"La date des faits ({french_date(facts.facts_date)}) est dans le futur.",
            facts.facts_date_field,
        )
    refusal = kind.refusal(facts)
    if refusal:
        raise StartRefused(refusal)
    links = _links(session, bailleur.id, facts.linked)
    resolved: dict[str, str] = {}
    if facts.sworn_agent:
        try:
            agent_link, route = check_pv(session, bailleur.id, facts)
        except PvRefused as error:
            raise StartRefused(str(error)) from None
        links.append(agent_link)
        resolved[AGENT_ROUTE] = route
    imported = _imported(facts, today, policy)
    return ProcedureStart(
        procedure_id="",
        kind=kind.kind,
        bailleur_id=bailleur.id,
        created_by=caller.sub,
        created_at=datetime.now(UTC),
        created_on=today,
        commune_insee=commune.insee,
        residence_nom=facts.place.nom,
        title=kind.title(facts),
        orgs=competent_orgs(session, bailleur.id, commune, facts.chosen_commissaire),
        facts=facts.model_dump(mode="json", exclude={"en_cours"}),
        resolved=resolved,
        imported=imported,
        etape=facts.en_cours.etape if facts.en_cours else None,
        policy=policy,
        links=links,
    )


def _bailleur_and_commune(
    session: Session, caller: Claims, facts: StartFacts
) -> tuple[Organisation, Commune]:
    """The caller's bailleur and the commune of the dossier, if both are known."""
    bailleur = session.get(Organisation, caller.org)
    if bailleur is None or bailleur.kind != OrgKind.BAILLEUR:
        raise StartRefused("Seule une organisation bailleur peut ouvrir une procédure.")
    commune = session.get(Commune, facts.place.commune_insee)
    if commune is None:
        raise StartRefused(
            unroutable_commune(session, facts.place.commune_insee),
            f"{facts.place_field}.commune_insee",
        )
    return bailleur, commune


def unroutable_commune(session: Session, insee: str) -> str:
    """Why no dossier can be routed for the commune `insee`, in French: what the reference data
    lacks and how to add it, or the départements served."""
    gap = session.get(CommuneGap, insee)
    if gap is not None:
        return f"{gap.name} : {gap.missing}."
    served = served_departements(session)
    listed = ", ".join(served) or "aucun"
    expected = (
        f"Commune inconnue : {insee} (code INSEE d'une commune des départements {listed} attendu)."
    )
    try:
        departement = departement_of(insee)
    except ValueError:
        return expected
    if departement not in served:
        return (
            f"Commune inconnue : {insee} — le département {departement} n'est pas servi "
            f"(départements servis : {listed}) ; un administrateur l'ajoute aux données de "
            "référence (communes, unités compétentes, tribunaux) puis lance « quietude migrate »."
        )
    return expected


def _imported(facts: StartFacts, today: date, policy: Policy) -> list[ImportedStep]:
    """The steps of a dossier in progress already done, with their dates and outcomes, each
    checked by the law as its completion would be under the convention's policy (the trêve)."""
    if facts.en_cours is None:
        return []
    try:
        return plan_import(definition(facts.kind), facts, today, policy)
    except DossierImportError as error:
        raise StartRefused(str(error)) from None


def _links(session: Session, bailleur_id: str, liens: list[Lien]) -> list[Link]:
    """The procedures of the same bailleur this one rests on."""
    links = []
    for lien in liens:
        other = session.get(Procedure, lien.procedure_id)
        if other is None or other.bailleur_id != bailleur_id:
            raise StartRefused(f"Procédure liée introuvable : {lien.procedure_id}.", "liens")
        links.append(Link(procedure_id=other.id, kind=other.kind, relation="origine"))
    return links


def competent_orgs(
    session: Session, bailleur_id: str, commune: Commune, chosen_commissaire: str | None
) -> dict[str, str]:
    """The organisation competent for each actor of a dossier in `commune`: its unit, the
    parquet and juge of its tribunal judiciaire, its département's préfecture (the reference
    data, store.territory_data); the commissaire de justice chosen, else the first one."""
    orgs: dict[str, Any] = {
        Actor.BAILLEUR: bailleur_id,
        Actor.FORCES: commune.forces_org_id,
        Actor.PARQUET: commune.parquet_org_id,
        Actor.JUGE: commune.juge_org_id,
        Actor.PREFET: commune.prefet_org_id,
    }
    if chosen_commissaire is not None:
        org = session.get(Organisation, chosen_commissaire)
        if org is None or org.kind != OrgKind.COMMISSAIRE_JUSTICE:
            raise StartRefused(f"Commissaire de justice inconnu : {chosen_commissaire}.")
        orgs[Actor.COMMISSAIRE_JUSTICE] = org.id
    forces = session.get(Organisation, commune.forces_org_id)
    if forces is not None:
        orgs[forces.kind] = forces.id
    if Actor.COMMISSAIRE_JUSTICE not in orgs:
        org = session.exec(
            select(Organisation)
            .where(Organisation.kind == OrgKind.COMMISSAIRE_JUSTICE.value)
            .order_by(Organisation.id)  # type: ignore[arg-type]
        ).first()
        if org is not None:
            orgs[Actor.COMMISSAIRE_JUSTICE] = org.id
    return {str(actor): org_id for actor, org_id in orgs.items() if org_id}
