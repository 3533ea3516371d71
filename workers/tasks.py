"""Celery tasks. Thin: they load rows by id and call into backend/runners.

Messages are acknowledged late and rejected (requeued) when the worker process dies, but the
database decides what a message means: a duplicate or outdated one is ignored, and the attempt
cap lives on the step row, so an out-of-memory kill cannot requeue a step forever.
"""

from __future__ import annotations

import socket

from workers.celery import app


@app.task(name="workers.tasks.ping", ignore_result=False)
def ping() -> dict[str, str]:
    """Answer which worker host took the message; used by health checks and tests."""
    return {"pong": socket.gethostname()}


@app.task(name="workers.tasks.execute_step", acks_late=True, reject_on_worker_lost=True)
def execute_step(step_id: int, attempt: int) -> str:
    """Run one attempt of one step."""
    from backend.runners import executor

    return executor.execute_step(step_id, attempt)


@app.task(name="workers.tasks.reap_expired_leases")
def reap_expired_leases() -> int:
    """Retry or fail steps whose worker stopped heart-beating (run periodically by beat)."""
    from backend.runners import coordinator

    return len(coordinator.reap_expired_leases())
