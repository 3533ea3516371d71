"""/metrics: request latency by URL pattern, predict latency per model, runs and steps by
status, step durations and queue depths, read from real requests, a real run on a real worker,
and the real broker."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import urllib.request
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import LazySettings
from django.test import Client
from prometheus_client.parser import text_string_to_metric_families

from backend.engine.celery import app
from backend.engine.tasks import ping
from backend.operations.metrics import STEP_BUCKETS
from backend.pipelines.models import StepRun
from tests.api.registry.helpers import ROW, predict
from tests.conftest import Team
from tests.engine.conftest import PLUGINS, start, wait_for_run
from tests.graphs import edge, node
from tests.model_factories import register
from tests.servers import asgi_server
from tests.workers import REPO_ROOT, celery_worker

pytestmark = pytest.mark.django_db


def scrape(client: Client, **headers: str) -> dict[tuple[str, frozenset[Any]], float]:
    """Every sample /metrics exposes, by name and labels."""
    response = client.get("/metrics", headers=headers)
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/plain; version=")
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(response.content.decode())
        for sample in family.samples
    }


def value(samples: dict[tuple[str, frozenset[Any]], float], name: str, **labels: str) -> float:
    """One sample's value; 0 when it is not exposed (a label set never observed)."""
    return samples.get((name, frozenset(labels.items())), 0.0)


def labels_of(samples: dict[tuple[str, frozenset[Any]], float], name: str) -> list[dict[str, str]]:
    """The label sets a family exposes for `name`."""
    return [dict(labels) for sample_name, labels in samples if sample_name == name]


REQUESTS = "tributary_http_request_duration_seconds_count"


def test_request_latency_is_labelled_by_url_pattern_never_by_path(
    team: Team, client: Client
) -> None:
    route = "api/v1/workspaces/<slug:slug>/pipelines/"
    before = scrape(client)

    assert team.client("viewer").get(team.url("pipelines/")).status_code == 200
    assert team.client("anon").get(team.url("pipelines/")).status_code == 401
    assert team.client("viewer").generic("BREW", "/api/v1/blocks/").status_code == 405
    client.get(f"/api/v1/no-such-thing-{team.workspace.slug}/")
    after = scrape(client)

    def delta(**labels: str) -> float:
        return value(after, REQUESTS, **labels) - value(before, REQUESTS, **labels)

    assert delta(route=route, method="GET", status="200") == 1
    assert delta(route=route, method="GET", status="401") == 1
    assert delta(route="api/v1/blocks/", method="other", status="405") == 1
    assert delta(route="^api/(?P<rest>.*)$", method="GET", status="404") == 1
    # Neither the workspace's slug nor an invented method becomes a label.
    for labels in labels_of(after, REQUESTS):
        assert team.workspace.slug not in labels["route"] and labels["method"] != "BREW"


def test_predict_latency_per_model(team: Team, client: Client) -> None:
    register(team.workspace, name="churn")
    viewer = team.client("viewer")
    before = scrape(client)

    assert predict(viewer, team, {"instances": [ROW, ROW]}, name="churn").status_code == 200
    assert predict(viewer, team, {"instances": [{"x": "high"}]}, name="churn").status_code == 400
    assert predict(viewer, team, {"instances": [ROW]}, name="nobody").status_code == 404
    after = scrape(client)

    def delta(model: str, outcome: str) -> float:
        labels = {"workspace": team.workspace.slug, "model": model, "outcome": outcome}
        name = "tributary_predict_duration_seconds_count"
        return value(after, name, **labels) - value(before, name, **labels)

    assert delta("churn", "ok") == 1 and delta("churn", "error") == 1
    # A model that does not exist gets no series: unknown names cannot grow the label sets.
    assert delta("nobody", "ok") == 0 and delta("nobody", "error") == 0
    assert (
        value(
            after,
            "tributary_predict_duration_seconds_sum",
            **{"workspace": team.workspace.slug, "model": "churn", "outcome": "ok"},
        )
        > 0
    )


