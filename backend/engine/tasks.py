"""Celery tasks. Thin: they load rows by id and call into backend/engine.

Messages are acknowledged late and rejected (requeued) when the worker process dies, but the
database decides what a message means: a duplicate or outdated one is ignored, and the attempt
cap lives on the step row, so an out-of-memory kill cannot requeue a step forever.

A step task that cannot reach the database or the broker is retried with exponential backoff
and jitter (Celery's autoretry) instead of being dropped. Retrying is safe wherever it fails:
an error in the claim rolls the claim back, and a retry of a task that failed after its claim
takes its own lease back only if nobody else did meanwhile (backend.engine.leases.step_claim,
`resume`), while every result is written under that lease in one transaction, so a block's
results are never written twice.
"""

from __future__ import annotations

import socket

from celery import Task
from django.conf import settings
from django.db import InterfaceError, OperationalError, close_old_connections
from kombu.exceptions import OperationalError as BrokerOperationalError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from backend.engine import executor, reaper
from backend.engine.celery import app

#: What makes a step task retry: the database or the broker could not be reached.
INFRASTRUCTURE_ERRORS = (
    OperationalError,
    InterfaceError,
    BrokerOperationalError,
    RedisConnectionError,
    RedisTimeoutError,
)


@app.task(name="backend.engine.tasks.ping", ignore_result=False)
def ping() -> dict[str, str]:
    """Answer which worker host took the message; used by health checks and tests."""
    return {"pong": socket.gethostname()}


@app.task(
    name="backend.engine.tasks.execute_step",
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=INFRASTRUCTURE_ERRORS,
    retry_backoff=settings.STEP_RETRY_BACKOFF_SECONDS,
    retry_backoff_max=settings.STEP_RETRY_BACKOFF_MAX_SECONDS,
    retry_jitter=True,
    max_retries=settings.STEP_RETRY_MAX,
)
def execute_step(self: Task, step_id: int, attempt: int) -> str:
    """Run one attempt of one step; a retry after an infrastructure error resumes it."""
    try:
        return executor.execute_step(step_id, attempt, resume=bool(self.request.retries))
    finally:
        close_old_connections()  # back to this process's pool, which stays open between steps


@app.task(name="backend.engine.tasks.reap_expired_leases")
def reap_expired_leases() -> int:
    """Retry or fail steps whose worker stopped heart-beating (run periodically by beat)."""
    try:
        return len(reaper.reap_expired_leases())
    finally:
        close_old_connections()
