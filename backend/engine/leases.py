"""Leases: each attempt of a step holds one (attempt number as fencing token, heartbeat,
deadline) from its claim on. A worker whose lease was taken over may not write results.

Every change to a run's steps happens under the run's row lock, taken by `locked_step`.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from backend.engine.events.payloads import run_status_event, step_status_event
from backend.engine.events.store import record_events
from backend.engine.scheduling import finish_if_done
from backend.pipelines.models import (
    Run,
    RunStatus,
    StepRun,
    StepStatus,
)


def locked_step(step_id: int) -> tuple[Run, StepRun] | None:
    """The step with its run's row locked, in one query.

    Only the run row is locked: every change to a run's step statuses happens under it, which
    is what keeps two finishing steps from dispatching the same successor.
    """
    step = (
        StepRun.objects.select_related("run__version")
        .select_for_update(of=("run",))
        .filter(pk=step_id)
        .first()
    )
    if step is None:
        return None
    return step.run, step


def lease_deadline() -> Any:
    """When a lease taken or renewed now runs out."""
    return timezone.now() + timedelta(seconds=settings.STEP_LEASE_SECONDS)


@transaction.atomic
def step_claim(
    *, step_id: int, attempt: int, worker: str, resume: bool = False
) -> tuple[Run, StepRun] | None:
    """Take the lease for `attempt` of a queued step; None when the message is stale.

    `resume`: the caller retries a task of this attempt that failed on a database or broker
    error and has ended, so a step still running under this attempt's lease is taken back
    (nothing was recorded: results are written in one transaction under the lease).
    """
    locked = locked_step(step_id)
    if locked is None:
        return None
    run, step = locked
    resumable = resume and step.status == StepStatus.RUNNING
    if (step.status != StepStatus.QUEUED and not resumable) or step.attempt != attempt:
        return None  # a duplicate or outdated message: the database says what to do
    now = timezone.now()
    events = []
    if run.cancel_requested:
        step.status, step.finished_at = StepStatus.CANCELLED, now
        step.save(update_fields=["status", "finished_at"])
        events.append(step_status_event(step))
        finish_if_done(run, events)
        record_events(run, events)
        return None
    step.status, step.worker, step.started_at = StepStatus.RUNNING, worker, now
    step.heartbeat_at, step.lease_expires_at = now, lease_deadline()
    step.error_message = step.error_traceback = ""
    step.save(
        update_fields=[
            "status",
            "worker",
            "started_at",
            "heartbeat_at",
            "lease_expires_at",
            "error_message",
            "error_traceback",
        ]
    )
    events.append(step_status_event(step, worker=worker))
    if run.status == RunStatus.QUEUED:
        run.status, run.started_at = RunStatus.RUNNING, now
        run.save(update_fields=["status", "started_at"])
        events.append(run_status_event(run))
    record_events(run, events)
    return run, step


def step_heartbeat(*, step_id: int, attempt: int) -> bool:
    """Renew the lease; False when it was lost (taken over or the step was ended)."""
    now = timezone.now()
    renewed = StepRun.objects.filter(pk=step_id, attempt=attempt, status=StepStatus.RUNNING).update(
        heartbeat_at=now, lease_expires_at=lease_deadline()
    )
    return renewed == 1


def cancel_requested(run_id: int) -> bool:
    """Whether the run was asked to stop."""
    return bool(Run.objects.filter(pk=run_id).values_list("cancel_requested", flat=True).first())


def lease_held_for_update(*, step_id: int, attempt: int) -> bool:
    """Whether `attempt` still holds the step's lease, locking the step row until the caller's
    transaction ends (so that the lease cannot be taken over meanwhile)."""
    step = StepRun.objects.select_for_update().filter(pk=step_id).first()
    return step is not None and holds_lease(step, attempt)


def holds_lease(step: StepRun, attempt: int) -> bool:
    """Whether `attempt` is the running attempt of `step`, the one allowed to record results."""
    return step.status == StepStatus.RUNNING and step.attempt == attempt
