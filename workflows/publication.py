"""Publishing a procedure's changes: to the read model (the projection) and to its search
attributes, once the work a change started is done."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from temporalio import workflow
from temporalio.common import SearchAttributeUpdate

from workflows import search_attributes as sa
from workflows.calls import ACTIVITY_RETRY, LOCAL_TIMEOUT, PROJECT_ACTIVITY, Work
from workflows.dossier import Dossier

PROJECTION_PATCH = "projection-locale"  # see Publisher.projects_locally


class Publisher:
    """Projects each settled change of a dossier: its new events, its steps, its state."""

    def __init__(self, dossier: Dossier, work: Work) -> None:
        self.dossier = dossier
        self.work = work
        self.projected = 0  # events of the timeline already in the read model

    @property
    def published(self) -> bool:
        """Whether every change so far is in the read model."""
        return self.projected == len(self.dossier.timeline)

    def settled(self) -> bool:
        """Whether every change is published and no work is in progress."""
        return self.published and self.work.idle

    async def until_settled(self) -> None:
        await workflow.wait_condition(self.settled)

    async def run(self) -> None:
        """Project each change once the work it started is done (a task beside the flow)."""
        while True:
            await workflow.wait_condition(lambda: not self.published and self.work.idle)
            if self.projects_locally():
                # The procedure's own code, woken by the same change, moves on first (conditions
                # are checked once every ready task has run): one projection carries it all.
                await workflow.wait_condition(lambda: self.work.idle)
            await self.publish()

    def projects_locally(self) -> bool:
        """Since PROJECTION_PATCH, a local activity projects each change, in the workflow task
        that made it; procedures started before it go on with the activity they began with."""
        return workflow.patched(PROJECTION_PATCH)

    async def publish(self) -> None:
        """Project what changed since the last projection, now."""
        upto = len(self.dossier.timeline)
        self._upsert_search_attributes()
        snapshot = self.dossier.snapshot(self.dossier.timeline.events[self.projected : upto])
        if self.projects_locally():
            await workflow.execute_local_activity(
                PROJECT_ACTIVITY,
                snapshot,
                start_to_close_timeout=LOCAL_TIMEOUT,
                retry_policy=ACTIVITY_RETRY,
            )
        else:
            await workflow.execute_activity(
                PROJECT_ACTIVITY,
                snapshot,
                start_to_close_timeout=timedelta(seconds=10),  # a lost worker is noticed soon
                retry_policy=ACTIVITY_RETRY,
            )
        self.projected = upto

    def _upsert_search_attributes(self) -> None:
        dossier = self.dossier
        pending = [s for s in dossier.steps if s.pending]
        dues = [s.due_at for s in pending if s.due_at is not None]
        updates: list[SearchAttributeUpdate[Any]] = [
            sa.KIND.value_set(dossier.start.kind),
            sa.STATUS.value_set(dossier.status.value),
            sa.PENDING_ACTORS.value_set(sorted({s.actor.value for s in pending})),
            sa.PENDING_ORGS.value_set(sorted({s.org for s in pending})),
            sa.NEXT_DUE.value_set(min(dues)) if dues else sa.NEXT_DUE.value_unset(),
        ]
        workflow.upsert_search_attributes(updates)
