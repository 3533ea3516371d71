"""Pipeline versions over the API, and validation of drafts and graphs that cannot run.

The graph cases (malformed JSON, graphs that cannot run) and the test blocks they need are shared
with tests/unit/test_graph.py, which checks the same rules without HTTP.
"""

from __future__ import annotations

from typing import Any

import pytest

from backend.pipelines.models import Dataset, Pipeline, PipelineVersion, Run, StepRun
from backend.workspaces.models import Workspace
from tests.api.design.helpers import SYNTHETIC, assert_graph_error, detail, saved
from tests.conftest import Team
from tests.graphs import edge
from tests.unit.graph_cases import INVALID, node

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
