"""Cancel during a long scikit-learn fit: a fit runs in C and looks at no flag, so the step is
recorded cancelled and its worker process ended; the pool starts a fresh one.

The forest below would take minutes; the run must end `cancelled` with nothing stored for the
train step, and the same worker must then run the next pipeline. Its own pytest process, as
every test in tests/reliability (see the Makefile).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from django.conf import LazySettings

from backend.pipelines.models import Artifact, LogEntry, ModelVersion, Run
from backend.pipelines.runs.services import run_cancel, run_start
from tests.engine.conftest import FAST_LEASES, wait_for_run, wait_for_step
from tests.factories import PipelineFactory, UserFactory, WorkspaceFactory
from tests.graphs import edge, node
from tests.workers import celery_worker

pytestmark = [pytest.mark.worker, pytest.mark.usefixtures("transactional_db")]


def start_training(rows: int, trees: int) -> Run:
    """A run of synthetic rows -> random forest of `trees` trees (seconds per hundred trees
    at 5,000 rows)."""
    graph: dict[str, Any] = {
        "nodes": [
            node("data", "ingest.synthetic", rows=rows, features=20, seed=0),
            node("train", "train.sklearn", algorithm="random_forest", n_estimators=trees),
        ],
        "edges": [edge("data", "train", target_port="train")],
    }
    pipeline = PipelineFactory(workspace=WorkspaceFactory(), graph=graph)
    return run_start(pipeline=pipeline, user=UserFactory())


def wait_for_log(run: Run, node_id: str, text: str, timeout: float = 60) -> None:
    """Wait until the step's log has a line containing `text`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if LogEntry.objects.filter(
            step__run=run, step__node_id=node_id, message__contains=text
        ).exists():
            return
        time.sleep(0.1)
    pytest.fail(f"step {node_id} of run {run.pk} never logged {text!r}")


def test_cancel_inside_a_long_fit_ends_the_step_and_stores_nothing(
    settings: LazySettings, tmp_path: Path
) -> None:
    # Long leases and no beat: neither the lease nor the reaper can be what ends the step.
    env = {**FAST_LEASES, "STEP_LEASE_SECONDS": "120", "ARTIFACT_ROOT": str(settings.ARTIFACT_ROOT)}
    with celery_worker(env=env, log_path=tmp_path / "worker.log"):
        run = start_training(rows=5000, trees=5000)
        wait_for_step(run, "train", "running")
        wait_for_log(run, "train", "training random_forest")
        killed_pid = int(run.steps.get(node_id="train").worker.rsplit(":", 1)[1])
        run_cancel(run=run)
        # The fit alone takes minutes: this bound only catches a cancel that waits for it.
        run = wait_for_run(run, timeout=30)

        assert run.status == "cancelled"
        train = run.steps.get(node_id="train")
        assert train.status == "cancelled" and train.attempt == 1
        assert not Artifact.objects.filter(step=train).exists(), "a model was stored"
        assert not ModelVersion.objects.filter(workspace=run.workspace).exists()
        lines = list(LogEntry.objects.filter(step=train).values_list("message", flat=True))
        assert any("block did not stop within" in line for line in lines)
        assert not any(line.startswith("finished in") for line in lines)

        # The same worker (a fresh pool child) runs the next pipeline; the requeued message
        # of the cancelled step was ignored.
        after = wait_for_run(start_training(rows=200, trees=5), timeout=60)
        assert after.status == "succeeded", after.error
        assert not after.steps.get(node_id="train").worker.endswith(f":{killed_pid}")

    train.refresh_from_db()
    assert train.status == "cancelled" and train.attempt == 1
    assert not Artifact.objects.filter(step=train).exists()
