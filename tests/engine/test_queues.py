"""The Celery app is wired to Redis with a cpu and a gpu queue, served by a real worker."""

from __future__ import annotations

from pathlib import Path

import pytest
from celery.exceptions import TimeoutError as ResultTimeout

from backend.engine.celery import app
from backend.engine.tasks import ping
from tests.workers import celery_worker


def test_queues_have_their_own_routing() -> None:
    routes = {q.name: (q.exchange.name, q.routing_key) for q in app.conf.task_queues}
    assert routes == {"cpu": ("cpu", "cpu"), "gpu": ("gpu", "gpu")}


@pytest.mark.worker
@pytest.mark.django_db
def test_worker_consumes_both_queues(tmp_path: Path) -> None:
    with celery_worker(queues="cpu,gpu", log_path=tmp_path / "worker.log") as worker:
        name = worker.name
        for queue in ("cpu", "gpu"):
            result = ping.apply_async(queue=queue)
            assert "pong" in result.get(timeout=30)
        active = app.control.inspect(destination=[name]).active_queues()
        assert {q["name"] for q in active[name]} == {"cpu", "gpu"}


@pytest.mark.worker
@pytest.mark.django_db
def test_gpu_message_waits_for_a_gpu_worker(tmp_path: Path) -> None:
    with celery_worker(queues="cpu", log_path=tmp_path / "cpu.log"):
        pending = ping.apply_async(queue="gpu")
        with pytest.raises(ResultTimeout):
            pending.get(timeout=3)
    with celery_worker(queues="gpu", log_path=tmp_path / "gpu.log"):
        assert "pong" in pending.get(timeout=30)
