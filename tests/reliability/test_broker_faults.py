"""Redis restarted in the middle of a run, losing every message it held: the run still
finishes, and nothing is written twice.

The Redis and the PostgreSQL are the fault tests' own (tests/reliability/conftest.py), never
the shared ones.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.embedded import (
    EmbeddedPostgres,
    EmbeddedRedis,
    Seeder,
    wait_until_finished,
    worker,
    written_once,
)
from tests.engine.conftest import FAST_LEASES
from tests.graphs import edge, node

pytestmark = [pytest.mark.worker]


def wait_for_running(pg: EmbeddedPostgres, run_id: int, node_id: str) -> None:
    """Poll until the step runs (hang guard: 60 s)."""
    deadline = time.monotonic() + 60
    with pg.connect() as db:
        while time.monotonic() < deadline:
            row = db.execute(
                "SELECT status FROM pipelines_steprun WHERE run_id = %s AND node_id = %s",
                [run_id, node_id],
            ).fetchone()
            if row[0] == "running":
                return
            time.sleep(0.1)
    raise AssertionError(f"step {node_id} never ran")


def test_a_run_survives_redis_restarting_empty_mid_run(
    pg: EmbeddedPostgres, broker: EmbeddedRedis, seeder: Seeder, tmp_path: Path
) -> None:
    graph = {
        "nodes": [
            node("src", "ingest.test_chatter"),
            node("slow", "feature.test_sleep", seconds=1),
            node("left", "feature.test_sleep", seconds=0.1),
            node("right", "feature.test_sleep", seconds=0.1),
        ],
        "edges": [edge("src", "slow"), edge("slow", "left"), edge("slow", "right")],
    }
    run_id = seeder.run(graph)
    env = {"ARTIFACT_ROOT": str(tmp_path / "artifacts"), **FAST_LEASES}
    with worker(pg.url(), broker.url, tmp_path / "worker.log", **env):
        wait_for_running(pg, run_id, "slow")
        broker.kill()  # queued and unacknowledged messages are gone with it
        time.sleep(6)  # `slow` finishes meanwhile: sending its successors waits for Redis
        broker.start()
        status, seconds = wait_until_finished(pg, run_id, timeout=90)
        print(f"finished {seconds:.1f} s after Redis came back")
    log = (tmp_path / "worker.log").read_text(errors="replace")
    assert status == "succeeded", log[-3000:]
    with pg.connect() as db:
        written_once(db, run_id)
        steps = db.execute(
            "SELECT node_id, status, attempt FROM pipelines_steprun WHERE run_id = %s", [run_id]
        ).fetchall()
    assert {status for _, status, _ in steps} == {"succeeded"}, steps
