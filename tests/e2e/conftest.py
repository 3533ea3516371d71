"""The real stack for browser tests: the ASGI server `make run` uses, on the test database."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.servers import asgi_server as serve_asgi
from tests.workers import REPO_ROOT

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
RESULTS = REPO_ROOT / "test-results" / "e2e"


@pytest.fixture
def asgi_server(transactional_db: None, tmp_path: Path) -> Iterator[str]:
    """Base URL of the ASGI server `make run` uses, serving the product from the test database."""
    if not (REPO_ROOT / "frontend" / "dist" / "index.html").is_file():
        pytest.fail("frontend/dist is not built: run `make frontend` (make test does)")
    with serve_asgi(tmp_path / "server.log") as url:
        yield url


@pytest.fixture
def chromium() -> str:
    """Path of Debian's chromium, which `make test` installs when it is missing."""
    if not Path(CHROMIUM).exists():
        pytest.fail("chromium is not installed: run `make chromium` (make test does)")
    return CHROMIUM
