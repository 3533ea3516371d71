"""Load: simulated users working at once against the served product, for a few minutes.

Serves the product as `make run` does (the ASGI server of runstack, two Celery workers with one
process each) on a database of its own, publishes the Iris model with one real run, then lets
USERS simulated people work for SECONDS: each one, with a short pause between actions, lists
pipelines or runs, opens a run (its detail over REST and its live events over a WebSocket, up
to the first message), predicts with an API key, or now and then starts a run of the small Iris
pipeline. Reported per endpoint: requests, p50 and p99 latency (client side) and how many
answered 5xx; the database connections the product held (sampled every second from
pg_stat_activity); runs started and how many finished.

The baseline is the same requests from one user with nothing else running, measured in the same
run before the load starts: the ratio of each endpoint's p50 under load to its p50 alone is the
figure to watch, next to the 5xx count (aim 0) and the connections held.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tributary_load \\
      python -m backend.devservices exec -- python -m bench.load [--users 20] [--seconds 300]

It migrates and writes into the database it is given: use a database of its own.
"""

from __future__ import annotations

import argparse
import collections
import http.client
import json
import os
import random
import statistics
import tempfile
import threading
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings")
# Measure serving, not the per-key rate limit (the server process inherits this).
os.environ.setdefault("PREDICT_THROTTLE_RATE", "")
os.environ.setdefault("ARTIFACT_ROOT", tempfile.mkdtemp(prefix="bench-load-"))

import django

django.setup()

import psycopg  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from websockets.sync.client import connect  # noqa: E402

from backend.blocks.ingest import load_sample  # noqa: E402
from backend.devservices import free_port  # noqa: E402
from backend.pipelines.management.commands.runstack import asgi_server_command  # noqa: E402
from backend.pipelines.models import Pipeline, Run  # noqa: E402
from backend.pipelines.registry.keys import api_key_create  # noqa: E402
from bench.predict import child, pct, publish  # noqa: E402
from bench.servers import wait_serving  # noqa: E402

PASSWORD = "bench-load-password"
#: How often a simulated user does each thing (weights).
ACTIONS = {"pipelines": 25, "runs": 20, "run view": 20, "predict": 30, "start run": 5}


class Recorder:
    """Latencies (ms) and statuses per endpoint, shared by every simulated user."""

    def __init__(self) -> None:
        self.latencies: dict[str, list[float]] = collections.defaultdict(list)
        self.statuses: dict[str, collections.Counter[int]] = collections.defaultdict(
            collections.Counter
        )
        self.lock = threading.Lock()

    def add(self, name: str, started: float, status: int) -> None:
        """Record one request that started at perf_counter() `started`."""
        elapsed = (time.perf_counter() - started) * 1000
        with self.lock:
            self.latencies[name].append(elapsed)
            self.statuses[name][status] += 1


class User:
    """One simulated person: a keep-alive connection and the requests they make."""

    def __init__(self, port: int, token: str, key: str, slug: str, pipeline_id: int) -> None:
        self.port, self.token, self.key = port, token, key
        self.base = f"/api/v1/workspaces/{slug}"
        self.pipeline_id = pipeline_id
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.body = json.dumps(
            {"instances": [load_sample("iris").drop(columns="target").iloc[0].to_dict()]}
        ).encode()

    def request(
        self, method: str, path: str, body: bytes | None = None, api_key: bool = False
    ) -> tuple[int, bytes]:
        """One request on this user's connection (reopened when the server closed it)."""
        auth = f"Api-Key {self.key}" if api_key else f"Token {self.token}"
        headers = {"Authorization": auth, "Content-Type": "application/json"}
        for again in (False, True):
            try:
                self.conn.request(method, path, body, headers)
                response = self.conn.getresponse()
                return response.status, response.read()
            except (http.client.HTTPException, ConnectionError):
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                if again:
                    return 599, b""
        return 599, b""

    def act(self, action: str, recorder: Recorder, runs: list[int]) -> None:
        """Do one thing, recording every request it makes."""
        started = time.perf_counter()
        if action == "pipelines":
            status, _ = self.request("GET", f"{self.base}/pipelines/")
            recorder.add("GET pipelines/", started, status)
        elif action == "runs":
            status, _ = self.request("GET", f"{self.base}/runs/")
            recorder.add("GET runs/", started, status)
        elif action == "predict":
            status, _ = self.request(
                "POST", f"{self.base}/models/iris/predict/", self.body, api_key=True
            )
            recorder.add("POST predict/", started, status)
        elif action == "start run":
            status, data = self.request(
                "POST", f"{self.base}/pipelines/{self.pipeline_id}/runs/", b"{}"
            )
            recorder.add("POST pipelines/<id>/runs/", started, status)
            if status == 201:
                runs.append(json.loads(data)["id"])
        elif action == "run view":
            run_id = random.choice(runs)
            status, _ = self.request("GET", f"{self.base}/runs/{run_id}/")
            recorder.add("GET runs/<id>/", started, status)
            self.watch(run_id, recorder)

    def watch(self, run_id: int, recorder: Recorder) -> None:
        """Open the run's live events and wait for the first message, as the run view does."""
        started = time.perf_counter()
        url = f"ws://127.0.0.1:{self.port}/ws/runs/{run_id}/"
        try:
            with connect(
                url,
                origin=f"http://127.0.0.1:{self.port}",
                subprotocols=["token", self.token],
                open_timeout=30,
            ) as socket:
                socket.recv(timeout=30)
            recorder.add("WS runs/<id>/ first message", started, 101)
        except Exception:  # any refusal or timeout counts as a server failure here
            recorder.add("WS runs/<id>/ first message", started, 599)


