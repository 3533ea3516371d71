"""Pipelines over the API: drafts with optimistic concurrency, versions, validation, bad graphs.

The graph cases (malformed JSON, graphs that cannot run) and the test blocks they need are shared
with tests/unit/test_graph.py, which checks the same rules without HTTP.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from backend.pipelines.models import Dataset, Pipeline, PipelineVersion, Run, StepRun
from backend.workspaces.models import Workspace
from tests.conftest import Team
from tests.factories import IRIS_GRAPH
from tests.unit.test_graph import INVALID, MALFORMED, TEST_BLOCKS, edge, node, registered

SYNTHETIC = {
    "nodes": [{"id": "syn", "block": "ingest.synthetic", "config": {"rows": 100}}],
    "edges": [],
}


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: Any) -> None:
    """Real PBKDF2 is for tests/api/test_auth.py; here it would only be slow."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def test_blocks() -> Iterator[None]:
    """The unit tests' ModelSink and PickColumn blocks, registered for this test only."""
    with registered(*TEST_BLOCKS):
        yield


@pytest.fixture
def pipeline(team: Team) -> dict[str, Any]:
    """A pipeline made by the editor, with the one-node iris graph as its draft."""
    response = team.client("editor").post(
        team.url("pipelines/"), {"name": "Iris", "graph": IRIS_GRAPH}, format="json"
    )
    assert response.status_code == 201, response.json()
    return response.json()


def detail(team: Team, pipeline: dict[str, Any], path: str = "") -> str:
    return team.url(f"pipelines/{pipeline['id']}/{path}")


def saved(pipeline: dict[str, Any]) -> tuple[Any, ...]:
    """What the database holds for a pipeline's draft."""
    row = Pipeline.objects.get(pk=pipeline["id"])
    return row.name, row.description, row.graph, row.revision, row.updated_at


def assert_graph_error(response: Any, expected: set[tuple[str, str | None]]) -> dict[str, Any]:
    """A 400 graph error naming the node and port of its first issue and listing them all."""
    assert response.status_code == 400, response.json()
    body = response.json()
    assert body["code"] == "invalid_graph"
    assert body["field"] == "graph"
    errors = body["errors"]
    assert {(e.get("node"), e.get("port")) for e in errors} == expected
    assert body.get("node") == errors[0].get("node")
    assert body.get("port") == errors[0].get("port")
    assert all(e["message"] for e in errors)
    if errors[0].get("node"):
        assert f"node '{errors[0]['node']}'" in body["message"]
    return body


# --------------------------------------------------------------------------- create, list, read


def test_create_gives_a_draft_at_revision_1(team: Team, pipeline: dict[str, Any]) -> None:
    assert pipeline["name"] == "Iris"
    assert pipeline["revision"] == 1
    assert pipeline["latest_version"] is None
    assert pipeline["created_by"] == "editor"
    assert pipeline["graph"] == {
        "nodes": [
            {
                "id": "iris",
                "block": "ingest.sample",
                "config": {"name": "iris"},
                "position": {"x": 0.0, "y": 0.0},
            }
        ],
        "edges": [],
    }
    row = Pipeline.objects.get(pk=pipeline["id"])
    assert (row.workspace, row.graph) == (team.workspace, pipeline["graph"])


