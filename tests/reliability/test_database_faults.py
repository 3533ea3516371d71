"""The database goes away, fills up, or loses a client mid-step: runs still finish, once.

Each test uses the fault tests' own PostgreSQL and Redis (tests/reliability/conftest.py), never
the shared servers: these tests fill the database's connection slots and stop the server.
"""

from __future__ import annotations

import re
import signal
import time
from pathlib import Path
from typing import Any

import psutil
import psycopg
import pytest

from tests.embedded import (
    FAULT_MAX_CONNECTIONS,
    EmbeddedPostgres,
    EmbeddedRedis,
    Seeder,
    run_state,
    wait_until_finished,
    worker,
    written_once,
)
from tests.engine.conftest import FAST_LEASES
from tests.graphs import edge, node

pytestmark = [pytest.mark.worker]


@pytest.fixture
def worker_env(tmp_path: Path) -> dict[str, str]:
    """Short leases and short retry waits, and an artifact store of the test's own."""
    return {
        "ARTIFACT_ROOT": str(tmp_path / "artifacts"),
        **FAST_LEASES,
        "STEP_RETRY_BACKOFF_MAX_SECONDS": "2",
        "DB_POOL_TIMEOUT": "2",
    }


def chain(seconds: float) -> dict[str, Any]:
    """src → slow (sleeps `seconds`) → after."""
    return {
        "nodes": [
            node("src", "ingest.test_chatter"),
            node("slow", "feature.test_sleep", seconds=seconds),
            node("after", "feature.test_sleep", seconds=0.1),
        ],
        "edges": [edge("src", "slow"), edge("slow", "after")],
    }


def step_row(pg: EmbeddedPostgres, run_id: int, node_id: str) -> tuple[str, int, str]:
    """(status, attempt, worker) of one step."""
    with pg.connect() as db:
        row = db.execute(
            "SELECT status, attempt, worker FROM pipelines_steprun "
            "WHERE run_id = %s AND node_id = %s",
            [run_id, node_id],
        ).fetchone()
    return row[0], row[1], row[2]


def wait_for_status(
    pg: EmbeddedPostgres, run_id: int, node_id: str, status: str, timeout: float = 60
) -> tuple[str, int, str]:
    """Poll a step until it has `status`; its row."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        row = step_row(pg, run_id, node_id)
        if row[0] == status:
            return row
        time.sleep(0.1)
    raise AssertionError(f"step {node_id} never reached {status}: {step_row(pg, run_id, node_id)}")


def hold_every_slot(pg: EmbeddedPostgres) -> list[psycopg.Connection[Any]]:
    """Open connections until the server refuses one ('too many clients')."""
    held: list[psycopg.Connection[Any]] = []
    while len(held) <= FAULT_MAX_CONNECTIONS:
        try:
            held.append(pg.connect())
        except psycopg.OperationalError as exc:
            assert "too many clients" in str(exc) or "reserved" in str(exc), exc
            return held
    raise AssertionError("the server never refused a connection")


def test_a_run_queued_while_the_database_is_full_finishes_once_slots_free_up(
    pg: EmbeddedPostgres,
    broker: EmbeddedRedis,
    seeder: Seeder,
    worker_env: dict[str, str],
    tmp_path: Path,
) -> None:
    run_id = seeder.run(chain(0.2))
    observer = pg.connect()  # one slot kept to look at the run while the rest are full
    held = hold_every_slot(pg)
    log = tmp_path / "worker.log"
    try:
        with worker(pg.url(), broker.url, log, **worker_env):
            deadline = time.monotonic() + 60
            while "Retry in" not in log.read_text():
                assert time.monotonic() < deadline, "the step task never retried:\n" + (
                    log.read_text()
                )
                time.sleep(0.2)
            assert run_state(observer, run_id) == "queued"
            for connection in held:
                connection.close()
            held = []
            status, seconds = wait_until_finished(pg, run_id, timeout=90)
            print(f"finished {seconds:.1f} s after the connections were freed")
    finally:
        for connection in held:
            connection.close()
    assert status == "succeeded"
    assert re.search(r"too many clients|PoolTimeout|couldn't get a connection", log.read_text())
    written_once(observer, run_id)
    observer.close()


def test_a_run_survives_the_database_going_down_for_20_seconds(
    pg: EmbeddedPostgres,
    broker: EmbeddedRedis,
    seeder: Seeder,
    worker_env: dict[str, str],
    tmp_path: Path,
) -> None:
    run_id = seeder.run(chain(4))
    with worker(pg.url(), broker.url, tmp_path / "worker.log", **worker_env):
        wait_for_status(pg, run_id, "slow", "running")
        pg.stop()
        time.sleep(20)
        pg.start()
        status, seconds = wait_until_finished(pg, run_id, timeout=120)
        print(f"finished {seconds:.1f} s after the database came back")
    assert status == "succeeded"
    with pg.connect() as db:
        written_once(db, run_id)
        statuses = db.execute(
            "SELECT node_id, status FROM pipelines_steprun WHERE run_id = %s", [run_id]
        ).fetchall()
    assert {status for _, status in statuses} == {"succeeded"}, statuses


def backends_of(pg: EmbeddedPostgres, pid: int) -> set[int]:
    """The client ports of `pid`'s connections to the server, as pg_stat_activity sees them."""
    process = psutil.Process(pid)
    listing = getattr(process, "net_connections", None) or process.connections  # psutil < 6
    ports = {c.laddr.port for c in listing(kind="tcp") if c.raddr and c.raddr.port == pg.port}
    with pg.connect() as db:
        seen = db.execute(
            "SELECT client_port FROM pg_stat_activity WHERE client_port = ANY(%s)", [list(ports)]
        ).fetchall()
    return {row[0] for row in seen}


def test_a_worker_child_killed_holding_a_connection_leaks_none_and_the_step_is_retried(
    pg: EmbeddedPostgres,
    broker: EmbeddedRedis,
    seeder: Seeder,
    worker_env: dict[str, str],
    tmp_path: Path,
) -> None:
    run_id = seeder.run(chain(3))
    with worker(pg.url(), broker.url, tmp_path / "worker.log", **worker_env):
        _, _, running_on = wait_for_status(pg, run_id, "slow", "running")
        child = int(running_on.rsplit(":", 1)[1])
        held = backends_of(pg, child)
        assert held, "the worker child held no connection while running the step"
        psutil.Process(child).send_signal(signal.SIGKILL)
        deadline = time.monotonic() + 30
        with pg.connect() as db:
            while db.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE client_port = ANY(%s)", [list(held)]
            ).fetchone()[0]:
                assert time.monotonic() < deadline, "the killed child's connections stayed open"
                time.sleep(0.1)
        status, seconds = wait_until_finished(pg, run_id, timeout=90)
        print(f"finished {seconds:.1f} s after the kill; the child held {len(held)} connections")
    assert status == "succeeded"
    slow_status, attempt, worker_name = step_row(pg, run_id, "slow")
    assert slow_status == "succeeded" and attempt >= 2 and worker_name != running_on
    with pg.connect() as db:
        written_once(db, run_id)
