"""The body of a résiliation started from a plainte."""

from pydantic import Field

from domain.facts import CategorieSignalement, Lien, Personne, Strict
from domain.kinds import ProcedureKind
from domain.procedures.plainte import PlainteFacts
from domain.procedures.resiliation_facts import (
    Bail,
    Logement,
    MotifResiliation,
    OrigineResiliation,
    ResiliationFacts,
)

# The ground of the résiliation, from the category of the offence judged.
MOTIF_OF_CATEGORY = {
    CategorieSignalement.TRAFIC_STUPEFIANTS: MotifResiliation.TRAFIC_STUPEFIANTS,
    CategorieSignalement.AGRESSION_PERSONNEL: MotifResiliation.AGRESSION_PERSONNEL,
}


class ResiliationFromPlainte(Strict):
    """The body of POST /api/procedures/{plainte_id}/resiliation: what the plainte lacks."""

    logement_reference: str = Field(min_length=1, max_length=100)
    bail: Bail
    impayes: bool = False

    def facts_for(self, plainte_id: str, plainte: PlainteFacts) -> ResiliationFacts:
        """The résiliation's start body, pre-filled from the plainte (its residence, the tenants
        among the persons implicated, the ground) and linked to it."""
        motif = MOTIF_OF_CATEGORY.get(plainte.faits.categorie, MotifResiliation.TROUBLES_JOUISSANCE)
        return ResiliationFacts(
            kind=ProcedureKind.RESILIATION,
            logement=Logement(residence=plainte.residence, reference=self.logement_reference),
            bail=self.bail,
            locataires=[
                Personne(nom=m.nom, prenom=m.prenom) for m in plainte.mis_en_cause if m.locataire
            ],
            motifs=[motif],
            impayes=self.impayes,
            origine=OrigineResiliation.BAILLEUR,
            liens=[Lien(procedure_id=plainte_id)],
        )
