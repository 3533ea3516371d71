"""Probes: ``/healthz`` (this process answers) and ``/readyz`` (what it needs answers too).

``/healthz`` touches nothing but the process, so a restart policy built on it restarts the web
process only when the process itself is stuck, never because the database is down. ``/readyz``
checks PostgreSQL, Redis and that at least one worker serves each required queue
(``READINESS_QUEUES``, default ``cpu``): 200 when all of them answer, 503 naming what did not.

Invariants: each check runs on its own thread and is given up after
``READINESS_TIMEOUT_SECONDS`` (a hung server cannot hang the probe); the checks run at once, so
the probe takes about one timeout at worst, not their sum. Neither probe asks for
authentication, so neither says anything but status facts: a failure is named by its exception
type, and its detail goes to the server's log.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any

import redis
from django.conf import settings
from django.db import connections
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_safe

from backend.engine.celery import QUEUES
from backend.engine.workers import BrokerUnavailable, online_workers, workers_by_queue

logger = logging.getLogger(__name__)

#: Threads the checks run on. A check stuck past its timeout keeps its thread until it ends;
#: with these few, a server that hangs every check makes later probes time out too, which is
#: what they should report.
_checks = ThreadPoolExecutor(max_workers=6, thread_name_prefix="readyz")


@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """200 while this process can answer a request; checks nothing else."""
    return JsonResponse({"status": "ok"})


def check_database() -> dict[str, Any]:
    """PostgreSQL answers a query (on a connection of the check's own thread, closed after)."""
    try:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    finally:
        connections.close_all()
    return {}


def check_redis() -> dict[str, Any]:
    """Redis (broker, channel layer and cache) answers PING."""
    timeout = settings.READINESS_TIMEOUT_SECONDS
    client = redis.Redis.from_url(
        settings.REDIS_URL, socket_timeout=timeout, socket_connect_timeout=timeout
    )
    try:
        client.ping()
    finally:
        client.close()
    return {}


def check_workers() -> dict[str, Any]:
    """The workers online per queue. Replies are collected for half the timeout, so that
    the check ends within it."""
    workers = online_workers(timeout=settings.READINESS_TIMEOUT_SECONDS / 2)
    queues = list(dict.fromkeys([*QUEUES, *settings.READINESS_QUEUES]))
    return {q: [w.name for w in ws] for q, ws in workers_by_queue(workers, queues).items()}


def _failure(exc: Exception) -> str:
    """What an anonymous reader may see of a failure: its kind, not its detail."""
    if isinstance(exc, FutureTimeout):
        return f"no answer within {settings.READINESS_TIMEOUT_SECONDS:g} s"
    if isinstance(exc, BrokerUnavailable):
        return "the broker (Redis) cannot be reached"
    return f"{type(exc).__name__} (the server log has the detail)"


def _wait(name: str, future: Future[dict[str, Any]], deadline: float) -> dict[str, Any]:
    """The check's result, or an ``error`` entry when it failed or ran past `deadline`."""
    started = time.monotonic()
    try:
        result = future.result(timeout=max(0.0, deadline - started))
    except Exception as exc:
        logger.warning("readiness check %s failed: %r", name, exc, exc_info=True)
        return {"ok": False, "error": _failure(exc)}
    return {"ok": True, **result}


def _queue_checks(workers: dict[str, Any]) -> list[dict[str, Any]]:
    """One entry per queue, from the workers check: ok when a worker serves the queue.

    It says how many workers do, not which: their names are host names, and this answer is
    anonymous (the authenticated operations page names them)."""
    required = set(settings.READINESS_QUEUES)
    queues = list(dict.fromkeys([*QUEUES, *settings.READINESS_QUEUES]))
    entries = []
    for queue in queues:
        entry: dict[str, Any] = {"name": f"queue:{queue}", "required": queue in required}
        if not workers["ok"]:
            entry.update(ok=False, error=f"workers cannot be asked: {workers['error']}")
        elif workers[queue]:
            entry.update(ok=True, workers=len(workers[queue]))
        else:
            entry.update(ok=False, workers=0, error=f"no worker serves the '{queue}' queue")
        entries.append(entry)
    return entries


@require_safe
def readyz(request: HttpRequest) -> JsonResponse:
    """200 when the database, Redis and a worker for each required queue answer, else 503.

    The body lists every check: ``{"ready": bool, "checks": [{"name", "ok", "required",
    "error"?, "workers"?}]}``; queues that are not required are listed but do not decide.
    """
    checks: dict[str, Callable[[], dict[str, Any]]] = {
        "database": check_database,
        "redis": check_redis,
        "workers": check_workers,
    }
    futures = {name: _checks.submit(check) for name, check in checks.items()}
    deadline = time.monotonic() + settings.READINESS_TIMEOUT_SECONDS
    results = {name: _wait(name, future, deadline) for name, future in futures.items()}
    entries = [{"name": name, "required": True, **results[name]} for name in ("database", "redis")]
    entries += _queue_checks(results["workers"])
    ready = all(entry["ok"] for entry in entries if entry["required"])
    return JsonResponse({"ready": ready, "checks": entries}, status=200 if ready else 503)
