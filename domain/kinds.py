"""The kinds of procedure, each with its French name; one definition each in domain/procedures/."""

from domain.labels import Labelled


class ProcedureKind(Labelled):
    SIGNALEMENT = "signalement", "Signalement"
    PLAINTE = "plainte", "Plainte"
    RESILIATION = "resiliation", "Résiliation de bail"
    ASSERMENTATION = "assermentation", "Assermentation"
    INTERVENTION_CONJOINTE = "intervention_conjointe", "Intervention conjointe"
