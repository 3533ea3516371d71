"""Start real Celery worker processes for tests, against the test database."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.db import connection

from backend.engine.celery import app

REPO_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class RunningWorker:
    """A worker process started by `celery_worker`: its Celery node name and process id."""

    name: str
    pid: int


def test_database_url() -> str:
    """A URL for the database the tests are using (pytest-django's test_* database)."""
    conf = connection.settings_dict
    host = conf.get("HOST") or ""
    host = quote(host, safe="") if host.startswith("/") else host
    port = f":{conf['PORT']}" if conf.get("PORT") else ""
    auth = quote(conf.get("USER") or "", safe="")
    if conf.get("PASSWORD"):
        auth += ":" + quote(conf["PASSWORD"], safe="")
    return f"postgres://{auth}@{host}{port}/{conf['NAME']}"


def stack_env(**extra: str) -> dict[str, str]:
    """Environment for a child process that must see the same database, Redis and store."""
    return {
        **os.environ,
        "DATABASE_URL": test_database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "ARTIFACT_ROOT": str(settings.ARTIFACT_ROOT),
        "PYTHONUNBUFFERED": "1",
        **extra,
    }


@contextlib.contextmanager
def celery_worker(
    *,
    queues: str = "cpu,gpu",
    concurrency: int = 1,
    log_path: Path | None = None,
    env: dict[str, str] | None = None,
    beat: bool = False,
) -> Iterator[RunningWorker]:
    """A real `celery worker` process (with an embedded beat when asked); yields it once it
    answers a ping. The process runs in its own session so a test can kill the
    whole group."""
    name = f"test-{uuid.uuid4().hex[:8]}@localhost"
    log = open(log_path, "wb") if log_path else subprocess.DEVNULL  # noqa: SIM115
    schedule = Path(tempfile.mkdtemp(prefix="beat-")) / "schedule"
    beat_args = ["-B", "--schedule", str(schedule)] if beat else []
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "backend.engine.celery",
            "worker",
            "-Q",
            queues,
            "--concurrency",
            str(concurrency),
            "-n",
            name,
            "--without-mingle",
            "--without-gossip",
            "--loglevel",
            "INFO",
            *beat_args,
        ],
        cwd=REPO_ROOT,
        env=stack_env(**(env or {})),
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while not app.control.ping(destination=[name], timeout=0.5):
            if process.poll() is not None:
                raise RuntimeError(f"celery worker exited with {process.returncode}")
            if time.monotonic() > deadline:
                raise RuntimeError("celery worker did not answer a ping within 60 s")
        yield RunningWorker(name=name, pid=process.pid)
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)  # pool children left behind
        if log_path:
            log.close()
