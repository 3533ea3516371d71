"""Predict latency and throughput: the REST endpoint against model.predict in-process.

Publishes the Iris model with a real run of the example pipeline (ingest.sample -> split ->
scale -> train.sklearn random forest -> evaluate -> publish) on a Celery worker, serves the
product with an ASGI server on a free port, and sends single-row predict requests with an API
key over keep-alive connections: latency p50 and p99 (client side, send to last byte) and
requests per second at concurrency 1, 8 and 32. The server's own floor is shown too: an
unauthenticated GET it answers with a 401 without touching the database.

The baseline is ``model.predict`` on a one-row DataFrame in this process. At concurrency 1 each
request alternates with one baseline call, so both see the same machine (on a shared machine,
load comes and goes); the figure to watch is the endpoint's p50 minus the baseline's p50. The
whole serving path without HTTP (row check, frame, predict) is shown too.

    python -m backend.devservices exec -- python -m bench.predict [--servers daphne,uvicorn]

It migrates and writes into the database it is given: use a database of its own
(DATABASE_URL=.../tributary_bench) where others work on the same server. Artifacts go to a
temporary folder.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings")
# Measure serving, not the per-key rate limit (the server process inherits this).
os.environ.setdefault("PREDICT_THROTTLE_RATE", "")
os.environ.setdefault("ARTIFACT_ROOT", tempfile.mkdtemp(prefix="bench-predict-"))

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402

from backend.blocks.ingest import load_sample  # noqa: E402
from backend.devservices import free_port  # noqa: E402
from backend.engine.artifacts import default_store  # noqa: E402
from backend.pipelines.design.services import pipeline_create  # noqa: E402
from backend.pipelines.models import ModelVersion, Run  # noqa: E402
from backend.pipelines.registry.keys import api_key_create  # noqa: E402
from backend.pipelines.registry.serving.cache import ServedModel  # noqa: E402
from backend.pipelines.runs.services import run_start  # noqa: E402
from backend.workspaces.services import workspace_create  # noqa: E402
from bench.servers import wait_serving  # noqa: E402
from tests.graphs import iris_publish_graph  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SERVERS = {
    "daphne": ["-m", "daphne", "-b", "127.0.0.1", "-p", "{port}", "backend.asgi:application"],
    "uvicorn": [
        "-m",
        "uvicorn",
        "--host",
        "127.0.0.1",
        "--port",
        "{port}",
        "--no-access-log",
        "backend.asgi:application",
    ],
}


IRIS = iris_publish_graph(n_estimators=100)


@contextlib.contextmanager
def child(args: list[str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [sys.executable, *args], cwd=ROOT, stdout=out, stderr=subprocess.STDOUT
        )
    try:
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def publish(tmp: Path) -> tuple[Any, ModelVersion]:
    """Run the Iris pipeline on a worker of its own; the workspace and the published version."""
    user, _ = get_user_model().objects.get_or_create(username="bench")
    workspace = workspace_create(name=f"bench predict {time.time():.0f}", owner=user)
    pipeline = pipeline_create(workspace=workspace, user=user, name="iris", graph=IRIS)
    worker = ["-m", "celery", "-A", "backend.engine.celery", "worker", "-Q", "cpu,gpu", "-c", "1"]
    with child([*worker, "-n", "bench-predict@%h", "--loglevel", "WARNING"], tmp / "worker.log"):
        run = run_start(pipeline=pipeline, user=user, use_cache=False)
        deadline = time.monotonic() + 300
        while not run.is_finished and time.monotonic() < deadline:
            time.sleep(0.2)
            run.refresh_from_db()
    if run.status != "succeeded":
        sys.exit(f"the Iris run did not succeed ({run.status}): {run.error}")
    return workspace, ModelVersion.objects.select_related("artifact").get(run=run)


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def timed(call: Any, n: int) -> list[float]:
    out = []
    for _ in range(n):
        start = time.perf_counter()
        call()
        out.append((time.perf_counter() - start) * 1000)
    return out


class Baseline:
    """The published model in this process: model.predict, and the serving path."""

    def __init__(self, version: ModelVersion, row: dict[str, float]) -> None:
        with default_store().open(version.artifact.digest) as handle:
            self.served = ServedModel.from_bytes(handle.read())
        self.body = {"instances": [row]}
        self.frame = self.served.parse(self.body).frame
        self.latencies: list[float] = []
        timed(self.predict, 50)

    def predict(self) -> None:
        """model.predict on the one-row frame (what the endpoint is compared with)."""
        self.served.model.predict(self.frame)

    def timed_predict(self) -> None:
        start = time.perf_counter()
        self.predict()
        self.latencies.append((time.perf_counter() - start) * 1000)

    def serving_path(self) -> None:
        """The endpoint's work without HTTP, auth or database: check the row, predict."""
        self.served.predict(self.served.parse(self.body).frame)


