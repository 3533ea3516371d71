"""Serve the whole product: migrate, seed the demo, start workers and the ASGI server.

`make run` starts one process per service (Celery workers, beat, the ASGI server) and keeps
each running: a service that dies is started again after a delay that doubles with every quick
death in a row (up to a cap), so that one dead worker never takes the web server down and a
service that cannot start does not spin. SIGINT (Ctrl+C) or SIGTERM stops them all.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from backend.pipelines.management.commands.seed_demo import DEMO_PASSWORD, DEMO_USERNAME

ASGI_APP = "backend.asgi:application"
#: The ASGI server. uvicorn, because it hands a request body to the app in chunks, with flow
#: control, as it arrives: daphne (twisted) receives and parses the whole body before the app
#: sees the headers, so no guard can refuse a 300 MB upload before it is in memory
#: (tests/reliability/test_upload_memory.py). bench/log_stream.py measured both for live logs:
#: the same latency and CPU per line, faster one-viewer bursts, slower fan-out to many viewers.
ASGI_SERVER = "uvicorn"


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


def describe_exit(returncode: int) -> str:
    """How a child's exit reads in the log: ``status 1`` or ``signal 9 (SIGKILL)``."""
    if returncode < 0:
        try:
            name = signal.Signals(-returncode).name
        except ValueError:
            return f"signal {-returncode}"
        return f"signal {-returncode} ({name})"
    return f"status {returncode}"


@dataclass
class Service:
    """One supervised child process: its name in the log, its command, and its state."""

    name: str
    command: list[str]
    process: subprocess.Popen[bytes] | None = None
    started_at: float = 0.0
    #: Deaths in a row, each within `ProcessSupervisor.stable_after` seconds of its start.
    quick_deaths: int = 0
    #: When to start it again (monotonic clock); None while it runs.
    restart_at: float | None = None


class ProcessSupervisor:
    """Keeps a set of named commands running until it is told to stop.

    A child that exits is started again after `backoff` seconds, doubled for each further
    death in a row up to `backoff_cap`; a child that ran `stable_after` seconds before it died
    starts over from `backoff`. Every exit is logged with its status and the next delay. The
    children share the supervisor's process group, so Ctrl+C in a terminal reaches them too;
    `stop` sends SIGTERM to each and SIGKILL to any still running after `stop_timeout`.
    """

    def __init__(
        self,
        commands: Mapping[str, list[str]],
        *,
        log: Callable[[str], object] = print,
        backoff: float = 1.0,
        backoff_cap: float = 30.0,
        stable_after: float = 60.0,
        stop_timeout: float = 20.0,
        poll: float = 0.5,
        env: Mapping[str, str] | None = None,
    ) -> None:
        self.services = [Service(name, list(command)) for name, command in commands.items()]
        self.log, self.env = log, dict(env) if env is not None else None
        self.backoff, self.backoff_cap, self.stable_after = backoff, backoff_cap, stable_after
        self.stop_timeout, self.poll = stop_timeout, poll
        self.stopping = False

    def start(self) -> None:
        """Start every service."""
        for service in self.services:
            self._spawn(service)

    def check(self) -> None:
        """Notice the services that exited and start those whose delay has passed."""
        now = time.monotonic()
        for service in self.services:
            if self.stopping:
                return
            process = service.process
            if process is not None and process.poll() is not None:
                self._exited(service, process, now)
            elif service.restart_at is not None and now >= service.restart_at:
                self._spawn(service)

    def delay(self, quick_deaths: int) -> float:
        """Seconds before a restart after `quick_deaths` quick deaths in a row (1, 2, ...)."""
        return min(self.backoff_cap, self.backoff * 2 ** (quick_deaths - 1))

    def serve(self) -> int:
        """Supervise until SIGINT or SIGTERM, then stop every service; returns 0."""

        def request_stop(signum: int, _frame: object) -> None:
            self.stopping = True

        signal.signal(signal.SIGINT, request_stop)
        signal.signal(signal.SIGTERM, request_stop)
        while not self.stopping:
            self.check()
            time.sleep(self.poll)
        self.stop()
        return 0

    def stop(self) -> None:
        """SIGTERM every running service; SIGKILL what still runs after `stop_timeout`."""
        self.stopping = True
        running = [s.process for s in self.services if s.process and s.process.poll() is None]
        for process in running:
            process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + self.stop_timeout
        for process in running:
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def _spawn(self, service: Service) -> None:
        service.process = subprocess.Popen(service.command, env=self.env)
        service.started_at, service.restart_at = time.monotonic(), None
        self.log(f"started {service.name} (pid {service.process.pid})")

    def _exited(self, service: Service, process: subprocess.Popen[bytes], now: float) -> None:
        service.process = None
        if now - service.started_at >= self.stable_after:
            service.quick_deaths = 0
        service.quick_deaths += 1
        delay = self.delay(service.quick_deaths)
        service.restart_at = now + delay
        self.log(
            f"{service.name} (pid {process.pid}) exited with {describe_exit(process.returncode)}; "
            f"restarting in {delay:g} s (death {service.quick_deaths} in a row)"
        )


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
        supervisor = ProcessSupervisor(self._commands(options), log=self.stderr.write)
        supervisor.start()
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
        sys.exit(supervisor.serve())

    def _commands(self, options: dict[str, Any]) -> dict[str, list[str]]:
        celery = [sys.executable, "-m", "celery", "-A", "backend.engine.celery"]
        commands = {
            f"worker{index}": [
                *celery,
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
            for index in range(1, options["workers"] + 1)
        }
        # Beat runs the periodic reaper that retries or fails steps whose worker died.
        schedule = str(settings.BASE_DIR / "var" / "celerybeat-schedule")
        commands["beat"] = [*celery, "beat", "--loglevel", "INFO", "--schedule", schedule]
        commands["web"] = asgi_server_command(options["host"], options["port"])
        return commands
