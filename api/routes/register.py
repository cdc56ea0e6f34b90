"""The register of a bailleur's sworn agents (JSON or CSV)."""

from __future__ import annotations

import csv
import io
from dataclasses import asdict
from datetime import date
from typing import Annotated, Any

from dateutil.relativedelta import relativedelta
from fastapi import APIRouter, HTTPException, Query
from fastapi.responses import Response

from api.deps import CallerDep, SessionDep
from domain.actors import OrgKind, Role
from domain.kinds import ProcedureKind
from quietude.procedures import today_in_paris
from store.register import sworn_agents
from store.tables import Organisation

router = APIRouter(prefix="/assermentations", tags=[ProcedureKind.ASSERMENTATION.value])


@router.get("")
def read_register(
    session: SessionDep,
    caller: CallerDep,
    fin_dans_mois: Annotated[int | None, Query(ge=0, le=120)] = None,
    format: Annotated[str, Query(pattern="^(json|csv)$")] = "json",
) -> Any:
    """Registre des agents assermentés du bailleur ; `fin_dans_mois` : agréments finissant
    dans ce délai ; `format=csv` pour l'export."""
    organisation = session.get(Organisation, caller.org)
    if organisation is None or organisation.kind != OrgKind.BAILLEUR:
        raise HTTPException(status_code=403, detail="Registre réservé au bailleur.")
    if caller.role == Role.AGENT:
        raise HTTPException(
            status_code=403, detail="Registre réservé aux juristes et responsables du bailleur."
        )
    today = today_in_paris()
    agents = sworn_agents(session, caller.org, today)
    if fin_dans_mois is not None:
        horizon: date = today + relativedelta(months=fin_dans_mois)
        agents = [a for a in agents if a.agrement_jusquau and a.agrement_jusquau <= horizon]
    rows = [asdict(a) for a in agents]
    if format == "json":
        return {"items": rows, "total": len(rows)}
    buffer = io.StringIO()
    writer = csv.DictWriter(
        buffer, fieldnames=list(rows[0]) if rows else ["procedure_id"], delimiter=";"
    )
    writer.writeheader()
    for row in rows:
        writer.writerow({k: "|".join(v) if isinstance(v, list) else v for k, v in row.items()})
    return Response(
        buffer.getvalue().encode("utf-8-sig"),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="registre.csv"'},
    )
