"""A worker killed with SIGKILL in the middle of a step: the run still ends, within bounds.

These tests start and kill their own workers, so they run in a pytest process of their own
(see the Makefile): no other worker may take their steps.
"""

from __future__ import annotations

import os
import signal
from pathlib import Path
from typing import Any

import pytest
from django.conf import LazySettings

from backend.engine.leases import step_claim
from backend.pipelines.models import Artifact, LogEntry, Run
from backend.pipelines.runs.services import run_start
from tests.engine.conftest import FAST_LEASES, PLUGINS, wait_for_run, wait_for_step
from tests.factories import PipelineFactory, UserFactory, WorkspaceFactory
from tests.graphs import edge, node
from tests.workers import celery_worker

pytestmark = [pytest.mark.worker, pytest.mark.usefixtures("transactional_db")]


@pytest.fixture
def worker_env(settings: LazySettings, tmp_path: Path) -> dict[str, str]:
    import tests.engine.plugin_blocks  # noqa: F401  (validation in this process needs them)

    return {"ARTIFACT_ROOT": str(settings.ARTIFACT_ROOT), "BLOCK_PLUGINS": PLUGINS, **FAST_LEASES}


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


def test_killed_worker_step_is_retried_and_succeeds(
    worker_env: dict[str, str], tmp_path: Path
) -> None:
    with celery_worker(env=worker_env, log_path=tmp_path / "first.log") as first:
        run = start_run("feature.test_sleep", seconds=4)
        wait_for_step(run, "slow", "running")
        os.killpg(first.pid, signal.SIGKILL)

    with celery_worker(env=worker_env, log_path=tmp_path / "second.log", beat=True):
        run = wait_for_run(run, timeout=60)

    assert run.status == "succeeded", run.error
    slow = run.steps.get(node_id="slow")
    assert slow.attempt == 2 and slow.status == "succeeded"
    assert Artifact.objects.filter(step=slow).count() == 1, "results written twice"
    warnings = LogEntry.objects.filter(step=slow, level="warning").values_list("message", flat=True)
    assert any("stopped responding" in message for message in warnings)


def test_killed_worker_step_without_retries_fails_with_the_reason(
    worker_env: dict[str, str], tmp_path: Path
) -> None:
    with celery_worker(env=worker_env, log_path=tmp_path / "first.log") as first:
        run = start_run("feature.test_fragile", seconds=30)
        wait_for_step(run, "slow", "running")
        os.killpg(first.pid, signal.SIGKILL)

    with celery_worker(env=worker_env, log_path=tmp_path / "second.log", beat=True):
        run = wait_for_run(run, timeout=60)

    assert run.status == "failed"
    slow = run.steps.get(node_id="slow")
    assert slow.status == "failed" and slow.attempt == 1
    assert "stopped responding" in slow.error_message
    assert run.steps.get(node_id="after").status == "skipped"


def test_stale_message_for_an_old_attempt_is_ignored(
    worker_env: dict[str, str], tmp_path: Path
) -> None:
    with celery_worker(env=worker_env, log_path=tmp_path / "worker.log"):
        run = wait_for_run(start_run("feature.test_sleep", seconds=0.1))
        slow = run.steps.get(node_id="slow")
        # A duplicate delivery of attempt 1 after the step finished must not run it again.
        assert step_claim(step_id=slow.pk, attempt=1, worker="late") is None
    slow.refresh_from_db()
    assert slow.status == "succeeded" and slow.worker != "late"
