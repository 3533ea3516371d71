"""`make run` supervises its processes: a dead worker is started again with backoff while the
web server goes on serving, and SIGTERM still stops everything.

The supervisor (runstack's ProcessSupervisor) runs in a process of its own, with real child
commands: a Celery worker and the ASGI server on the tests' database and Redis.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator

import pytest

from backend.devservices import free_port
from backend.engine.celery import app
from backend.pipelines.management.commands.runstack import ProcessSupervisor, asgi_server_command
from tests.workers import REPO_ROOT, stack_env

#: Runs a ProcessSupervisor over the commands given as JSON, logging to stdout.
DRIVER = """
import json, os, sys
import django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings")
django.setup()
from backend.pipelines.management.commands.runstack import ProcessSupervisor
config = json.loads(sys.argv[1])
supervisor = ProcessSupervisor(
    config["commands"], log=lambda line: print(line, flush=True), backoff=config["backoff"],
    poll=0.1, stop_timeout=20,
)
supervisor.start()
sys.exit(supervisor.serve())
"""

SLEEPER = [sys.executable, "-c", "import time; time.sleep(120)"]


class Supervised:
    """A supervisor process started by `supervised`, with the lines it has logged so far."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.process = process
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    def wait_for_line(self, pattern: str, timeout: float = 60) -> re.Match[str]:
        """The first logged line matching `pattern`, waiting for it if need be."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in list(self.lines):
                if found := re.search(pattern, line):
                    return found
            if self.process.poll() is not None and not self._reader.is_alive():
                break
            time.sleep(0.05)
        pytest.fail(f"the supervisor never logged {pattern!r}; it logged: {self.lines}")

    def pid_of(self, name: str) -> int:
        """The process id of the latest start of service `name`."""
        self.wait_for_line(rf"started {name} \(pid \d+\)")
        starts = [re.search(rf"started {name} \(pid (\d+)\)", line) for line in self.lines]
        return int([m for m in starts if m][-1].group(1))


@contextlib.contextmanager
def supervised(
    commands: dict[str, list[str]], env: dict[str, str], backoff: float = 1.0
) -> Iterator[Supervised]:
    """Run a ProcessSupervisor over `commands` in its own process (and process group)."""
    config = json.dumps({"commands": commands, "backoff": backoff})
    process = subprocess.Popen(
        [sys.executable, "-c", DRIVER, config],
        cwd=REPO_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        yield Supervised(process)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)  # whatever a failed test left running
        process.wait()


def gone(pid: int, timeout: float = 30) -> bool:
    """Whether process `pid` has ended (within a bound that only catches a hang)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)
        time.sleep(0.05)
    return False


def test_a_service_that_keeps_dying_backs_off_up_to_the_cap() -> None:
    lines: list[str] = []
    supervisor = ProcessSupervisor(
        {"crasher": [sys.executable, "-c", "raise SystemExit(3)"], "steady": SLEEPER},
        log=lines.append,
        backoff=0.05,
        backoff_cap=0.2,
        poll=0.01,
    )
    supervisor.start()
    try:
        deadline = time.monotonic() + 60
        while sum("exited" in line for line in lines) < 5 and time.monotonic() < deadline:
            supervisor.check()
            time.sleep(0.01)
    finally:
        supervisor.stop()

    exits = [line for line in lines if "exited" in line]
    assert len(exits) >= 5, lines
    assert all(line.startswith("crasher (pid ") and "status 3" in line for line in exits)
    delays = [float(re.search(r"restarting in ([\d.]+) s", line).group(1)) for line in exits]
    assert delays[:5] == [0.05, 0.1, 0.2, 0.2, 0.2]
    assert sum(line.startswith("started steady") for line in lines) == 1, "steady restarted"


@pytest.mark.parametrize("how", ["sigterm", "ctrl-c"])
def test_a_stop_signal_stops_every_service(how: str) -> None:
    with supervised({"one": SLEEPER, "two": SLEEPER}, env=dict(os.environ)) as stack:
        pids = [stack.pid_of("one"), stack.pid_of("two")]
        if how == "sigterm":
            stack.process.send_signal(signal.SIGTERM)
        else:  # a terminal sends SIGINT to the whole foreground process group
            os.killpg(stack.process.pid, signal.SIGINT)
        assert stack.process.wait(timeout=30) == 0
    assert all(gone(pid) for pid in pids)
    assert not any("exited" in line for line in stack.lines), "restarted while stopping"


def answers(url: str) -> int | None:
    """The HTTP status the web server answers `url` with; None when nothing answers."""
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return None


def worker_answers(name: str) -> bool:
    """Whether the Celery worker `name` answers a ping."""
    return bool(app.control.ping(destination=[name], timeout=0.5))


@pytest.mark.worker
@pytest.mark.usefixtures("transactional_db")
def test_a_killed_worker_is_restarted_while_the_web_server_keeps_serving() -> None:
    name = f"supervised-{uuid.uuid4().hex[:8]}@localhost"
    worker = [
        *("-m", "celery", "-A", "backend.engine.celery", "worker", "-Q", "cpu,gpu"),
        *("--concurrency", "1", "-n", name, "--without-mingle", "--without-gossip"),
    ]
    port = free_port()
    web = f"http://127.0.0.1:{port}/admin/login/"
    commands = {"worker": [sys.executable, *worker], "web": asgi_server_command("127.0.0.1", port)}
    with supervised(commands, env=stack_env()) as stack:
        deadline = time.monotonic() + 90
        while not (worker_answers(name) and answers(web) == 200):
            assert time.monotonic() < deadline, f"the stack never came up: {stack.lines}"
            time.sleep(0.2)

        killed = stack.pid_of("worker")
        os.kill(killed, signal.SIGKILL)  # the worker's main process, as the fault report did
        stack.wait_for_line(rf"worker \(pid {killed}\) exited with signal 9 \(SIGKILL\)")
        served_meanwhile = []
        deadline = time.monotonic() + 90
        while not worker_answers(name):
            assert time.monotonic() < deadline, f"the worker never came back: {stack.lines}"
            served_meanwhile.append(answers(web))

        assert stack.pid_of("worker") != killed
        assert served_meanwhile, "the worker came back before the web server was asked"
        assert all(status == 200 for status in served_meanwhile), served_meanwhile
        assert answers(web) == 200
        assert stack.wait_for_line(r"worker .* restarting in 1 s \(death 1 in a row\)")
        web_pid = stack.pid_of("web")

        stack.process.send_signal(signal.SIGTERM)
        assert stack.process.wait(timeout=60) == 0
    assert gone(web_pid) and gone(stack.pid_of("worker"))
