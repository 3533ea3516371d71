"""The real stack for browser tests: an ASGI server (daphne) on the test database."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from backend.devservices import free_port
from tests.workers import REPO_ROOT, stack_env

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
RESULTS = REPO_ROOT / "test-results" / "e2e"


def _wait_until_serving(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"daphne exited ({process.returncode}):\n{log.read_text()}")
        try:
            urllib.request.urlopen(f"{url}/api/v1/auth/me/", timeout=2)
            return
        except urllib.error.HTTPError:
            return  # 401: the server answers
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"daphne did not answer within 60 s:\n{log.read_text()}")


@pytest.fixture
def asgi_server(transactional_db: None, tmp_path: Path) -> Iterator[str]:
    """Base URL of a daphne process serving the product from the test database."""
    if not (REPO_ROOT / "frontend" / "dist" / "index.html").is_file():
        pytest.fail("frontend/dist is not built: run `make frontend` (make test does)")
    port = free_port()
    log = tmp_path / "daphne.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "daphne",
                "-b",
                "127.0.0.1",
                "-p",
                str(port),
                "backend.asgi:application",
            ],
            cwd=REPO_ROOT,
            env=stack_env(),
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


@pytest.fixture
def chromium() -> str:
    """Path of Debian's chromium, which `make test` installs when it is missing."""
    if not Path(CHROMIUM).exists():
        pytest.fail("chromium is not installed: run `make chromium` (make test does)")
    return CHROMIUM
