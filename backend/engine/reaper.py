"""The reaper: retries or fails steps whose worker stopped heart-beating, and re-sends
messages of steps queued for too long. Celery beat runs it periodically.
"""

from __future__ import annotations

import base64
import json
import logging
import time
from datetime import datetime, timedelta
from typing import Any

import kombu.exceptions
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from redis.exceptions import RedisError

from backend.engine.celery import app
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

    Also re-sends the message of a step queued for long whose message was lost
    (`requeue_lost_messages`).
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
    requeue_lost_messages(now)
    return reaped


def requeue_after() -> float:
    """Seconds a step may stay queued before its message is looked for: STEP_REQUEUE_LEASES
    lease lengths."""
    return settings.STEP_REQUEUE_LEASES * settings.STEP_LEASE_SECONDS


def requeue_lost_messages(now: datetime) -> list[int]:
    """Send again the message of each step queued for longer than `requeue_after` whose
    message is lost: neither waiting in its queue nor recently taken by a worker.

    A step waiting behind busy workers has its message in the queue and is left alone, so a
    long backlog is not flooded with duplicates. A message a worker took but has not
    acknowledged for that long is sent again (the worker may be gone); the duplicate is
    harmless, because a claim checks the attempt. Where the broker cannot be looked into,
    every such step is sent again, once per `requeue_after`.
    """
    bound = requeue_after()
    stale = list(
        StepRun.objects.filter(
            status=StepStatus.QUEUED, queued_at__lt=now - timedelta(seconds=bound)
        ).values_list("id", "attempt", "queue")
    )
    if not stale:
        return []
    in_broker = broker_step_messages({queue for _, _, queue in stale})
    resent = []
    for step_id, attempt, _queue in stale:
        if in_broker is not None:
            taken_at = in_broker.get((step_id, attempt), -1.0)
            if taken_at == WAITING or (taken_at >= 0 and time.time() - taken_at < bound):
                continue
        with transaction.atomic():
            step = StepRun.objects.filter(
                pk=step_id, status=StepStatus.QUEUED, attempt=attempt
            ).first()
            if step is not None and StepRun.objects.filter(pk=step_id, attempt=attempt).update(
                queued_at=now
            ):
                logger.warning(
                    "step %s (attempt %s) queued for over %.0f s with no message: sending again",
                    step_id,
                    attempt,
                    bound,
                )
                send_step(step)
                resent.append(step_id)
    return resent


#: In `broker_step_messages`: the message waits in its queue (no worker took it yet).
WAITING = 0.0


def broker_step_messages(queues: set[str]) -> dict[tuple[int, int], float] | None:
    """The step messages the broker holds, as {(step id, attempt): when a worker took it, or
    WAITING}; None when the broker is not Redis or cannot be read."""
    try:
        with app.connection_for_read() as conn:
            channel = conn.default_channel
            if not hasattr(channel, "unacked_key"):
                return None
            client = channel.client
            found: dict[tuple[int, int], float] = {}
            for queue in queues:
                for priority in channel.priority_steps:
                    for raw in client.lrange(channel._q_for_pri(queue, priority), 0, -1):
                        key = _step_of(json.loads(raw))
                        if key is not None:
                            found[key] = WAITING
            taken = dict(client.zrange(channel.unacked_index_key, 0, -1, withscores=True))
            for tag, raw in client.hgetall(channel.unacked_key).items():
                message, _exchange, routing_key = json.loads(raw)
                if _text(routing_key) not in queues:
                    continue  # taken from another queue (the routing key is the queue's name)
                key = _step_of(message)
                if key is not None and key not in found:
                    found[key] = float(taken.get(tag, time.time()))
            return found
    except (OSError, ValueError, KeyError, TypeError, kombu.exceptions.KombuError, RedisError):
        logger.warning("could not look into the broker's queues", exc_info=True)
        return None


def _text(value: str | bytes) -> str:
    return value.decode() if isinstance(value, bytes) else value


def _step_of(message: dict[str, Any]) -> tuple[int, int] | None:
    """(step id, attempt) of an execute_step message, else None."""
    headers = message.get("headers") or {}
    if headers.get("task") != "backend.engine.tasks.execute_step":
        return None
    body = message["body"]
    if message.get("properties", {}).get("body_encoding") == "base64":
        body = base64.b64decode(body)
    args = json.loads(body)[0]
    return int(args[0]), int(args[1])
