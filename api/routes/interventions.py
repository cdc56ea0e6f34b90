"""A joint intervention told from the read model: its plan, its actions, the forces' report, the
evaluation with the territory's indicators before and after, and its .docx compte rendu."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, HTTPException, Path
from fastapi.responses import Response
from sqlalchemy import Engine
from sqlmodel import Session

from activities.documents import DocumentActivities
from api.audit import Action, record
from api.deps import CallerDep, EngineDep, SessionDep, SettingsDep, require_files
from api.schemas import ProcedurePublic, StepPublic
from domain.contracts import ProcedureStatus
from domain.facts import CategorieSignalement
from domain.labels import humanise, wording
from domain.procedures.intervention_conjointe import DEFINITION, Proposant, StepKey
from domain.steps import StepStatus
from store.queries import ProcedureRecord, get_procedure
from store.visibility import Scope

router = APIRouter(prefix="/procedures", tags=["interventions conjointes"])

TEMPLATE = "compte_rendu_intervention"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
NOT_FOUND = "Intervention conjointe introuvable."
PARIS = ZoneInfo("Europe/Paris")


def _day(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _step(step: StepPublic) -> dict[str, Any]:
    """A step as the page and the document show it (what the reader may see of it)."""
    return {
        "key": step.key,
        "seq": step.seq,
        "label": step.label,
        "org_id": step.org,
        "org": step.org_name or step.org,
        "status": step.status,
        "status_label": wording(StepStatus, step.status),
        "outcome": step.outcome,
        "outcome_label": step.outcome_label or "",
        "opened_on": _day(step.opened_on),
        "due": _day(step.due),
        "overdue": step.overdue,
        "completed_on": _day(step.completed_on),
        "motif": str(step.data.get("motif", "")),
        "comment": step.comment or "",
    }


def _planned_actions(record: ProcedureRecord) -> list[dict[str, Any]]:
    """The actions of the last plan, in the order the plan lists them (which gives their seq)."""
    plans = [
        s for s in record.steps if s.key == StepKey.PLANIFICATION and s.status == StepStatus.DONE
    ]
    if not plans:
        return []
    actions = plans[-1].data.get("actions", [])
    return [a for a in actions if isinstance(a, dict)]


def _action(step: StepPublic, planned: list[dict[str, Any]]) -> dict[str, Any]:
    entry = _step(step)
    plan = planned[step.seq - 1] if 0 < step.seq <= len(planned) else {}
    if plan.get("org") != step.org:
        plan = {}
    # Without the plan's row, the label stays in the due date's explanation ("libellé : date").
    libelle = plan.get("libelle") or step.due_explanation.rsplit(" : ", 1)[0]
    return {**entry, "libelle": libelle, "date": plan.get("date") or entry["due"]}


def _evolution(before: int, after: int) -> str:
    if before == after:
        return "="
    return f"{after - before:+d}".replace("-", "−")


def indicators(record: ProcedureRecord) -> dict[str, Any] | None:
    """The last before/after indicators the workflow wrote on the timeline, as table rows."""
    notes = [e for e in record.events if isinstance(e.data, dict) and "avant" in e.data]
    if not notes:
        return None
    data = notes[-1].data
    before: dict[str, int] = dict(data.get("avant") or {})
    after: dict[str, int] = dict(data.get("apres") or {})
    categories = sorted(set(before) | set(after), key=lambda c: wording(CategorieSignalement, c))
    rows = [
        {
            "code": code,
            "categorie": wording(CategorieSignalement, code),
            "avant": before.get(code, 0),
            "apres": after.get(code, 0),
            "evolution": _evolution(before.get(code, 0), after.get(code, 0)),
        }
        for code in categories
    ]
    total_before, total_after = sum(before.values()), sum(after.values())
    period_before = list(data.get("periode_avant") or ["", ""])
    period_after = list(data.get("periode_apres") or ["", ""])
    return {
        "lignes": rows,
        "total_avant": total_before,
        "total_apres": total_after,
        "total_evolution": _evolution(total_before, total_after),
        "avant_du": period_before[0],
        "avant_au": period_before[1],
        "apres_du": period_after[0],
        "apres_au": period_after[1],
    }


def intervention_view(session: Session, scope: Scope, procedure_id: str) -> dict[str, Any] | None:
    """Everything the plan page and the compte rendu show, as `scope` may read it; None when
    the procedure is not a joint intervention the scope sees."""
    record = get_procedure(session, scope, procedure_id)
    if record is None or record.procedure.kind != DEFINITION.kind:
        return None
    public = ProcedurePublic.of_record(record, scope.org_kind, DEFINITION.catalog, scope.role)
    steps = sorted(public.steps, key=lambda s: (s.opened_at, s.seq))
    planned = _planned_actions(record)

    def of(key: str) -> list[StepPublic]:
        return [s for s in steps if s.key == key]

    def last(key: str) -> dict[str, Any] | None:
        found = of(key)
        return _step(found[-1]) if found else None

    facts = public.facts
    residence = facts.get("residence") or {}
    diagnostic = facts.get("diagnostic") or {}
    return {
        "procedure": {
            "id": public.id,
            "title": public.title,
            "status": public.status,
            "status_label": wording(ProcedureStatus, public.status),
            "created_on": public.created_at.astimezone(PARIS).date().isoformat(),
        },
        "bailleur": public.bailleur.name or public.bailleur.id,
        "bailleur_id": public.bailleur.id,
        "commune": public.commune.name or public.commune.insee,
        "commune_insee": public.commune.insee,
        "residence": {"nom": public.residence_nom, "adresse": residence.get("adresse", "")},
        "halls": ", ".join(str(h) for h in facts.get("halls", [])),
        "diagnostic": ", ".join(
            f"{humanise(str(k))} : {' au '.join(map(str, v)) if isinstance(v, list) else v}"
            for k, v in diagnostic.items()
        ),
        "objectifs": facts.get("objectifs", ""),
        "proposant": wording(Proposant, str(facts.get("proposant", ""))),
        "validations": [
            _step(s) for s in of(StepKey.VALIDATION_BAILLEUR) + of(StepKey.VALIDATION_FORCES)
        ],
        "planification": last(StepKey.PLANIFICATION),
        "actions": sorted(
            (_action(s, planned) for s in of(StepKey.ACTION)),
            key=lambda a: (a["date"] or "", a["seq"]),
        ),
        "compte_rendu": last(StepKey.COMPTE_RENDU),
        "evaluation": last(StepKey.EVALUATION),
        "indicateurs": indicators(record),
    }


def render_report(engine: Engine, templates_dir: Any, view: dict[str, Any], day: str) -> bytes:
    """The compte rendu (.docx) of a joint intervention from its view, dated `day`."""
    # Rendered on demand from what the read model holds now: neither stored nor recorded.
    activities = DocumentActivities(engine, templates_dir, templates_dir)
    return activities.render_bytes(TEMPLATE, {**view, "date_document": day})


def report_response(procedure_id: str, data: bytes) -> Response:
    """The .docx as a download."""
    name = f"{procedure_id}-compte-rendu.docx"
    return Response(
        content=data,
        media_type=DOCX,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get("/{procedure_id}/compte-rendu.docx", response_class=Response)
def download_report(
    procedure_id: Annotated[str, Path(max_length=100)],
    session: SessionDep,
    engine: EngineDep,
    settings: SettingsDep,
    caller: CallerDep,
    scope: Annotated[Scope, Depends(require_files)],
) -> Response:
    """Compte rendu (.docx) d'une intervention conjointe : objectifs, validations, actions,
    compte rendu des forces, évaluation et indicateurs du territoire avant et après."""
    view = intervention_view(session, scope, procedure_id)
    if view is None:
        raise HTTPException(status_code=404, detail=NOT_FOUND)
    day = datetime.now(PARIS).date().isoformat()
    data = render_report(engine, settings.templates_dir, view, day)
    record(session, caller, Action.DOCUMENT, procedure_id, TEMPLATE)
    return report_response(procedure_id, data)
