"""Celery tasks. Thin: they load rows by id and call into backend/engine.

Messages are acknowledged late and rejected (requeued) when the worker process dies, but the
database decides what a message means: a duplicate or outdated one is ignored, and the attempt
cap lives on the step row, so an out-of-memory kill cannot requeue a step forever.
"""

from __future__ import annotations

import socket

from backend.engine import executor, reaper
from backend.engine.celery import app


@app.task(name="backend.engine.tasks.ping", ignore_result=False)
def ping() -> dict[str, str]:
    """Answer which worker host took the message; used by health checks and tests."""
    return {"pong": socket.gethostname()}


@app.task(name="backend.engine.tasks.execute_step", acks_late=True, reject_on_worker_lost=True)
def execute_step(step_id: int, attempt: int) -> str:
    """Run one attempt of one step."""
    return executor.execute_step(step_id, attempt)


@app.task(name="backend.engine.tasks.reap_expired_leases")
def reap_expired_leases() -> int:
    """Retry or fail steps whose worker stopped heart-beating (run periodically by beat)."""
    return len(reaper.reap_expired_leases())
