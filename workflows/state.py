"""The state of a procedure: its steps, its timeline, and their projection to the read model
and to the search attributes."""

from __future__ import annotations

import asyncio
from datetime import date, datetime, timedelta
from typing import Any, ClassVar

from temporalio import workflow
from temporalio.common import RetryPolicy, SearchAttributeUpdate

from domain.contracts import (
    Declaration,
    EventRecord,
    ImportedStep,
    Link,
    Milestone,
    ProcedureSnapshot,
    ProcedureStart,
    ProcedureStatus,
    ProcedureView,
)
from domain.steps import Catalog, StepState, StepStatus, split_ref
from workflows import search_attributes as sa

PROJECT_ACTIVITY = "project_procedure"
NOTIFY_ACTIVITY = "send_notification"
DOCUMENT_ACTIVITY = "render_document"
PROPAGATE_ACTIVITY = "propagate_completion"
PROJECTION_PATCH = "projection-locale"  # see ProcedureState._projects_locally
PROPAGATED_SUB = "decision-liee"  # a completion repeated from a linked procedure
ACTIVITY_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=1),
    backoff_coefficient=2.0,
    maximum_interval=timedelta(minutes=5),
)


class ProcedureCancelled(Exception):
    """Raised inside the flow when the procedure is withdrawn."""


class ProcedureInterrupted(Exception):
    """Raised inside the flow when an event declared at any step ends it (e.g. a departure)."""

    def __init__(self, on: date) -> None:
        super().__init__(on)
        self.on = on


class ProcedureState:
    """What a procedure knows of itself, and how it publishes every change."""

    catalog: ClassVar[Catalog]

    def __init__(self, start: ProcedureStart) -> None:
        self._start = start
        self._status = ProcedureStatus.OPEN
        self._steps: list[StepState] = []
        self._events: list[EventRecord] = []
        self._imported: dict[str, ImportedStep] = {step.key: step for step in start.imported}
        self._suggestions: list[str] = []
        self._closed_at: datetime | None = None
        self._changes = 0
        self._flushed = 0
        self._projected_events = 0
        self._busy = 0
        self._branches: list[asyncio.Task[Any]] = []
        self._milestones: list[Milestone] = []
        self._interrupted: date | None = None
        self._links: list[Link] = list(start.links)
        self._declarations: list[Declaration] = []
        self._seqs: dict[str, int] = {}

    # ----- what procedures write -------------------------------------------------------------

    @property
    def start(self) -> ProcedureStart:
        return self._start

    def view(self) -> ProcedureView:
        start = self.start
        return ProcedureView(
            procedure_id=start.procedure_id,
            kind=start.kind,
            status=self._status,
            bailleur_id=start.bailleur_id,
            commune_insee=start.commune_insee,
            orgs=start.orgs,
            steps=list(self._steps),
            events=list(self._events),
            suggestions=list(self._suggestions),
            milestones=list(self._milestones),
            links=list(self._links),
            closed_at=self._closed_at,
        )

    def _event(
        self,
        type_: str,
        message: str,
        state: StepState | None = None,
        *,
        org: str | None = None,
        sub: str | None = None,
        data: dict | None = None,
    ) -> None:
        self._events.append(
            EventRecord(
                seq=len(self._events) + 1,
                at=workflow.now(),
                type=type_,
                message=message,
                step_key=state.key if state else None,
                org=org,
                sub=sub,
                data=data or {},
            )
        )
        self._changes += 1

    def _ensure_open(self) -> None:
        if self._status == ProcedureStatus.CANCELLED:
            raise ProcedureCancelled()
        if self._interrupted is not None:
            raise ProcedureInterrupted(self._interrupted)

    def _skip_pending(self, message: str) -> None:
        for state in self._steps:
            if state.pending:
                state.status = StepStatus.SKIPPED
                self._event("step_skipped", f"{message} : {state.label}", state, org=state.org)

    def _pending_step(self, ref: str) -> StepState | None:
        """The pending step `ref` names: "key", or "key:seq" among parallel ones."""
        key, seq = split_ref(ref)
        return next(
            (
                s
                for s in reversed(self._steps)
                if s.key == key and s.pending and seq in (None, s.seq)
            ),
            None,
        )

    def _complete(
        self,
        state: StepState,
        *,
        outcome: str,
        on: date,
        sub: str,
        org: str,
        data: dict,
        comment: str | None,
        implicite: bool = False,
    ) -> None:
        state.status = StepStatus.DONE
        state.outcome = outcome
        state.completed_on = on
        state.completed_at = workflow.now()
        state.completed_by = sub
        state.completed_by_org = org
        state.data = dict(data)
        state.comment = comment
        state.implicite = implicite

    async def _settled(self) -> None:
        await workflow.wait_condition(lambda: self._flushed == self._changes and self._busy == 0)

    async def _flush_loop(self) -> None:
        while True:
            await workflow.wait_condition(lambda: self._changes > self._flushed and self._busy == 0)
            if self._projects_locally():
                # The procedure's own code, woken by the same change, moves on first (conditions
                # are checked once every ready task has run): one projection carries it all.
                await workflow.wait_condition(lambda: self._busy == 0)
            await self._flush()

    def _projects_locally(self) -> bool:
        """Since PROJECTION_PATCH, a local activity projects each change, in the workflow task
        that made it; procedures started before it go on with the activity they began with."""
        return workflow.patched(PROJECTION_PATCH)

    async def _flush(self) -> None:
        target, upto = self._changes, len(self._events)
        self._upsert_search_attributes()
        snapshot = self._snapshot(self._events[self._projected_events : upto])
        if self._projects_locally():
            await workflow.execute_local_activity(
                PROJECT_ACTIVITY,
                snapshot,
                start_to_close_timeout=timedelta(seconds=10),
                retry_policy=ACTIVITY_RETRY,
            )
        else:
            await workflow.execute_activity(
                PROJECT_ACTIVITY,
                snapshot,
                start_to_close_timeout=timedelta(seconds=10),  # a lost worker is noticed soon
                retry_policy=ACTIVITY_RETRY,
            )
        self._projected_events = upto
        self._flushed = target

    def _snapshot(self, events: list[EventRecord]) -> ProcedureSnapshot:
        start = self.start
        return ProcedureSnapshot(
            procedure_id=start.procedure_id,
            kind=start.kind,
            status=self._status,
            bailleur_id=start.bailleur_id,
            commune_insee=start.commune_insee,
            residence_nom=start.residence_nom,
            title=start.title,
            facts=start.facts,
            created_at=start.created_at,
            closed_at=self._closed_at,
            steps=list(self._steps),
            events=list(events),
            suggestions=list(self._suggestions),
            milestones=list(self._milestones),
            links=list(self._links),
        )

    def _upsert_search_attributes(self) -> None:
        pending = [s for s in self._steps if s.pending]
        dues = [s.due_at for s in pending if s.due_at is not None]
        updates: list[SearchAttributeUpdate[Any]] = [
            sa.KIND.value_set(self.start.kind),
            sa.STATUS.value_set(self._status.value),
            sa.PENDING_ACTORS.value_set(sorted({s.actor.value for s in pending})),
            sa.PENDING_ORGS.value_set(sorted({s.org for s in pending})),
            sa.NEXT_DUE.value_set(min(dues)) if dues else sa.NEXT_DUE.value_unset(),
        ]
        workflow.upsert_search_attributes(updates)
