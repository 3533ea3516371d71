"""Start the real ASGI server (the one `make run` serves with) on the tests' database."""

from __future__ import annotations

import contextlib
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from backend.devservices import free_port
from backend.pipelines.management.commands.runstack import asgi_server_command
from tests.workers import REPO_ROOT, stack_env


def _wait_until_serving(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the ASGI server exited ({process.returncode}):\n{log.read_text()}")
        try:
            urllib.request.urlopen(f"{url}/api/v1/auth/me/", timeout=2)
            return
        except urllib.error.HTTPError:
            return  # 401: the server answers
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"the ASGI server did not answer within 60 s:\n{log.read_text()}")


@contextlib.contextmanager
def asgi_server(log: Path, env: dict[str, str] | None = None) -> Iterator[str]:
    """Serve backend.asgi on a free port of 127.0.0.1; yields its base URL once it answers."""
    port = free_port()
    with open(log, "wb") as out:
        process = subprocess.Popen(
            asgi_server_command("127.0.0.1", port),
            cwd=REPO_ROOT,
            env=stack_env(**(env or {})),
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_serving(url, process, log)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