def connections_sampler(url: str, stop: threading.Event, samples: list[int]) -> None:
    """Every second, the connections to the product's database other than this one."""
    with psycopg.connect(url, autocommit=True) as conn:
        while not stop.wait(1.0):
            count = conn.execute(
                "select count(*) from pg_stat_activity "
                "where datname = current_database() and pid <> pg_backend_pid()"
            ).fetchone()[0]
            samples.append(int(count))


def database_url() -> str:
    """A libpq URL for the database the product uses."""
    conf = settings.DATABASES["default"]
    host = conf.get("HOST") or "127.0.0.1"
    port = conf.get("PORT") or 5432
    return f"postgresql://{conf.get('USER') or 'postgres'}@{host}:{port}/{conf['NAME']}"


def simulate(users: list[User], seconds: float, runs: list[int]) -> Recorder:
    """Every user acts, with a pause of 0.2-1.0 s between actions, until `seconds` pass."""
    recorder = Recorder()
    deadline = time.monotonic() + seconds
    names, weights = list(ACTIONS), list(ACTIONS.values())

    def work(user: User) -> None:
        while time.monotonic() < deadline:
            user.act(random.choices(names, weights)[0], recorder, runs)
            time.sleep(random.uniform(0.2, 1.0))

    threads = [threading.Thread(target=work, args=(user,)) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return recorder


def alone(user: User, runs: list[int], repeats: int) -> Recorder:
    """The baseline: each action `repeats` times from one user, nothing else running."""
    recorder = Recorder()
    for _ in range(repeats):
        for action in ("pipelines", "runs", "run view", "predict"):
            user.act(action, recorder, runs)
    return recorder


def report(load: Recorder, baseline: Recorder, samples: list[int], runs: list[int]) -> None:
    """Print the per-endpoint table, the connections held and the runs' outcome."""
    print(f"{'endpoint':<30} {'n':>6} {'p50 ms':>8} {'p99 ms':>8} {'5xx':>5} {'p50/alone':>10}")
    for name, values in sorted(load.latencies.items()):
        errors = sum(n for status, n in load.statuses[name].items() if status >= 500)
        base = baseline.latencies.get(name)
        ratio = f"{pct(values, 50) / pct(base, 50):9.2f}x" if base else "         -"
        print(
            f"{name:<30} {len(values):>6} {pct(values, 50):>8.1f} {pct(values, 99):>8.1f}"
            f" {errors:>5} {ratio}"
        )
    total = sum(n for counts in load.statuses.values() for s, n in counts.items() if s >= 500)
    print(f"5xx answers in all: {total}")
    if samples:
        print(
            f"database connections held: median {statistics.median(samples):.0f}, "
            f"max {max(samples)} (sampled every second; DB_POOL_MAX_SIZE "
            f"{getattr(settings, 'DB_POOL_MAX_SIZE', '-')} per process)"
        )
    finished = Run.objects.filter(pk__in=runs[1:]).exclude(status__in=("queued", "running"))
    print(f"runs started during the load: {len(runs) - 1}, finished: {finished.count()}")


def main() -> None:
    """Serve, publish, measure one user alone, then all users together."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=300)
    parser.add_argument("--workers", type=int, default=2)
    options = parser.parse_args()
    call_command("migrate", verbosity=0)
    tmp = Path(tempfile.mkdtemp(prefix="bench-load-logs-"))
    workspace, version = publish(tmp)
    bench_user = get_user_model().objects.get(username="bench")
    bench_user.set_password(PASSWORD)
    bench_user.save()
    _, key = api_key_create(workspace=workspace, user=None, name="load", model_name="iris")
    pipeline = Pipeline.objects.get(workspace=workspace)
    runs = [version.run_id]
    port = free_port()
    origin = f"http://127.0.0.1:{port}"
    os.environ["CSRF_TRUSTED_ORIGINS"] = origin
    worker = ["-m", "celery", "-A", "backend.engine.celery", "worker", "-Q", "cpu,gpu", "-c", "1"]
    workers = [
        child([*worker, "-n", f"bench-load-{i}@%h", "--loglevel", "WARNING"], tmp / f"w{i}.log")
        for i in range(options.workers)
    ]
    server = child(asgi_server_command("127.0.0.1", port)[1:], tmp / "server.log")
    try:
        for context in workers:
            context.__enter__()
        process = server.__enter__()
        wait_serving(origin, process, tmp / "server.log")
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        login = json.dumps({"username": "bench", "password": PASSWORD}).encode()
        conn.request("POST", "/api/v1/auth/token/", login, {"Content-Type": "application/json"})
        answer = conn.getresponse()
        token = json.loads(answer.read())["token"]
        people = [User(port, token, key, workspace.slug, pipeline.pk) for _ in range(options.users)]
        print(f"{options.users} users for {options.seconds:.0f} s; server log in {tmp}")
        baseline = alone(people[0], runs, repeats=30)
        samples: list[int] = []
        stop = threading.Event()
        sampler = threading.Thread(
            target=connections_sampler, args=(database_url(), stop, samples), daemon=True
        )
        sampler.start()
        load = simulate(people, options.seconds, runs)
        stop.set()
        deadline = time.monotonic() + 120
        while Run.objects.filter(pk__in=runs, status__in=("queued", "running")).exists():
            if time.monotonic() > deadline:
                break
            time.sleep(1)
        report(load, baseline, samples, runs)
    finally:
        server.__exit__(None, None, None)
        for context in workers:
            context.__exit__(None, None, None)
        Run.objects.filter(workspace=workspace).delete()
        workspace.delete()


if __name__ == "__main__":
    main()
