"""Celery tasks. Thin: they load rows by id and call into backend/runners."""

from __future__ import annotations

import socket

from workers.celery import app


@app.task(name="workers.tasks.ping", ignore_result=False)
def ping() -> dict[str, str]:
    """Answer which worker host took the message; used by health checks and tests."""
    return {"pong": socket.gethostname()}
