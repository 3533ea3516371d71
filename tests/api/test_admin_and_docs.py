"""The OpenAPI schema, the API docs and the Django admin pages render."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from backend.pipelines.models import (
    Artifact,
    LogEntry,
    MetricPoint,
    ModelVersion,
    PipelineVersion,
    Run,
    StepRun,
)
from tests.conftest import Team
from tests.factories import PipelineVersionFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_schema_and_docs_are_public_and_complete(client: Client) -> None:
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    for path in (
        "/api/v1/auth/token/",
        "/api/v1/blocks/",
        "/api/v1/workspaces/{slug}/datasets/",
        "/api/v1/workspaces/{slug}/pipelines/{pipeline_id}/validate/",
        "/api/v1/workspaces/{slug}/runs/{run_id}/logs/",
    ):
        assert path in paths
    docs = client.get("/api/docs/")
    assert docs.status_code == 200 and b"swagger" in docs.content.lower()


def test_unknown_api_path_is_json_404(client: Client) -> None:
    response = client.get("/api/v1/nothing-here/")
    assert response.status_code == 404
    assert response.json()["message"].startswith("no API endpoint")


@pytest.fixture
def admin_client_with_rows(team: Team) -> Client:
    version = PipelineVersionFactory(pipeline__workspace=team.workspace)
    run = Run.objects.create(
        workspace=team.workspace, pipeline=version.pipeline, version=version, status="succeeded"
    )
    step = StepRun.objects.create(run=run, node_id="iris", block_key="ingest.sample")
    now = run.created_at
    LogEntry.objects.create(run=run, step=step, seq=1, message="hello", created_at=now)
    MetricPoint.objects.create(run=run, step=step, seq=2, key="acc", value=0.9, created_at=now)
    artifact = Artifact.objects.create(
        workspace=team.workspace, step=step, port="table", kind="table", digest="a" * 64
    )
    ModelVersion.objects.create(workspace=team.workspace, name="iris", version=1, artifact=artifact)
    client = Client()
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    return client


@pytest.mark.parametrize("model", list(admin.site._registry), ids=lambda m: m.__name__)
def test_admin_changelist_and_change_pages_render(admin_client_with_rows: Client, model) -> None:
    meta = model._meta
    changelist = admin_client_with_rows.get(
        reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
    )
    assert changelist.status_code == 200
    row = model.objects.first()
    if row is not None:
        change = admin_client_with_rows.get(
            reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[row.pk])
        )
        assert change.status_code == 200


@pytest.mark.parametrize("model", [PipelineVersion, StepRun, LogEntry, MetricPoint, Artifact])
def test_records_are_read_only_in_admin(admin_client_with_rows: Client, model) -> None:
    model_admin = admin.site._registry[model]
    request = type("Request", (), {"user": UserFactory(username="boss", is_superuser=True)})()
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, model.objects.first())


def test_finished_runs_are_read_only_in_admin(admin_client_with_rows: Client) -> None:
    run_admin = admin.site._registry[Run]
    request = type("Request", (), {"user": UserFactory(username="boss", is_superuser=True)})()
    run = Run.objects.get()
    assert not run_admin.has_change_permission(request, run)
    run.status = "running"
    assert run_admin.has_change_permission(request, run)
