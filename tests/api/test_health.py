"""The probes: /healthz answers while the process does, /readyz checks the database, Redis and
a worker per required queue, against real servers and a real Celery worker."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import LazySettings
from django.test import Client

from tests.workers import celery_worker

pytestmark = pytest.mark.django_db


def checks(response: Any) -> dict[str, dict[str, Any]]:
    """The /readyz body's checks by name."""
    return {check["name"]: check for check in response.json()["checks"]}


@pytest.fixture
def closed_port() -> int:
    """A local port nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A local port that accepts connections and never answers (a hung server)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(16)
        yield sock.getsockname()[1]


def test_healthz_answers_anonymously_and_is_exempt_from_the_https_redirect(
    client: Client, settings: LazySettings
) -> None:
    settings.SECURE_SSL_REDIRECT = True

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    # The redirect is on: any other page answers it.
    assert client.get("/api/v1/blocks/").status_code == 301


def test_probes_refuse_writes(client: Client) -> None:
    assert client.post("/healthz").status_code == 405
    assert client.post("/readyz").status_code == 405


def test_readyz_without_a_worker_names_the_missing_queue(client: Client) -> None:
    response = client.get("/readyz")

    assert response.status_code == 503
    body = checks(response)
    assert response.json()["ready"] is False
    assert body["database"]["ok"] is True and body["redis"]["ok"] is True
    assert body["queue:cpu"] == {
        "name": "queue:cpu",
        "required": True,
        "ok": False,
        "workers": 0,
        "error": "no worker serves the 'cpu' queue",
    }
    # gpu is not required by default: listed, but it does not decide.
    assert body["queue:gpu"]["required"] is False


@pytest.mark.worker
def test_readyz_with_a_worker_per_required_queue(client: Client, settings: LazySettings) -> None:
    with celery_worker(queues="cpu") as worker:
        ready = client.get("/readyz")
        settings.READINESS_QUEUES = ["cpu", "gpu"]
        gpu_required = client.get("/readyz")

    assert ready.status_code == 200, ready.json()
    body = checks(ready)
    assert ready.json()["ready"] is True
    # How many, not which: worker names are host names, and the probe is anonymous.
    assert body["queue:cpu"]["ok"] is True and body["queue:cpu"]["workers"] == 1
    assert worker.name not in ready.content.decode()
    assert body["queue:gpu"]["ok"] is False and body["queue:gpu"]["required"] is False

    assert gpu_required.status_code == 503
    body = checks(gpu_required)
    assert body["queue:cpu"]["ok"] is True
    assert body["queue:gpu"]["error"] == "no worker serves the 'gpu' queue"


def test_readyz_names_redis_when_it_cannot_be_reached(
    client: Client, settings: LazySettings, closed_port: int
) -> None:
    settings.REDIS_URL = f"redis://:hunter2-secret@127.0.0.1:{closed_port}/0"

    response = client.get("/readyz")

    assert response.status_code == 503
    body = checks(response)
    assert body["redis"]["ok"] is False and body["redis"]["required"] is True
    assert "ConnectionError" in body["redis"]["error"]
    assert body["database"]["ok"] is True
    # Anonymous readers see the kind of failure, never the URL or its password.
    assert "hunter2" not in response.content.decode()
    assert str(closed_port) not in response.content.decode()


def test_readyz_gives_up_on_a_server_that_never_answers(
    client: Client, settings: LazySettings, silent_server: int
) -> None:
    settings.REDIS_URL = f"redis://127.0.0.1:{silent_server}/0"
    settings.READINESS_TIMEOUT_SECONDS = 0.5

    response = client.get("/readyz")  # returns at all: pytest-timeout catches a hang

    assert response.status_code == 503
    redis = checks(response)["redis"]
    assert redis["ok"] is False
    assert redis["error"] in (
        "TimeoutError (the server log has the detail)",
        "no answer within 0.5 s",
    )
