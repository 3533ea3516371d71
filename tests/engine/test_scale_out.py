"""Scale-out on one machine: a fan-out's steps are shared by the worker's processes."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from backend.engine.artifacts import default_store
from backend.engine.values_io import load_value
from backend.pipelines.models import Artifact, Run
from tests.conftest import Team
from tests.engine.conftest import wait_for_run
from tests.factories import PipelineFactory
from tests.graphs import edge, node
from tests.workers import RunningWorker

pytestmark = [pytest.mark.worker, pytest.mark.usefixtures("transactional_db")]

BRANCHES = 6


def fan_out_graph() -> dict[str, object]:
    """One source feeding BRANCHES one-second steps."""
    branches = [node(f"b{i}", "feature.test_sleep", tag=str(i)) for i in range(BRANCHES)]
    return {
        "nodes": [node("src", "ingest.test_chatter"), *branches],
        "edges": [edge("src", f"b{i}") for i in range(BRANCHES)],
    }


def parent_pid(pid: int) -> int:
    """The parent of a live process, from /proc."""
    status = Path(f"/proc/{pid}/status").read_text()
    return int(next(line.split()[1] for line in status.splitlines() if line.startswith("PPid:")))


def test_fan_out_steps_run_on_both_worker_processes(
    team: Team, engine_worker: RunningWorker
) -> None:
    pipeline = PipelineFactory(workspace=team.workspace, graph=fan_out_graph())
    response = team.client("editor").post(
        team.url(f"pipelines/{pipeline.pk}/runs/"), {"use_cache": False}, format="json"
    )
    assert response.status_code == 201, response.json()

    run = wait_for_run(Run.objects.get(pk=response.json()["id"]))

    assert run.status == "succeeded", run.error
    branches = list(run.steps.filter(node_id__startswith="b"))
    assert len(branches) == BRANCHES and {s.status for s in branches} == {"succeeded"}
    workers = {step.worker for step in branches}
    assert len(workers) == 2, f"the fan-out ran on {sorted(workers)}, not on both processes"
    # Both are pool processes of the session's worker on this machine...
    pids = {int(name.rsplit(":", 1)[1]) for name in workers}
    assert {name.rsplit(":", 1)[0] for name in workers} == {socket.gethostname()}
    assert {parent_pid(pid) for pid in pids} == {engine_worker.pid}
    # ...and each step's output was computed by the process its record names.
    for step in branches:
        table = Artifact.objects.get(step=step, port="table")
        frame = load_value(default_store(), "table", table.digest, table.metadata).frame
        assert set(frame["pid"]) == {int(step.worker.rsplit(":", 1)[1])}
