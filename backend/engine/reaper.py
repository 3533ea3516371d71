"""The reaper: retries or fails steps whose worker stopped heart-beating, and re-sends
messages of steps queued for too long. Celery beat runs it periodically.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from backend.engine.leases import locked_step
from backend.engine.outcomes import fail_or_retry
from backend.engine.scheduling import send_step
from backend.pipelines.models import (
    StepRun,
    StepStatus,
)

logger = logging.getLogger(__name__)


def _log_reaped(run_id: int, step: StepRun, message: str) -> None:
    """Tell the step's log why it was restarted or failed."""
    from backend.engine.events.buffer import StepEventBuffer

    buffer = StepEventBuffer(run_id=run_id, step_id=step.pk, node_id=step.node_id)
    buffer.log(message, "warning")
    buffer.flush()


def reap_expired_leases() -> list[int]:
    """Retry or fail running steps whose lease ran out (their worker died or hung).

    Also re-sends the message of a step queued for a long time, in case it was lost; duplicate
    messages are harmless because a claim checks the attempt.
    """
    now = timezone.now()
    reaped = []
    expired = StepRun.objects.filter(status=StepStatus.RUNNING, lease_expires_at__lt=now)
    for step_id in expired.values_list("id", flat=True):
        with transaction.atomic():
            locked = locked_step(step_id)
            if locked is None:
                continue
            run, step = locked
            if step.status != StepStatus.RUNNING or not step.lease_expires_at:
                continue
            if step.lease_expires_at >= timezone.now():
                continue
            silent = (now - (step.heartbeat_at or now)).total_seconds()
            message = (
                f"the worker running this step ({step.worker or 'unknown'}) stopped responding "
                f"(no heartbeat for {silent:.0f} s) on attempt {step.attempt} of "
                f"{step.max_attempts}"
            )
            logger.warning("step %s of run %s: %s", step.node_id, run.pk, message)
            outcome = fail_or_retry(run, step, message, "", retryable=True)
            reaped.append(step_id)
        _log_reaped(run.pk, step, f"{message}; {'retrying' if outcome == 'queued' else 'failed'}")
    stale = now - timedelta(seconds=max(60.0, 5 * settings.STEP_LEASE_SECONDS))
    for step in StepRun.objects.filter(status=StepStatus.QUEUED, queued_at__lt=stale):
        with transaction.atomic():
            if StepRun.objects.filter(pk=step.pk, status=StepStatus.QUEUED).update(queued_at=now):
                send_step(step)
    return reaped
