"""Serve the whole product: migrate, seed the demo, start workers and the ASGI server."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from backend.pipelines.management.commands.seed_demo import DEMO_PASSWORD, DEMO_USERNAME

ASGI_APP = "backend.asgi:application"
#: The ASGI server. bench/log_stream.py measured uvicorn too: the same latency and CPU per
#: line, faster one-viewer bursts, slower fan-out to many viewers (docs/live-events.md).
ASGI_SERVER = "daphne"


def asgi_server_command(host: str, port: int, server: str = ASGI_SERVER) -> list[str]:
    """The command that serves backend.asgi (HTTP and WebSockets) on host:port."""
    if server == "daphne":
        return [sys.executable, "-m", "daphne", "-b", host, "-p", str(port), ASGI_APP]
    if server == "uvicorn":
        # Django answers no lifespan events; "off" spares a warning at every start.
        return [
            sys.executable,
            "-m",
            "uvicorn",
            ASGI_APP,
            "--host",
            host,
            "--port",
            str(port),
            "--lifespan",
            "off",
        ]
    raise ValueError(f"unknown ASGI server {server!r}: use daphne or uvicorn")


class Command(BaseCommand):
    """``manage.py runstack``: what `make run` starts, supervised as one process."""

    help = "Migrate, seed the demo, then run Celery workers and the ASGI server until stopped."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=2, help="worker processes (cpu+gpu)")

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        call_command("seed_demo")
        children = self._start(options)
        url = f"http://{options['host']}:{options['port']}"
        self.stdout.write(
            self.style.SUCCESS(
                f"\nTributary is running at {url}\n"
                f"  sign in:  {DEMO_USERNAME} / {DEMO_PASSWORD}\n"
                f"  API docs: {url}/api/docs/\n"
                f"  admin:    {url}/admin/\n"
                f"  workers:  {options['workers']} (queues cpu, gpu)\n"
                "Press Ctrl+C to stop.\n"
            )
        )
        sys.exit(self._supervise(children))

    def _start(self, options: dict[str, Any]) -> list[subprocess.Popen[bytes]]:
        python = sys.executable
        children = [
            subprocess.Popen(
                [
                    python,
                    "-m",
                    "celery",
                    "-A",
                    "backend.engine.celery",
                    "worker",
                    "-Q",
                    "cpu,gpu",
                    "--concurrency",
                    "1",
                    "--loglevel",
                    "INFO",
                    "-n",
                    f"worker{index}@%h",
                ]
            )
            for index in range(1, options["workers"] + 1)
        ]
        # Beat runs the periodic reaper that retries or fails steps whose worker died.
        children.append(
            subprocess.Popen(
                [
                    python,
                    "-m",
                    "celery",
                    "-A",
                    "backend.engine.celery",
                    "beat",
                    "--loglevel",
                    "INFO",
                    "--schedule",
                    str(settings.BASE_DIR / "var" / "celerybeat-schedule"),
                ]
            )
        )
        children.append(subprocess.Popen(asgi_server_command(options["host"], options["port"])))
        return children

    def _supervise(self, children: list[subprocess.Popen[bytes]]) -> int:
        stopping = False

        def stop(signum: int, _frame: object) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        status = 0
        while not stopping:
            exited = [c for c in children if c.poll() is not None]
            if exited:
                status = exited[0].returncode or 1
                self.stderr.write(
                    f"{exited[0].args[2:5]} exited ({exited[0].returncode}); stopping"
                )
                break
            time.sleep(0.5)
        for child in children:
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 20
        for child in children:
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.kill()
        return status
