"""The exhibits of a dossier: what each one is."""

from domain.labels import Labelled


class PieceKind(Labelled):
    """What an exhibit of a file is."""

    PV = "pv", "Procès-verbal"
    CONSTAT = "constat", "Constat"
    JUGEMENT = "jugement", "Jugement"
    PLAINTE = "plainte", "Plainte"
    MAIN_COURANTE = "main_courante", "Main courante"
    COURRIER = "courrier", "Courrier"
    PHOTO = "photo", "Photographie"
    AUTRE = "autre", "Autre"
