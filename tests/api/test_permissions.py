"""Who may do what under workspaces/<slug>/: outsiders 404, anonymous 401, roles 403 / 2xx.

Every route under ``workspaces/<slug>/`` is listed once in ROUTES with the least role that may use
it and a valid request body, so a missing permission check would let the request succeed. A test
checks that ROUTES covers every route and method the URLconfs serve, so a new endpoint cannot be
added without a place in this matrix.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, reverse
from django.utils import timezone
from rest_framework.test import APIClient

from backend.engine.artifacts import default_store
from backend.pipelines import urls as pipeline_urls
from backend.pipelines.models import (
    ApiKey,
    Artifact,
    Dataset,
    LogEntry,
    MetricPoint,
    ModelVersion,
    Pipeline,
    PipelineVersion,
    Run,
    StepRun,
)
from backend.workspaces import urls as workspace_urls
from backend.workspaces.models import Membership, Role, Workspace
from tests.conftest import Team
from tests.factories import IRIS_GRAPH, PipelineFactory, PipelineVersionFactory, UserFactory
from tests.model_factories import register, table_model

WORKSPACE_PREFIX = "workspaces/<slug:slug>/"
ROLES = [Role.VIEWER, Role.EDITOR, Role.OWNER]
RANK = {role: index for index, role in enumerate(ROLES)}
CSV = b"a,b\n1,x\n2,y\n"


@dataclass
class World:
    """The team's workspace with one of everything in it, for URLs with real ids."""

    team: Team
    dataset: Dataset
    pipeline: Pipeline
    version: PipelineVersion
    run: Run
    artifact: Artifact
    model_version: ModelVersion
    api_key: ApiKey

    def url(self, name: str) -> str:
        """The URL named `name`, filled with this world's ids."""
        ids = {
            "slug": self.team.workspace.slug,
            "dataset_id": self.dataset.pk,
            "pipeline_id": self.pipeline.pk,
            "number": self.version.number,
            "run_id": self.run.pk,
            "artifact_id": self.artifact.pk,
            "username": "editor",
            "name": self.model_version.name,
            "version": self.model_version.version,
            "key_id": self.api_key.pk,
        }
        pattern = ROUTE_PATTERNS[name]
        return reverse(name, kwargs={key: ids[key] for key in pattern.pattern.converters})


def _routes_under_workspace() -> dict[str, URLPattern]:
    patterns = [*workspace_urls.urlpatterns, *pipeline_urls.urlpatterns]
    return {p.name: p for p in patterns if str(p.pattern).startswith(WORKSPACE_PREFIX)}


ROUTE_PATTERNS = _routes_under_workspace()


@dataclass(frozen=True)
class Route:
    """One method on one named URL, the least role allowed, and a valid request."""

    name: str
    method: str
    role: str
    #: Status the allowed call answers with.
    ok: int
    body: Callable[[World], dict[str, Any]] | None = None
    #: Send the body as multipart (uploads) instead of JSON.
    multipart: bool = False
    #: Whether a successful answer is a JSON object (downloads are not).
    json: bool = True

    @property
    def is_write(self) -> bool:
        return self.role != Role.VIEWER

    def __str__(self) -> str:
        return f"{self.method} {self.name}"

    def call(self, client: APIClient, world: World) -> Any:
        """Send this request as `client`."""
        body = self.body(world) if self.body else None
        send = getattr(client, self.method.lower())
        if self.multipart:
            return send(world.url(self.name), body, format="multipart")
        return send(world.url(self.name), body, format="json")


def _upload(world: World) -> dict[str, Any]:
    return {"file": SimpleUploadedFile("other.csv", b"c,d\n3,z\n", content_type="text/csv")}


