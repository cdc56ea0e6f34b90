"""Actors of the procedures, kinds of organisation and user roles."""

from enum import StrEnum


class Actor(StrEnum):
    """Who must act on a step (procedures.md)."""

    BAILLEUR = "bailleur"
    POLICE = "police"
    GENDARMERIE = "gendarmerie"
    FORCES = "forces"  # police or gendarmerie, resolved from the commune
    PARQUET = "parquet"
    PREFET = "prefet"
    JUGE = "juge"
    COMMISSAIRE_JUSTICE = "commissaire_justice"


class OrgKind(StrEnum):
    """Kind of an organisation of the convention."""

    BAILLEUR = "bailleur"
    POLICE = "police"
    GENDARMERIE = "gendarmerie"
    PARQUET = "parquet"
    PREFECTURE = "prefecture"
    JUGE = "juge"
    COMMISSAIRE_JUSTICE = "commissaire_justice"


class Role(StrEnum):
    """Role of a user inside its organisation (JWT claim `role`)."""

    AGENT = "agent"
    JURISTE = "juriste"
    MANAGER = "manager"
    ADMIN = "admin"


ACTOR_LABELS: dict[Actor, str] = {
    Actor.BAILLEUR: "Bailleur",
    Actor.POLICE: "Police nationale",
    Actor.GENDARMERIE: "Gendarmerie nationale",
    Actor.FORCES: "Police ou gendarmerie",
    Actor.PARQUET: "Parquet",
    Actor.PREFET: "Préfet",
    Actor.JUGE: "Juge",
    Actor.COMMISSAIRE_JUSTICE: "Commissaire de justice",
}

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
