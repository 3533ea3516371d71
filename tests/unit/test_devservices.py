"""The embedded PostgreSQL and Redis that `make run` / `make test` fall back to."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import psycopg
import redis

from backend import devservices


def test_embedded_servers_start_answer_and_stop(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("REDIS_URL", raising=False)
    with devservices.running(tmp_path / "var", embedded=True) as services:
        assert len(services.embedded) == 2
        with psycopg.connect(services.database_url.replace("postgres://", "postgresql://")) as c:
            assert c.execute("select current_database()").fetchone() == ("tributary",)
        client = redis.Redis.from_url(services.redis_url)
        assert client.ping()
        port = client.connection_pool.connection_kwargs["port"]
        # A second command (e.g. run_pipeline beside `make run`) reuses the running servers.
        second = devservices.resolve(tmp_path / "var", embedded=True)
        assert (second.database_url, second.redis_url) == (
            services.database_url,
            services.redis_url,
        )
        assert second.embedded == [] and "already running" in second.descriptions[0]
    assert (tmp_path / "var" / "postgres" / "PG_VERSION").is_file()
    assert not devservices.port_open("127.0.0.1", port), "embedded redis still listening"
    assert not (tmp_path / "var" / "postgres" / "postmaster.pid").exists(), "postgres running"
    assert not (tmp_path / "var" / devservices.STATE_FILE).exists()


def test_exec_passes_urls_and_exit_status(tmp_path: Path) -> None:
    script = "import os, sys; print(os.environ['DATABASE_URL']); sys.exit(3)"
    env = {"PATH": "/usr/bin:/bin", "DATABASE_URL": "postgres://x@h/db", "REDIS_URL": "redis://h"}
    result = subprocess.run(
        [sys.executable, "-m", "backend.devservices", "exec", "--", sys.executable, "-c", script],
        cwd=devservices.REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 3
    assert result.stdout.strip() == "postgres://x@h/db"
    assert "PostgreSQL from DATABASE_URL" in result.stderr
