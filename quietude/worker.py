"""Worker assembly: the procedure workflows and their activities on one task queue."""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from sqlalchemy import Engine
from temporalio.client import Client
from temporalio.worker import Worker
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner, SandboxRestrictions

import workflows
from activities.deadlines import compute_expulsion_date, compute_step_deadline
from activities.documents import DocumentActivities
from activities.indicators import IndicatorActivities
from activities.notifications import NotificationActivities, SmtpConfig
from activities.projection import ProjectionActivities
from activities.propagation import PropagationActivities
from quietude.settings import Settings
from store.db import make_engine
from workflows.registry import WORKFLOWS

log = logging.getLogger(__name__)

# Pure rules and libraries, imported once, not for each workflow instance.
PASSED_THROUGH = ("domain", "holidays", "dateutil", "pydantic")

# Every workflow module imported inside the sandbox, where a non-deterministic call (the clock,
# I/O, randomness) fails: the replay of the recorded histories runs under it.
CHECKED_SANDBOX = SandboxedWorkflowRunner(
    restrictions=SandboxRestrictions.default.with_passthrough_modules(*PASSED_THROUGH)
)

# The worker imports the workflow modules once too, not for each workflow instance (a new
# procedure, or one evicted from the cache replaying at its next event): importing a procedure's
# module again and applying @workflow.defn to its class anew cost ~12 ms of CPU per instance.
# Instances share nothing mutable that way: the workflows package holds constants at module and
# class level, and every workflow keeps its state on its instance.
SANDBOX = SandboxedWorkflowRunner(
    restrictions=SandboxRestrictions.default.with_passthrough_modules(
        *PASSED_THROUGH, workflows.__name__
    )
)


def smtp_config(settings: Settings) -> SmtpConfig | None:
    """SMTP settings when a host is configured, else None (the .eml outbox is used)."""
    if not settings.smtp_host:
        return None
    password = settings.smtp_password.get_secret_value() if settings.smtp_password else None
    return SmtpConfig(
        host=settings.smtp_host,
        port=settings.smtp_port,
        user=settings.smtp_user,
        password=password,
        starttls=settings.smtp_starttls,
    )


def activities_for(settings: Settings, engine: Engine, client: Client) -> list:
    """Every activity, bound to its resources."""
    projection = ProjectionActivities(engine)
    notifications = NotificationActivities(
        engine,
        settings.outbox_dir,
        settings.mail_from,
        smtp_config(settings),
        public_url=settings.public_url,
    )
    documents = DocumentActivities(engine, settings.templates_dir, settings.documents_dir)
    return [
        compute_step_deadline,
        compute_expulsion_date,
        projection.project,
        notifications.send,
        documents.render,
        PropagationActivities(client).propagate,
        IndicatorActivities(engine).territory,
    ]


def build_worker(
    client: Client,
    settings: Settings,
    engine: Engine,
    executor: ThreadPoolExecutor,
    task_queue: str | None = None,
    max_cached_workflows: int | None = None,
) -> Worker:
    """A worker running every procedure workflow and activity."""
    return Worker(
        client,
        task_queue=task_queue or settings.task_queue,
        workflows=WORKFLOWS,
        workflow_runner=SANDBOX,
        activities=activities_for(settings, engine, client),
        activity_executor=executor,
        max_concurrent_activities=16,
        graceful_shutdown_timeout=timedelta(seconds=20),
        max_cached_workflows=(
            settings.worker_cached_workflows
            if max_cached_workflows is None
            else max_cached_workflows
        ),
    )


async def run_worker(settings: Settings) -> None:
    """Run a worker until cancelled, letting running activities finish on shutdown."""
    from quietude.temporal_client import connect

    client = await connect(settings)
    engine = make_engine(settings.database_url)
    with ThreadPoolExecutor(max_workers=16) as executor:
        worker = build_worker(client, settings, engine, executor)
        log.info("worker démarré sur la file %s", settings.task_queue)
        try:
            await worker.run()
        except asyncio.CancelledError:
            await worker.shutdown()
            raise
        finally:
            engine.dispose()