def load(
    port: int,
    path: str,
    key: str,
    body: bytes,
    concurrency: int,
    per_client: int,
    between: Any = None,
) -> tuple[list[float], float]:
    """`concurrency` clients, each on its own keep-alive connection, `per_client` requests each,
    calling `between()` after each request; (latencies in ms, requests per second)."""
    headers = {"Authorization": f"Api-Key {key}", "Content-Type": "application/json"}
    latencies: list[float] = []
    lock, gate = threading.Lock(), threading.Barrier(concurrency + 1)
    failures: list[str] = []

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine = []
        gate.wait()
        for _ in range(per_client):
            start = time.perf_counter()
            conn.request("POST", path, body, headers)
            response = conn.getresponse()
            data = response.read()
            mine.append((time.perf_counter() - start) * 1000)
            if response.status != 200:
                failures.append(f"{response.status}: {data[:200]!r}")
            if between is not None:
                between()
        conn.close()
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    gate.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    if failures:
        sys.exit(f"{len(failures)} requests failed, e.g. {failures[0]}")
    return latencies, len(latencies) / elapsed


def get(port: int, path: str, _conns: dict[int, http.client.HTTPConnection] = {}) -> None:  # noqa: B006
    """A GET on a kept-alive connection (the server's own floor: no auth, no database)."""
    conn = _conns.setdefault(port, http.client.HTTPConnection("127.0.0.1", port, timeout=30))
    conn.request("GET", path)
    conn.getresponse().read()


def line(label: str, values: list[float], rps: float | None = None) -> str:
    through = f"{rps:8.0f} req/s" if rps is not None else " " * 14
    return f"  {label:<34} p50 {pct(values, 50):7.2f} ms   p99 {pct(values, 99):7.2f} ms  {through}"


def bench_server(
    name: str, baseline: Baseline, path: str, key: str, body: bytes, requests: int, tmp: Path
) -> None:
    port = free_port()
    args = [part.format(port=port) for part in SERVERS[name]]
    log = tmp / f"{name}.log"
    with child(args, log) as process:
        wait_serving(f"http://127.0.0.1:{port}", process, log)
        load(port, path, key, body, 4, 100)  # warm up: the model loaded, threads started
        baseline.latencies = []
        single, rps = load(port, path, key, body, 1, requests, between=baseline.timed_predict)
        print(f"{name}, concurrency 1, each request alternating with one in-process call:")
        print(line("model.predict(frame), in-process", baseline.latencies))
        print(line("endpoint", single, rps))
        gap = pct(single, 50) - pct(baseline.latencies, 50)
        print(f"  endpoint p50 - in-process p50: {gap:.2f} ms")
        floor = timed(lambda: get(port, "/api/v1/blocks/"), requests // 2)
        print(line("floor: GET answered 401, no DB", floor))
        for concurrency in (8, 32):
            per_client = max(50, requests // concurrency)
            values, rps = load(port, path, key, body, concurrency, per_client)
            print(line(f"endpoint, concurrency {concurrency}", values, rps))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--servers", default="daphne", help="comma-separated: daphne, uvicorn")
    parser.add_argument("--requests", type=int, default=3000, help="requests per level")
    options = parser.parse_args()
    call_command("migrate", verbosity=0)
    tmp = Path(tempfile.mkdtemp(prefix="bench-predict-logs-"))
    workspace, version = publish(tmp)
    try:
        _, key = api_key_create(workspace=workspace, user=None, name="bench", model_name="iris")
        row = load_sample("iris").drop(columns="target").iloc[0].to_dict()
        body = json.dumps({"instances": [row]}).encode()
        path = f"/api/v1/workspaces/{workspace.slug}/models/iris/predict/"
        print(f"model: iris v{version.version}, random forest of 100 trees; one row per request")
        baseline = Baseline(version, row)
        alone = timed(baseline.predict, options.requests)
        print("in-process, on its own:")
        print(line("model.predict(frame)", alone, 1000 / statistics.mean(alone)))
        print(line("check row + predict (no HTTP)", timed(baseline.serving_path, 1000)))
        for name in options.servers.split(","):
            bench_server(name, baseline, path, key, body, options.requests, tmp)
    finally:
        Run.objects.filter(workspace=workspace).delete()
        workspace.delete()


if __name__ == "__main__":
    main()