def test_create_without_a_graph_starts_empty(team: Team) -> None:
    response = team.client("editor").post(
        team.url("pipelines/"), {"name": "Blank", "description": "later"}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["graph"] == {"nodes": [], "edges": []}
    assert response.json()["description"] == "later"


def test_list_is_paginated(team: Team) -> None:
    client = team.client("editor")
    for n in range(3):
        response = client.post(team.url("pipelines/"), {"name": f"p{n}"}, format="json")
        assert response.status_code == 201
    first = team.client("viewer").get(team.url("pipelines/?page_size=2"))
    assert first.status_code == 200
    body = first.json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 3
    assert body["previous"] is None
    assert [p["name"] for p in body["results"]] == ["p2", "p1"]
    assert "graph" not in body["results"][0]
    assert body["results"][0]["node_count"] == 0
    second = team.client("viewer").get(body["next"]).json()
    assert [p["name"] for p in second["results"]] == ["p0"]
    assert second["next"] is None and second["previous"]


def test_read_a_pipeline(team: Team, pipeline: dict[str, Any]) -> None:
    response = team.client("viewer").get(detail(team, pipeline))
    assert response.status_code == 200
    assert response.json() == pipeline


def test_unknown_pipeline_is_404(team: Team) -> None:
    response = team.client("viewer").get(team.url("pipelines/999999/"))
    assert response.status_code == 404
    assert response.json()["field"] == "pipeline"
    assert "999999" in response.json()["message"]


# ------------------------------------------------------------------------ drafts and revisions


def test_patch_with_the_current_revision_saves_and_increments(
    team: Team, pipeline: dict[str, Any]
) -> None:
    client = team.client("editor")
    response = client.patch(
        detail(team, pipeline),
        {"revision": 1, "graph": SYNTHETIC, "description": "synthetic now"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["revision"] == 2
    assert body["graph"]["nodes"][0]["block"] == "ingest.synthetic"
    assert body["description"] == "synthetic now"
    renamed = client.patch(detail(team, pipeline), {"revision": 2, "name": "Synth"}, format="json")
    assert renamed.json()["revision"] == 3
    row = Pipeline.objects.get(pk=pipeline["id"])
    assert (row.name, row.revision, row.graph) == ("Synth", 3, body["graph"])


@pytest.mark.parametrize("stale", [0, 1, 5])
def test_patch_with_a_stale_revision_is_409_and_changes_nothing(
    team: Team, pipeline: dict[str, Any], stale: int
) -> None:
    client = team.client("editor")
    first = client.patch(detail(team, pipeline), {"revision": 1, "name": "Saved"}, format="json")
    assert first.status_code == 200
    before = saved(pipeline)
    response = client.patch(
        detail(team, pipeline),
        {"revision": stale, "graph": SYNTHETIC, "name": "Lost"},
        format="json",
    )
    if stale == 0:  # not even a revision number
        assert response.status_code == 400
    else:
        assert response.status_code == 409, response.json()
        assert response.json()["code"] == "conflict"
        assert "revision 2" in response.json()["message"]
    assert response.json()["field"] == "revision"
    assert saved(pipeline) == before


@pytest.mark.parametrize("payload", [{}, {"graph": SYNTHETIC}, {"revision": "one"}])
def test_patch_without_a_usable_revision_names_the_field(
    team: Team, pipeline: dict[str, Any], payload: dict[str, Any]
) -> None:
    before = saved(pipeline)
    response = team.client("editor").patch(detail(team, pipeline), payload, format="json")
    assert response.status_code == 400
    assert response.json()["field"] == "revision"
    assert saved(pipeline) == before


@pytest.mark.parametrize(
    ("data", "fields", "nodes"), [c[1:] for c in MALFORMED], ids=[c[0] for c in MALFORMED]
)
def test_malformed_graph_is_refused_on_save_and_draft_unchanged(
    team: Team,
    pipeline: dict[str, Any],
    data: Any,
    fields: set[str | None] | None,
    nodes: set[str | None],
) -> None:
    before = saved(pipeline)
    response = team.client("editor").patch(
        detail(team, pipeline), {"revision": 1, "graph": data}, format="json"
    )
    assert response.status_code == 400, response.json()
    body = response.json()
    assert body["field"] == "graph"
    assert body["message"]
    if fields is not None:
        assert {e.get("field") for e in body["errors"]} == fields
    assert {e.get("node") for e in body["errors"]} == nodes
    assert saved(pipeline) == before


@pytest.mark.parametrize(
    ("data", "fields"), [(c[1], c[2]) for c in MALFORMED], ids=[c[0] for c in MALFORMED]
)
def test_malformed_graph_is_refused_on_create(
    team: Team, data: Any, fields: set[str | None] | None
) -> None:
    response = team.client("editor").post(
        team.url("pipelines/"), {"name": "Broken", "graph": data}, format="json"
    )
    assert response.status_code == 400, response.json()
    assert response.json()["field"] == "graph"
    if fields is not None:
        assert {e.get("field") for e in response.json()["errors"]} == fields
    assert not Pipeline.objects.exists()


def test_a_graph_that_cannot_run_yet_can_still_be_saved(
    team: Team, pipeline: dict[str, Any]
) -> None:
    """Drafts are work in progress: only their shape is checked on save."""
    unfinished = {"nodes": [node("x", "ingest.nope")], "edges": []}
    response = team.client("editor").patch(
        detail(team, pipeline), {"revision": 1, "graph": unfinished}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["graph"]["nodes"][0]["block"] == "ingest.nope"


# ----------------------------------------------------------------------------------- names


def test_duplicate_name_on_create_is_409(team: Team, pipeline: dict[str, Any]) -> None:
    for name in ["Iris", "  Iris "]:
        response = team.client("editor").post(team.url("pipelines/"), {"name": name}, format="json")
        assert response.status_code == 409, response.json()
        assert response.json()["field"] == "name"
        assert "Iris" in response.json()["message"]
    assert Pipeline.objects.count() == 1


def test_duplicate_name_on_rename_is_409_and_changes_nothing(
    team: Team, pipeline: dict[str, Any]
) -> None:
    client = team.client("editor")
    assert client.post(team.url("pipelines/"), {"name": "Wine"}, format="json").status_code == 201
    before = saved(pipeline)
    response = client.patch(detail(team, pipeline), {"revision": 1, "name": "Wine"}, format="json")
    assert response.status_code == 409
    assert response.json()["field"] == "name"
    assert saved(pipeline) == before


def test_same_name_in_another_workspace_is_fine(team: Team, pipeline: dict[str, Any]) -> None:
    other = Workspace.objects.get(name="Elsewhere")
    response = team.client("outsider").post(
        f"/api/v1/workspaces/{other.slug}/pipelines/", {"name": "Iris"}, format="json"
    )
    assert response.status_code == 201


@pytest.mark.parametrize("name", ["", "   ", "x" * 201])
def test_bad_name_is_400(team: Team, name: str) -> None:
    response = team.client("editor").post(team.url("pipelines/"), {"name": name}, format="json")
    assert response.status_code == 400
    assert response.json()["field"] == "name"
    assert not Pipeline.objects.exists()


# -------------------------------------------------------------------------------- versions


def test_versions_snapshot_the_draft(team: Team, pipeline: dict[str, Any]) -> None:
    client = team.client("editor")
    first = client.post(detail(team, pipeline, "versions/"), {"message": " first "}, format="json")
    assert first.status_code == 201, first.json()
    v1 = first.json()
    assert (v1["number"], v1["message"], v1["author"]) == (1, "first", "editor")
    assert v1["graph"] == pipeline["graph"]

    edited = client.patch(
        detail(team, pipeline), {"revision": 1, "graph": SYNTHETIC}, format="json"
    ).json()
    # The version did not follow the draft.
    assert client.get(detail(team, pipeline, "versions/1/")).json()["graph"] == pipeline["graph"]
    assert PipelineVersion.objects.get(pk=v1["id"]).graph == pipeline["graph"]

    second = client.post(detail(team, pipeline, "versions/"), {}, format="json").json()
    assert second["number"] == 2
    assert second["graph"] == edited["graph"]
    assert second["message"] == ""
    # Saving again with nothing changed would only repeat version 2.
    again = client.post(detail(team, pipeline, "versions/"), {"message": "same"}, format="json")
    assert again.status_code == 409, again.json()
    assert again.json()["code"] == "unchanged" and "version 2" in again.json()["message"]

    listed = team.client("viewer").get(detail(team, pipeline, "versions/")).json()
    assert listed["count"] == 2
    assert [v["number"] for v in listed["results"]] == [2, 1]
    assert team.client("viewer").get(detail(team, pipeline)).json()["latest_version"] == 2
    # Taking a version does not touch the draft's revision.
    assert Pipeline.objects.get(pk=pipeline["id"]).revision == 2


def test_unknown_version_is_404(team: Team, pipeline: dict[str, Any]) -> None:
    response = team.client("viewer").get(detail(team, pipeline, "versions/3/"))
    assert response.status_code == 404
    assert response.json()["field"] == "version"


def test_restore_puts_a_version_back_into_the_draft(team: Team, pipeline: dict[str, Any]) -> None:
    client = team.client("editor")
    client.post(detail(team, pipeline, "versions/"), {}, format="json")
    client.patch(detail(team, pipeline), {"revision": 1, "graph": SYNTHETIC}, format="json")
    response = client.post(
        detail(team, pipeline, "versions/1/restore/"), {"revision": 2}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["graph"] == pipeline["graph"]
    assert response.json()["revision"] == 3
    assert Pipeline.objects.get(pk=pipeline["id"]).graph == pipeline["graph"]
    assert PipelineVersion.objects.count() == 1


def test_restore_with_a_stale_revision_is_409(team: Team, pipeline: dict[str, Any]) -> None:
    client = team.client("editor")
    client.post(detail(team, pipeline, "versions/"), {}, format="json")
    client.patch(detail(team, pipeline), {"revision": 1, "graph": SYNTHETIC}, format="json")
    before = saved(pipeline)
    response = client.post(
        detail(team, pipeline, "versions/1/restore/"), {"revision": 1}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["field"] == "revision"
    assert saved(pipeline) == before


def test_delete_removes_versions_and_runs(team: Team, pipeline: dict[str, Any]) -> None:
    client = team.client("editor")
    client.post(detail(team, pipeline, "versions/"), {}, format="json")
    version = PipelineVersion.objects.get()
    run = Run.objects.create(workspace=team.workspace, pipeline=version.pipeline, version=version)
    StepRun.objects.create(run=run, node_id="iris", block_key="ingest.sample")
    response = client.delete(detail(team, pipeline))
    assert response.status_code == 204
    for model in (Pipeline, PipelineVersion, Run, StepRun):
        assert not model.objects.exists(), model.__name__


# ------------------------------------------------------------------------------ validation


def test_validate_a_sound_draft(team: Team, pipeline: dict[str, Any]) -> None:
    response = team.client("viewer").post(detail(team, pipeline, "validate/"), {}, format="json")
    assert response.status_code == 200
    assert response.json() == {"valid": True, "errors": []}


def test_validate_an_empty_draft(team: Team, pipeline: dict[str, Any]) -> None:
    client = team.client("editor")
    client.patch(
        detail(team, pipeline), {"revision": 1, "graph": {"nodes": [], "edges": []}}, format="json"
    )
    body = client.post(detail(team, pipeline, "validate/"), {}, format="json").json()
    assert body["valid"] is False
    assert "no blocks" in body["errors"][0]["message"]
    version = client.post(detail(team, pipeline, "versions/"), {}, format="json")
    assert version.status_code == 400
    assert not PipelineVersion.objects.exists()


@pytest.mark.parametrize(
    ("nodes", "edges", "expected", "first"),
    [c[1:] for c in INVALID],
    ids=[c[0] for c in INVALID],
)
def test_graph_that_cannot_run_is_reported_and_gets_no_version(
    team: Team,
    pipeline: dict[str, Any],
    test_blocks: None,
    nodes: list[dict[str, Any]],
    edges: list[dict[str, Any]],
    expected: set[tuple[str, str | None]],
    first: dict[str, str],
) -> None:
    client = team.client("editor")
    graph = {"nodes": nodes, "edges": edges}
    # The graph sent in the body is validated without being saved.
    unsaved = client.post(detail(team, pipeline, "validate/"), {"graph": graph}, format="json")
    assert unsaved.status_code == 200
    assert unsaved.json()["valid"] is False
    assert Pipeline.objects.get(pk=pipeline["id"]).revision == 1

    saved_draft = client.patch(
        detail(team, pipeline), {"revision": 1, "graph": graph}, format="json"
    )
    assert saved_draft.status_code == 200, saved_draft.json()
    checked = team.client("viewer").post(detail(team, pipeline, "validate/"), {}, format="json")
    assert checked.status_code == 200
    assert checked.json()["valid"] is False
    assert checked.json()["errors"] == unsaved.json()["errors"]
    errors = checked.json()["errors"]
    assert {(e.get("node"), e.get("port")) for e in errors} == expected
    for key, value in first.items():
        assert errors[0][key] == value

    response = client.post(detail(team, pipeline, "versions/"), {"message": "v"}, format="json")
    body = assert_graph_error(response, expected)
    assert body["errors"] == errors
    assert not PipelineVersion.objects.exists()


def test_validate_refuses_a_malformed_body_graph(team: Team, pipeline: dict[str, Any]) -> None:
    response = team.client("viewer").post(
        detail(team, pipeline, "validate/"),
        {"graph": {"nodes": [{"block": "ingest.sample"}]}},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["field"] == "graph"
    assert response.json()["errors"][0]["field"] == "graph.nodes[0].id"


def test_datasets_of_another_workspace_are_not_visible_to_validation(
    team: Team, pipeline: dict[str, Any], test_blocks: None
) -> None:
    schema = [{"name": "age", "dtype": "int64", "nulls": 0}]
    mine, theirs = (
        Dataset.objects.create(
            workspace=workspace,
            name="d",
            original_filename="d.csv",
            format="csv",
            content_hash=digest * 64,
            storage_key=digest * 64,
            size_bytes=1,
            row_count=1,
            schema=schema,
        )
        for workspace, digest in [
            (team.workspace, "a"),
            (Workspace.objects.get(name="Elsewhere"), "b"),
        ]
    )
    client = team.client("viewer")

    def check(dataset_id: int, column: str) -> dict[str, Any]:
        graph = {
            "nodes": [
                node("data", "ingest.dataset", dataset=dataset_id),
                node("pick", column=column),
            ],
            "edges": [edge("data", "pick")],
        }
        url = detail(team, pipeline, "validate/")
        return client.post(url, {"graph": graph}, format="json").json()

    assert check(mine.pk, "age") == {"valid": True, "errors": []}
    assert [(e["node"], e.get("column")) for e in check(mine.pk, "height")["errors"]] == [
        ("pick", "height")
    ]
    foreign = check(theirs.pk, "age")
    assert [(e["node"], e["field"]) for e in foreign["errors"]] == [("data", "dataset")]
    assert str(theirs.pk) in foreign["errors"][0]["message"]