ROUTES = [
    Route("workspace-detail", "GET", Role.VIEWER, 200),
    Route("workspace-detail", "PATCH", Role.OWNER, 200, lambda w: {"name": "Renamed"}),
    Route("workspace-detail", "DELETE", Role.OWNER, 204),
    Route("member-list", "GET", Role.VIEWER, 200),
    Route(
        "member-list", "POST", Role.OWNER, 201, lambda w: {"username": "newbie", "role": "viewer"}
    ),
    Route("member-detail", "PATCH", Role.OWNER, 200, lambda w: {"role": "viewer"}),
    Route("member-detail", "DELETE", Role.OWNER, 204),
    Route("dataset-list", "GET", Role.VIEWER, 200),
    Route("dataset-list", "POST", Role.EDITOR, 201, _upload, multipart=True),
    Route("dataset-detail", "GET", Role.VIEWER, 200),
    Route("dataset-detail", "PATCH", Role.EDITOR, 200, lambda w: {"name": "renamed"}),
    Route("dataset-detail", "DELETE", Role.EDITOR, 204),
    Route("dataset-preview", "GET", Role.VIEWER, 200),
    Route("pipeline-list", "GET", Role.VIEWER, 200),
    Route("pipeline-list", "POST", Role.EDITOR, 201, lambda w: {"name": "another"}),
    Route("pipeline-detail", "GET", Role.VIEWER, 200),
    Route(
        "pipeline-detail", "PATCH", Role.EDITOR, 200, lambda w: {"revision": 1, "name": "renamed"}
    ),
    Route("pipeline-detail", "DELETE", Role.EDITOR, 204),
    # Validation changes nothing: a viewer may ask.
    Route("pipeline-validate", "POST", Role.VIEWER, 200, lambda w: {}),
    Route("version-list", "GET", Role.VIEWER, 200),
    Route("version-list", "POST", Role.EDITOR, 201, lambda w: {"message": "snapshot"}),
    Route("version-detail", "GET", Role.VIEWER, 200),
    Route("version-restore", "POST", Role.EDITOR, 200, lambda w: {"revision": 1}),
    Route("pipeline-runs", "GET", Role.VIEWER, 200),
    Route("pipeline-runs", "POST", Role.EDITOR, 201, lambda w: {"version": 1}),
    Route("run-list", "GET", Role.VIEWER, 200),
    Route("run-detail", "GET", Role.VIEWER, 200),
    Route("run-cancel", "POST", Role.EDITOR, 200, lambda w: {}),
    Route("run-logs", "GET", Role.VIEWER, 200),
    Route("run-metrics", "GET", Role.VIEWER, 200),
    Route("artifact-detail", "GET", Role.VIEWER, 200),
    Route("artifact-preview", "GET", Role.VIEWER, 200),
    Route("artifact-download", "GET", Role.VIEWER, 200, json=False),
    Route("model-list", "GET", Role.VIEWER, 200),
    Route("model-version-list", "GET", Role.VIEWER, 200),
    Route("model-version-detail", "GET", Role.VIEWER, 200),
    Route("model-version-detail", "PATCH", Role.EDITOR, 200, lambda w: {"stage": "staging"}),
    # Predicting changes nothing: a viewer may (and so may an API key: registry/test_keys.py).
    Route("model-predict", "POST", Role.VIEWER, 200, lambda w: {"instances": [{"a": 1}]}),
    Route("model-version-score", "POST", Role.EDITOR, 201, lambda w: {"dataset": w.dataset.pk}),
    Route("model-version-monitoring", "GET", Role.VIEWER, 200),
    Route("model-version-drift", "GET", Role.VIEWER, 200),
    Route("api-key-list", "GET", Role.VIEWER, 200),
    Route("api-key-list", "POST", Role.EDITOR, 201, lambda w: {"name": "app", "model": "churn"}),
    Route("api-key-detail", "GET", Role.VIEWER, 200),
    Route("api-key-detail", "DELETE", Role.EDITOR, 204),
]
WRITES = [route for route in ROUTES if route.is_write]


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: Any) -> None:
    """Hundreds of users are made here; real PBKDF2 is for tests/api/test_auth.py."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(team: Team) -> World:
    """The team's workspace holding a dataset, a pipeline with a version, and a run."""
    response = team.client("owner").post(
        team.url("datasets/"),
        {"file": SimpleUploadedFile("data.csv", CSV, content_type="text/csv")},
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    dataset = Dataset.objects.get(pk=response.json()["id"])
    pipeline = PipelineFactory(workspace=team.workspace, name="churn")
    # Version 1 differs from the draft, so that saving the draft as a version is a real change.
    first_graph = {"nodes": [{**IRIS_GRAPH["nodes"][0], "config": {"name": "wine"}}], "edges": []}
    version = PipelineVersionFactory(pipeline=pipeline, number=1, graph=first_graph)
    run = Run.objects.create(
        workspace=team.workspace, pipeline=pipeline, version=version, created_by=team.owner
    )
    step = StepRun.objects.create(run=run, node_id="iris", block_key="ingest.sample")
    LogEntry.objects.create(run=run, step=step, seq=1, message="hello", created_at=timezone.now())
    MetricPoint.objects.create(
        run=run, step=step, seq=2, key="rows", value=150, created_at=timezone.now()
    )
    buffer = io.BytesIO()
    pd.DataFrame({"a": [1, 2], "b": ["x", "y"]}).to_parquet(buffer, index=False)
    digest, size = default_store().put_bytes(buffer.getvalue())
    artifact = Artifact.objects.create(
        workspace=team.workspace,
        step=step,
        port="table",
        kind="table",
        digest=digest,
        size_bytes=size,
        metadata={"rows": 2},
    )
    UserFactory(username="newbie")  # not a member yet; the add-member write adds them
    rows = pd.DataFrame({"a": [1, 2], "b": ["x", "y"]})
    model_version = register(
        team.workspace, table_model(rows, "b"), name="churn", training_rows=rows
    )
    api_key = ApiKey.objects.create(
        workspace=team.workspace, name="app", prefix="trb_00000001", secret_hash="0" * 64
    )
    return World(
        team=team,
        dataset=dataset,
        pipeline=pipeline,
        version=version,
        run=run,
        artifact=artifact,
        model_version=model_version,
        api_key=api_key,
    )


def state() -> dict[str, list[tuple[Any, ...]]]:
    """Everything the routes can change, to compare before and after a refused request."""
    return {
        "workspaces": sorted(Workspace.objects.values_list("id", "name", "slug")),
        "members": sorted(Membership.objects.values_list("workspace_id", "user_id", "role")),
        "datasets": sorted(Dataset.objects.values_list("id", "name")),
        "pipelines": sorted(Pipeline.objects.values_list("id", "name", "revision", "graph")),
        "versions": sorted(PipelineVersion.objects.values_list("id", "pipeline_id", "number")),
        "runs": sorted(Run.objects.values_list("id", "status", "cancel_requested")),
        "models": sorted(ModelVersion.objects.values_list("id", "stage")),
        "api_keys": sorted(ApiKey.objects.values_list("id", "revoked_at")),
    }


def assert_json_error(response: Any, status: int) -> dict[str, Any]:
    """The response is `status` with a JSON body carrying a non-empty message."""
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert isinstance(body.get("message"), str) and body["message"].strip()
    return body


def test_routes_cover_every_workspace_url_and_method() -> None:
    served = set()
    for name, pattern in ROUTE_PATTERNS.items():
        view = pattern.callback.view_class
        for method in ("get", "post", "put", "patch", "delete"):
            if hasattr(view, method):
                served.add((name, method.upper()))
    assert served == {(route.name, route.method) for route in ROUTES}


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_outsider_gets_404_and_nothing_changes(world: World, route: Route) -> None:
    before = state()
    body = assert_json_error(route.call(world.team.client("outsider"), world), 404)
    assert body["code"] == "not_found"
    assert world.team.workspace.slug in body["message"]
    assert state() == before


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_anonymous_gets_401_and_nothing_changes(world: World, route: Route) -> None:
    before = state()
    response = route.call(world.team.client("anon"), world)
    body = assert_json_error(response, 401)
    assert body["code"] == "not_authenticated"
    assert "Token" in response["WWW-Authenticate"]
    assert state() == before


@pytest.mark.parametrize("route", [r for r in ROUTES if r.method == "GET"], ids=str)
def test_unknown_workspace_is_404_like_a_foreign_one(world: World, route: Route) -> None:
    url = world.url(route.name).replace(world.team.workspace.slug, "no-such-team", 1)
    body = assert_json_error(world.team.client("owner").get(url), 404)
    assert body["field"] == "workspace"


@pytest.mark.parametrize(
    ("route", "role"),
    [(r, role) for r in WRITES for role in ROLES if RANK[role] < RANK[r.role]],
    ids=str,
)
def test_role_below_the_needed_one_gets_403_and_nothing_changes(
    world: World, route: Route, role: str
) -> None:
    before = state()
    body = assert_json_error(route.call(world.team.client(role), world), 403)
    assert body["code"] == "permission_denied"
    assert f"needs the {route.role} role" in body["message"]
    assert state() == before


@pytest.mark.parametrize(
    ("route", "role"),
    [(r, role) for r in ROUTES for role in ROLES if RANK[role] >= RANK[r.role]],
    ids=str,
)
def test_role_allowed_succeeds(world: World, route: Route, role: str) -> None:
    before = state()
    response = route.call(world.team.client(role), world)
    assert response.status_code == route.ok, getattr(response, "content", response)
    if route.ok != 204 and route.json:
        assert isinstance(response.json(), dict)
    # Writes change something; reads (and validation) change nothing.
    assert (state() != before) is route.is_write


@pytest.mark.parametrize("role", ROLES)
def test_member_reads_see_the_team_objects(world: World, role: str) -> None:
    client = world.team.client(role)
    assert client.get(world.url("dataset-detail")).json()["id"] == world.dataset.pk
    assert client.get(world.url("pipeline-detail")).json()["name"] == "churn"
    run = client.get(world.url("run-detail")).json()
    assert run["id"] == world.run.pk
    assert [step["node_id"] for step in run["steps"]] == ["iris"]
    assert [log["message"] for log in client.get(world.url("run-logs")).json()["results"]] == [
        "hello"
    ]
    metrics = client.get(world.url("run-metrics")).json()["results"]
    assert [(m["key"], m["value"]) for m in metrics] == [("rows", 150)]
    assert client.get(world.url("workspace-detail")).json()["role"] == role
    assert client.get(world.url("artifact-detail")).json()["digest"] == world.artifact.digest
    preview = client.get(world.url("artifact-preview")).json()
    assert (preview["columns"], preview["rows"]) == (["a", "b"], [[1, "x"], [2, "y"]])
    download = client.get(world.url("artifact-download"))
    with default_store().open(world.artifact.digest) as stored:
        assert b"".join(download.streaming_content) == stored.read()


def test_objects_of_another_workspace_are_404_to_a_member_of_both(world: World) -> None:
    """Ids are checked against the workspace in the URL, not just against membership."""
    other = Workspace.objects.get(name="Elsewhere")
    Membership.objects.create(workspace=other, user=world.team.owner, role=Role.OWNER)
    client = world.team.client("owner")
    for name, field in [
        ("dataset-detail", "dataset"),
        ("pipeline-detail", "pipeline"),
        ("run-detail", "run"),
    ]:
        url = world.url(name).replace(world.team.workspace.slug, other.slug, 1)
        body = assert_json_error(client.get(url), 404)
        assert body["field"] == field