@pytest.mark.worker
@pytest.mark.usefixtures("transactional_db")
def test_runs_steps_and_step_durations_after_a_real_run(team: Team, client: Client) -> None:
    import tests.engine.plugin_blocks  # noqa: F401  (validation in this process needs them)

    graph = {
        "nodes": [node("a", "ingest.test_chatter"), node("b", "feature.test_explode")],
        "edges": [edge("a", "b")],
    }
    with celery_worker(env={"BLOCK_PLUGINS": PLUGINS}):
        run = wait_for_run(start(team, graph))
    assert run.status == "failed"
    samples = scrape(client)

    assert value(samples, "tributary_runs", status="failed") == 1
    assert value(samples, "tributary_runs", status="succeeded") == 0
    assert value(samples, "tributary_steps", status="succeeded", queue="cpu") == 1
    assert value(samples, "tributary_steps", status="failed", queue="cpu") == 1
    assert value(samples, "tributary_steps", status="running", queue="gpu") == 0  # listed at 0
    chatter = {"block": "ingest.test_chatter", "status": "succeeded"}
    count = "tributary_step_duration_seconds_count"
    assert value(samples, count, **chatter) == 1
    assert value(samples, count, block="feature.test_explode", status="failed") == 1
    assert value(samples, "tributary_step_duration_seconds_bucket", le="+Inf", **chatter) == 1

    # The buckets count what the database says each step took.
    for node_id, seconds in (("a", 0.05), ("b", 7.0)):
        step = StepRun.objects.get(run=run, node_id=node_id)
        step.finished_at = step.started_at + timedelta(seconds=seconds)
        step.save(update_fields=["finished_at"])
    samples = scrape(client)
    explode = {"block": "feature.test_explode", "status": "failed"}
    bucket = "tributary_step_duration_seconds_bucket"
    for bound in STEP_BUCKETS:
        le = str(float(bound))
        assert value(samples, bucket, le=le, **chatter) == 1
        assert value(samples, bucket, le=le, **explode) == (1 if bound >= 7 else 0), bound
    assert value(samples, "tributary_step_duration_seconds_sum", **explode) == pytest.approx(7.0)


@pytest.fixture
def empty_queues() -> Any:
    """The broker's queues (this test run's Redis database) empty before and after."""
    app.control.purge()
    yield
    app.control.purge()


@pytest.mark.usefixtures("empty_queues")
def test_queue_depth_counts_messages_no_worker_took(client: Client) -> None:
    for _ in range(3):
        ping.apply_async(queue="gpu")

    samples = scrape(client)

    assert value(samples, "tributary_queue_depth", queue="gpu") == 3
    assert value(samples, "tributary_queue_depth", queue="cpu") == 0
    assert value(samples, "tributary_metrics_source_up", source="broker") == 1
    assert value(samples, "tributary_metrics_source_up", source="database") == 1


def test_a_broker_that_is_down_leaves_the_rest_of_the_scrape(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed = sock.getsockname()[1]
    monkeypatch.setattr(app.conf, "broker_url", f"redis://127.0.0.1:{closed}/0")

    samples = scrape(client)

    assert value(samples, "tributary_metrics_source_up", source="broker") == 0
    assert labels_of(samples, "tributary_queue_depth") == []
    assert value(samples, "tributary_metrics_source_up", source="database") == 1
    assert ("tributary_runs", frozenset({("status", "queued")})) in samples


def test_metrics_token_when_set(client: Client, settings: LazySettings) -> None:
    settings.METRICS_TOKEN = "scrape-me"

    refused = client.get("/metrics")
    wrong = client.get("/metrics", headers={"Authorization": "Bearer guess"})

    assert refused.status_code == wrong.status_code == 401
    assert refused["WWW-Authenticate"].startswith("Bearer")
    assert "tributary_runs" in str(scrape(client, Authorization="Bearer scrape-me"))


#: A web process in miniature: answers one request through the whole middleware stack.
ONE_REQUEST = (
    "import django; django.setup(); from django.test import Client; "
    "assert Client().get('/healthz').status_code == 200"
)


def test_several_web_processes_are_summed_in_multiprocess_mode(
    client: Client, settings: LazySettings, tmp_path: Path
) -> None:
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}
    web = [
        subprocess.Popen([sys.executable, "-c", ONE_REQUEST], cwd=REPO_ROOT, env=env)
        for _ in range(2)
    ]
    assert [process.wait(timeout=120) for process in web] == [0, 0]
    settings.PROMETHEUS_MULTIPROC_DIR = str(tmp_path)

    samples = scrape(client)

    # Both processes' requests, and not this process's own (it keeps its samples in memory).
    assert value(samples, REQUESTS, route="healthz", method="GET", status="200") == 2
    assert value(samples, "tributary_metrics_source_up", source="database") == 1


def test_the_asgi_server_observes_its_requests_and_logs_in_the_one_format(
    tmp_path: Path,
) -> None:
    log = tmp_path / "server.log"
    with asgi_server(log, env={"LOG_FORMAT": "json"}) as url:
        health = urllib.request.urlopen(f"{url}/healthz", timeout=30)
        text = urllib.request.urlopen(f"{url}/metrics", timeout=30).read().decode()

    assert health.status == 200
    samples = {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }
    assert value(samples, REQUESTS, route="healthz", method="GET", status="200") == 1
    assert ("tributary_runs", frozenset({("status", "queued")})) in samples
    # The server's own lines and Django's are in the one format: a JSON object per line.
    entries = [json.loads(line) for line in log.read_text().splitlines() if line.strip()]
    assert any(entry["logger"] == "django.request" for entry in entries)
