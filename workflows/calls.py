"""The side effects a procedure asks for (activities by name, local activities), their retry
policy, and the count of work in progress that the projection waits for."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from temporalio import workflow
from temporalio.common import RetryPolicy

PROJECT_ACTIVITY = "project_procedure"
NOTIFY_ACTIVITY = "send_notification"
DOCUMENT_ACTIVITY = "render_document"
PROPAGATE_ACTIVITY = "propagate_completion"
INDICATORS_ACTIVITY = "territory_indicators"
ACTIVITY_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=1),
    backoff_coefficient=2.0,
    maximum_interval=timedelta(minutes=5),
)
LOCAL_TIMEOUT = timedelta(seconds=10)


class Work:
    """Work in progress: a change is projected only once the work it started is done, so that
    one projection carries all that the change led to."""

    def __init__(self) -> None:
        self.in_progress = 0

    @property
    def idle(self) -> bool:
        return self.in_progress == 0

    @contextmanager
    def busy(self) -> Iterator[None]:
        """Count what runs inside as work in progress."""
        self.in_progress += 1
        try:
            yield
        finally:
            self.in_progress -= 1

    async def local(self, activity: Any, request: Any) -> Any:
        """Run a local activity (a computation recorded in history)."""
        with self.busy():
            return await workflow.execute_local_activity(
                activity, request, start_to_close_timeout=LOCAL_TIMEOUT
            )

    async def activity(
        self, name: str, payload: Any, *, timeout: timedelta, result_type: type | None = None
    ) -> Any:
        """Run the activity `name`, retried with backoff."""
        with self.busy():
            return await workflow.execute_activity(
                name,
                payload,
                result_type=result_type,
                start_to_close_timeout=timeout,
                retry_policy=ACTIVITY_RETRY,
            )
