"""Actors of the procedures, kinds of organisation and user roles."""

from enum import StrEnum

from domain.labels import Labelled


class Actor(Labelled):
    """Who must act on a step (procedures.md)."""

    BAILLEUR = "bailleur", "Bailleur"
    POLICE = "police", "Police nationale"
    GENDARMERIE = "gendarmerie", "Gendarmerie nationale"
    FORCES = "forces", "Police ou gendarmerie"  # resolved from the commune
    PARQUET = "parquet", "Parquet"
    PREFET = "prefet", "Préfet"
    JUGE = "juge", "Juge"
    COMMISSAIRE_JUSTICE = "commissaire_justice", "Commissaire de justice"


class OrgKind(StrEnum):
    """Kind of an organisation of the convention."""

    BAILLEUR = "bailleur"
    POLICE = "police"
    GENDARMERIE = "gendarmerie"
    PARQUET = "parquet"
    PREFECTURE = "prefecture"
    JUGE = "juge"
    COMMISSAIRE_JUSTICE = "commissaire_justice"


class Role(Labelled):
    """Role of a user inside its organisation (JWT claim `role`)."""

    AGENT = "agent", "Agent"
    JURISTE = "juriste", "Juriste"
    MANAGER = "manager", "Responsable"
    ADMIN = "admin", "Administrateur"


# An actor kind resolves to organisations of these kinds.
ACTOR_ORG_KINDS: dict[Actor, tuple[OrgKind, ...]] = {
    Actor.BAILLEUR: (OrgKind.BAILLEUR,),
    Actor.POLICE: (OrgKind.POLICE,),
    Actor.GENDARMERIE: (OrgKind.GENDARMERIE,),
    Actor.FORCES: (OrgKind.POLICE, OrgKind.GENDARMERIE),
    Actor.PARQUET: (OrgKind.PARQUET,),
    Actor.PREFET: (OrgKind.PREFECTURE,),
    Actor.JUGE: (OrgKind.JUGE,),
    Actor.COMMISSAIRE_JUSTICE: (OrgKind.COMMISSAIRE_JUSTICE,),
}
