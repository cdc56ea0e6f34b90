"""The end of the trêve hivernale per year: read by everyone, moved by an administrator when a
text extends it, and delivered at once to the running procedures."""

from __future__ import annotations

from datetime import date, datetime

from fastapi import APIRouter, HTTPException
from pydantic import BaseModel, Field

from api.deps import CallerDep, PrefectureAdminDep, ServiceDep, SessionDep
from domain.facts import Strict
from quietude.treve import REASON_MAX_LENGTH, TreveChange, change_refusal, recorded_ends
from store.tables import TreveEnd

router = APIRouter(prefix="/treve", tags=["trêve hivernale"])

ORDINARY = "du 1er novembre au 31 mars (art. L. 412-6 CPCE)"


class TreveBody(Strict):
    """The body of PUT /api/treve/{annee}."""

    fin: date
    motif: str = Field(default="", max_length=REASON_MAX_LENGTH)


class TreveYear(BaseModel):
    annee: int
    fin: date
    motif: str
    modifie_par: str
    modifie_le: datetime

    @classmethod
    def of(cls, row: TreveEnd) -> TreveYear:
        return cls(
            annee=row.year,
            fin=row.ends_on,
            motif=row.reason,
            modifie_par=row.changed_by,
            modifie_le=row.changed_at,
        )


class TreveList(BaseModel):
    ordinaire: str = ORDINARY  # the winters without a row
    annees: list[TreveYear]


class TreveChanged(TreveList):
    procedures_mises_a_jour: int  # running procedures whose dates were checked again
    procedures_deja_a_jour: int  # they had this trêve already
    procedures_en_echec: int  # not reached: send the same change again


def _listed(session: SessionDep) -> list[TreveYear]:
    session.expire_all()  # the change was written through another session
    return [TreveYear.of(row) for row in recorded_ends(session)]


@router.get("", response_model=TreveList)
def read_treve(session: SessionDep, caller: CallerDep) -> TreveList:
    """Fin de la trêve hivernale de chaque année où un texte l'a reportée."""
    return TreveList(annees=_listed(session))


@router.put("/{annee}", response_model=TreveChanged)
async def change_treve(
    annee: int,
    body: TreveBody,
    session: SessionDep,
    caller: PrefectureAdminDep,
    services: ServiceDep,
) -> TreveChanged:
    """Reporte la fin de la trêve d'une année (administrateur d'une préfecture) ; les
    procédures en cours recalculent aussitôt leur expulsion en attente."""
    refusal = change_refusal(annee, body.fin)
    if refusal:
        raise HTTPException(status_code=422, detail=refusal)
    service = await services.get()
    change = TreveChange(year=annee, ends_on=body.fin, reason=body.motif, sub=caller.sub)
    delivery = await service.change_treve(change)
    return TreveChanged(
        annees=_listed(session),
        procedures_mises_a_jour=len(delivery.updated),
        procedures_deja_a_jour=len(delivery.unchanged),
        procedures_en_echec=len(delivery.failed),
    )
