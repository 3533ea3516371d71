"""A real Celery worker (two processes) serving the tests' database, Redis and artifact store.

Engine tests use `transactional_db`: the worker is another process, so what a test writes must
be committed for the worker to see it.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import LazySettings

from backend.pipelines.models import Run
from tests.conftest import Team
from tests.factories import PipelineFactory
from tests.workers import RunningWorker, celery_worker

PLUGINS = "tests.engine.plugin_blocks"
# Short leases so that a dead worker is noticed within seconds.
FAST_LEASES = {
    "STEP_LEASE_SECONDS": "3",
    "STEP_HEARTBEAT_SECONDS": "0.5",
    "REAPER_INTERVAL_SECONDS": "1",
}


@pytest.fixture(scope="session")
def shared_artifact_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One artifact store for the tests and the session's worker."""
    return tmp_path_factory.mktemp("engine-artifacts")


@pytest.fixture(autouse=True)
def artifact_root(settings: LazySettings, shared_artifact_root: Path) -> Path:
    """Engine tests share the worker's artifact store."""
    settings.ARTIFACT_ROOT = shared_artifact_root
    return shared_artifact_root


@pytest.fixture(scope="session")
def engine_worker(
    django_db_setup: None,
    django_db_blocker: object,
    shared_artifact_root: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[RunningWorker]:
    """A `celery worker` with two processes on both queues, for the whole session."""
    import tests.engine.plugin_blocks  # noqa: F401  (the test process validates with them too)

    log = tmp_path_factory.mktemp("worker") / "worker.log"
    with celery_worker(
        concurrency=2,
        log_path=log,
        env={"ARTIFACT_ROOT": str(shared_artifact_root), "BLOCK_PLUGINS": PLUGINS, **FAST_LEASES},
    ) as worker:
        yield worker


def wait_for_run(run: Run, timeout: float = 90) -> Run:
    """Wait until the run is finished (the worker does the work); fail after `timeout`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        run.refresh_from_db()
        if run.is_finished:
            return run
        time.sleep(0.2)
    steps = list(run.steps.values_list("node_id", "status", "attempt", "error_message"))
    pytest.fail(f"run {run.pk} still {run.status} after {timeout} s: {steps}")


def wait_for_step(run: Run, node_id: str, status: str, timeout: float = 60) -> None:
    """Wait until a step reaches `status`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if run.steps.filter(node_id=node_id, status=status).exists():
            return
        time.sleep(0.1)
    pytest.fail(f"step {node_id} of run {run.pk} never reached {status}")


def start(team: Team, graph: dict[str, Any], **body: Any) -> Run:
    """Start a run of a new pipeline with `graph` through the API, as the team's editor."""
    pipeline = PipelineFactory(workspace=team.workspace, graph=graph)
    response = team.client("editor").post(
        team.url(f"pipelines/{pipeline.pk}/runs/"), body, format="json"
    )
    assert response.status_code == 201, response.json()
    return Run.objects.get(pk=response.json()["id"])
