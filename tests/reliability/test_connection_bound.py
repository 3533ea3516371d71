"""Connections stay bounded under load: 200 concurrent API requests and 20 live viewers of a run,
against the real ASGI server, never hold more PostgreSQL connections than the server's pool
allows, and no request answers 5xx while the pool makes them wait their turn.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.db import connection
from websockets.sync.client import connect

from backend.pipelines.models import Run
from backend.pipelines.runs.services import run_start
from backend.workspaces.tokens import token_create
from tests import workers
from tests.conftest import Team
from tests.engine.conftest import FAST_LEASES, PLUGINS, wait_for_run, wait_for_step
from tests.factories import PipelineFactory
from tests.graphs import edge, node
from tests.servers import asgi_server

pytestmark = [pytest.mark.worker, pytest.mark.usefixtures("transactional_db")]

#: The web server's pool in this test: small, so that 200 requests must share it.
WEB_POOL = 4
#: How the web server's connections are told apart in pg_stat_activity (libpq's PGAPPNAME).
WEB_APP_NAME = "tributary-web-bound-test"
REQUESTS = 200
VIEWERS = 20


@dataclass
class Sampler:
    """Counts the web server's connections to the test database every few milliseconds."""

    database: str
    peak: int = 0
    peak_total: int = 0
    samples: int = 0
    stop: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        """Sample until `stop` is set."""
        url = workers.test_database_url().replace("postgres://", "postgresql://", 1)
        with psycopg.connect(url) as db:
            db.autocommit = True
            while not self.stop.is_set():
                web, total = db.execute(
                    "SELECT count(*) FILTER (WHERE application_name = %s), count(*) "
                    "FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                    [WEB_APP_NAME, self.database],
                ).fetchone()
                self.peak, self.peak_total = max(self.peak, web), max(self.peak_total, total)
                self.samples += 1
                time.sleep(0.01)


@pytest.fixture
def web(transactional_db: None, tmp_path: Path) -> Iterator[str]:
    """The ASGI server with a pool of WEB_POOL connections, tagged in pg_stat_activity."""
    env = {
        "DB_POOL_MAX_SIZE": str(WEB_POOL),
        "DB_POOL_TIMEOUT": "60",
        "PGAPPNAME": WEB_APP_NAME,
        "BLOCK_PLUGINS": PLUGINS,
    }
    with asgi_server(tmp_path / "server.log", env=env) as url:
        yield url


def get(url: str, token: str) -> int:
    """The status of a GET with `token`; 599 when no answer came at all."""
    request = urllib.request.Request(url, headers={"Authorization": f"Token {token}"})
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except OSError:
        return 599


def watch(base: str, run: Run, token: str, until: threading.Event) -> list[dict[str, Any]]:
    """Follow the run over a WebSocket until `until` is set; every message it got."""
    url = base.replace("http", "ws", 1) + f"/ws/runs/{run.pk}/"
    received = []
    with connect(url, origin=base, subprotocols=["token", token], open_timeout=60) as ws:
        received.append(json.loads(ws.recv(timeout=60)))  # the snapshot
        while not until.is_set():
            try:
                received.append(json.loads(ws.recv(timeout=0.5)))
            except TimeoutError:
                continue
    return received


def test_200_requests_and_20_viewers_stay_within_the_pool(
    team: Team, web: str, settings: Any, tmp_path: Path
) -> None:
    import tests.engine.plugin_blocks  # noqa: F401  (validation in this process needs them)

    graph = {
        "nodes": [
            node("src", "ingest.test_chatter"),
            node("slow", "feature.test_sleep", seconds=3),
        ],
        "edges": [edge("src", "slow")],
    }
    token = token_create(user=team.editor, name="connection bound test")[1]
    worker_env = {"ARTIFACT_ROOT": str(settings.ARTIFACT_ROOT), "BLOCK_PLUGINS": PLUGINS}
    with workers.celery_worker(env={**worker_env, **FAST_LEASES}, log_path=tmp_path / "worker.log"):
        pipeline = PipelineFactory(workspace=team.workspace, graph=graph)
        run = run_start(pipeline=pipeline, user=team.editor)
        wait_for_step(run, "slow", "running")
        sampler = Sampler(database=connection.settings_dict["NAME"])
        sampling = threading.Thread(target=sampler.run, daemon=True)
        sampling.start()
        paths = [
            f"/api/v1/workspaces/{team.workspace.slug}/runs/{run.pk}/",
            f"/api/v1/workspaces/{team.workspace.slug}/runs/",
            f"/api/v1/workspaces/{team.workspace.slug}/pipelines/",
            f"/api/v1/workspaces/{team.workspace.slug}/runs/{run.pk}/logs/?after=0",
            "/api/v1/workspaces/",
        ]
        done = threading.Event()
        with ThreadPoolExecutor(max_workers=REQUESTS + VIEWERS) as pool:
            viewers = [pool.submit(watch, web, run, token, done) for _ in range(VIEWERS)]
            statuses = list(
                pool.map(lambda i: get(web + paths[i % len(paths)], token), range(REQUESTS))
            )
            done.set()
            streams = [viewer.result(timeout=120) for viewer in viewers]
        run = wait_for_run(run, timeout=60)
        sampler.stop.set()
        sampling.join(timeout=10)

    print(
        f"web connections: peak {sampler.peak} (pool {WEB_POOL}), all processes: peak "
        f"{sampler.peak_total}, {sampler.samples} samples"
    )
    assert run.status == "succeeded", run.error
    assert not [s for s in statuses if s >= 500], f"5xx answers: {sorted(set(statuses))}"
    assert statuses.count(200) == REQUESTS, sorted(set(statuses))
    assert all(stream and stream[0]["type"] == "snapshot" for stream in streams)
    assert sampler.samples > 0 and sampler.peak > 0, "the sampler saw no web connection at all"
    assert sampler.peak <= WEB_POOL, f"the web server held {sampler.peak} connections"
