"""The baseline of bench/orchestration.py: the same work as plain Celery 5 tasks.

A worker for it: ``celery -A bench.raw_celery worker -Q bench_raw -c 2`` (prefork). It uses the
product's Redis (broker and result backend) on its own queue, so that both are measured on the
same server in the same run.
"""

from __future__ import annotations

import os
import time

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings")

from django.conf import settings

QUEUE = "bench_raw"

app = Celery("bench_raw", broker=settings.CELERY_BROKER_URL, backend=settings.CELERY_BROKER_URL)
app.conf.task_default_queue = QUEUE
app.conf.broker_connection_retry_on_startup = True


@app.task(name="bench.raw.step")
def step(x: int, sleep_ms: float = 10.0) -> int:
    """The peers' step: sleep, then hand x + 1 on."""
    time.sleep(sleep_ms / 1000)
    return x + 1


@app.task(name="bench.raw.collect")
def collect(values: list[int]) -> int:
    """A chord's callback: how many steps finished."""
    return len(values)
