"""A worker's pool child killed mid-step (SIGKILL, as the out-of-memory killer does): the main
worker process sees it die and the step is retried at once, long before its lease runs out.

The worker gets a 120 s lease and no beat (so no reaper): the lease path cannot be what
retried the step. These tests kill their own workers' children, so they run in the pytest
process of tests/reliability (see the Makefile).
"""

from __future__ import annotations

import os
import signal
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import LazySettings
from django.utils import timezone

from backend.engine.lost_workers import step_child_lost
from backend.pipelines.models import Artifact, LogEntry, Run, StepRun
from backend.pipelines.runs.services import run_start
from tests.engine.conftest import PLUGINS, wait_for_run, wait_for_step
from tests.factories import PipelineFactory, UserFactory, WorkspaceFactory
from tests.graphs import edge, node
from tests.workers import celery_worker

pytestmark = [pytest.mark.worker, pytest.mark.usefixtures("transactional_db")]

LEASE_SECONDS = 120
#: A lease the reaper could only act on after two minutes; heartbeats stay frequent.
LONG_LEASE = {"STEP_LEASE_SECONDS": str(LEASE_SECONDS), "STEP_HEARTBEAT_SECONDS": "0.5"}


@pytest.fixture
def worker_env(settings: LazySettings) -> dict[str, str]:
    import tests.engine.plugin_blocks  # noqa: F401  (validation in this process needs them)

    return {"ARTIFACT_ROOT": str(settings.ARTIFACT_ROOT), "BLOCK_PLUGINS": PLUGINS, **LONG_LEASE}


def start_run(block: str, seconds: float) -> Run:
    graph: dict[str, Any] = {
        "nodes": [
            node("src", "ingest.test_chatter"),
            node("slow", block, seconds=seconds),
            node("after", "feature.test_sleep", seconds=0.1),
        ],
        "edges": [edge("src", "slow"), edge("slow", "after")],
    }
    pipeline = PipelineFactory(workspace=WorkspaceFactory(), graph=graph)
    return run_start(pipeline=pipeline, user=UserFactory())


def kill_child_running(run: Run, node_id: str) -> tuple[StepRun, int]:
    """SIGKILL the pool child that runs the step (its record names host:pid)."""
    step = run.steps.get(node_id=node_id)
    pid = int(step.worker.rsplit(":", 1)[1])
    assert pid != os.getpid()
    os.kill(pid, signal.SIGKILL)
    return step, pid


def test_killed_child_step_is_retried_before_its_lease_could_expire(
    worker_env: dict[str, str], tmp_path: Path
) -> None:
    with celery_worker(env=worker_env, log_path=tmp_path / "worker.log"):
        run = start_run("feature.test_sleep", seconds=4)
        wait_for_step(run, "slow", "running")
        killed_at = timezone.now()
        _, pid = kill_child_running(run, "slow")
        run = wait_for_run(run, timeout=60)

    assert run.status == "succeeded", run.error
    slow = run.steps.get(node_id="slow")
    assert slow.status == "succeeded" and slow.attempt == 2
    assert not slow.worker.endswith(f":{pid}"), "the dead child cannot have finished it"
    assert slow.started_at < killed_at + timedelta(seconds=LEASE_SECONDS)
    assert Artifact.objects.filter(step=slow).count() == 1, "results written twice"
    warnings = LogEntry.objects.filter(step=slow, level="warning").values_list("message", flat=True)
    assert any(f":{pid}) died" in message and "retrying" in message for message in warnings)


def test_killed_child_step_without_retries_fails_with_the_reason(
    worker_env: dict[str, str], tmp_path: Path
) -> None:
    with celery_worker(env=worker_env, log_path=tmp_path / "worker.log"):
        run = start_run("feature.test_fragile", seconds=60)
        wait_for_step(run, "slow", "running")
        _, pid = kill_child_running(run, "slow")
        run = wait_for_run(run, timeout=60)

    assert run.status == "failed"
    slow = run.steps.get(node_id="slow")
    assert slow.status == "failed" and slow.attempt == 1
    assert f":{pid}) died" in slow.error_message and "SIGKILL" in slow.error_message
    assert run.steps.get(node_id="after").status == "skipped"


@pytest.mark.parametrize(
    ("attempt", "worker"),
    [(1, "host:100"), (2, "host:999")],
    ids=["an-older-attempt", "another-process"],
)
def test_a_dead_process_that_did_not_run_the_attempt_changes_nothing(
    attempt: int, worker: str
) -> None:
    run = start_run("feature.test_sleep", seconds=1)
    step = run.steps.get(node_id="slow")
    StepRun.objects.filter(pk=step.pk).update(status="running", attempt=2, worker="host:100")

    assert step_child_lost(step_id=step.pk, attempt=attempt, worker=worker, why="SIGKILL") is None
    step.refresh_from_db()
    assert (step.status, step.attempt, step.worker) == ("running", 2, "host:100")
    assert step.error_message == ""
