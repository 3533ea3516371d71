"""How a step attempt ends: succeeded, failed (retried while attempts remain), or cancelled.

Each outcome is recorded only by the attempt that holds the step's lease, under the run's lock,
and moves the run on (what the step made ready is sent, or skipped).
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from backend.engine.events.payloads import step_status_event
from backend.engine.leases import holds_lease, locked_step
from backend.engine.outputs import record_outputs
from backend.engine.scheduling import advance, send_step
from backend.engine.values_io import StoredValue
from backend.pipelines.models import (
    Run,
    StepRun,
    StepStatus,
)


@transaction.atomic
def step_succeed(
    *,
    step_id: int,
    attempt: int,
    outputs: dict[str, StoredValue],
    before: Callable[[], object] | None = None,
) -> bool:
    """Record a step's outputs and send what it made ready; False when the lease was lost.

    `before` runs first in the same transaction (the executor flushes the step's last logs).
    """
    if before is not None:
        before()
    locked = locked_step(step_id)
    if locked is None or not holds_lease(locked[1], attempt):
        return False
    run, step = locked
    record_outputs(run, step, outputs)
    step.status, step.progress, step.finished_at = StepStatus.SUCCEEDED, 1.0, timezone.now()
    step.save(update_fields=["status", "progress", "finished_at"])
    advance(run, events=[step_status_event(step)], changed=[step.node_id])
    return True


@transaction.atomic
def step_fail(
    *, step_id: int, attempt: int, message: str, traceback: str = "", retryable: bool = False
) -> str | None:
    """Fail the attempt: retry while attempts remain (when retryable), else fail the step and
    skip what depends on it. Returns the new status, or None when the lease was lost.
    """
    locked = locked_step(step_id)
    if locked is None or not holds_lease(locked[1], attempt):
        return None
    run, step = locked
    return fail_or_retry(run, step, message, traceback, retryable)


def fail_or_retry(run: Run, step: StepRun, message: str, traceback: str, retryable: bool) -> str:
    """Queue the step's next attempt when retryable and attempts remain, else fail it; then
    move the run on. The caller holds the run's lock. Returns the step's new status."""
    now = timezone.now()
    step.error_message, step.error_traceback = message[:10000], traceback[:100000]
    step.lease_expires_at = None
    if retryable and step.attempt < step.max_attempts and not run.cancel_requested:
        step.status, step.attempt, step.queued_at, step.worker = (
            StepStatus.QUEUED,
            step.attempt + 1,
            now,
            "",
        )
        step.save()
        send_step(step)
    else:
        step.status, step.finished_at = StepStatus.FAILED, now
        step.save()
    advance(run, events=[step_status_event(step)], changed=[step.node_id])
    return step.status


@transaction.atomic
def step_mark_cancelled(*, step_id: int, attempt: int) -> bool:
    """End a running step that stopped because its run was cancelled."""
    locked = locked_step(step_id)
    if locked is None or not holds_lease(locked[1], attempt):
        return False
    run, step = locked
    step.status, step.finished_at, step.lease_expires_at = (
        StepStatus.CANCELLED,
        timezone.now(),
        None,
    )
    step.save(update_fields=["status", "finished_at", "lease_expires_at"])
    advance(run, events=[step_status_event(step)], changed=[step.node_id])
    return True
