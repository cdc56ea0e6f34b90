"""Legal deadlines and the earliest expulsion date, with the explanation of each shift."""

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query
from pydantic import ValidationError

from api.deps import CallerDep, SessionDep, SettingsDep
from api.errors import describe_error
from api.query_bounds import Day
from api.schemas import DeadlinePublic, ExpulsionPublic
from domain.calendar import DeadlineRule, Regime, compute_deadline, earliest_expulsion
from quietude.policy import policy_from
from quietude.treve import treve_now

router = APIRouter(prefix="/calendar", tags=["calendrier"])

Count = Annotated[int | None, Query(ge=0, le=10_000)]


@router.get("/deadline", response_model=DeadlinePublic)
def deadline(
    caller: CallerDep,
    start: Annotated[Day, Query(alias="from", description="date de départ du délai")],
    months: Count = None,
    days: Count = None,
    working_days: Count = None,
    regime: Regime = Regime.CIVIL,
) -> DeadlinePublic:
    """Échéance légale d'un délai en mois puis jours (ou en jours ouvrés), reports expliqués."""
    if months is None and days is None and working_days is None:
        raise HTTPException(
            status_code=422,
            detail="Paramètre manquant : indiquer « months », « days » ou « working_days ».",
        )
    try:
        rule = DeadlineRule(
            months=months or 0, days=days or 0, working_days=working_days or 0, regime=regime
        )
    except ValidationError as error:
        reasons = " ; ".join(describe_error(e) for e in error.errors())
        raise HTTPException(status_code=422, detail=f"Délai invalide : {reasons}.") from None
    return DeadlinePublic.model_validate(compute_deadline(start, rule))


@router.get("/expulsion", response_model=ExpulsionPublic)
def expulsion(
    caller: CallerDep,
    settings: SettingsDep,
    session: SessionDep,
    not_before: Day,
    concours_le: Day | None = None,
    exception: bool = False,
) -> ExpulsionPublic:
    """Date d'expulsion au plus tôt : après la trêve hivernale (telle que les textes l'ont
    reportée), ni dimanche ni jour férié."""
    treve = treve_now(session, policy_from(settings).treve)
    result = earliest_expulsion(
        not_before, treve=treve, exception=exception, concours_le=concours_le
    )
    return ExpulsionPublic.of(result)
