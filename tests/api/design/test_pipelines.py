"""Pipelines over the API: create, list, read, drafts with optimistic concurrency, names.

The graph cases (malformed JSON, graphs that cannot run) and the test blocks they need are shared
with tests/unit/test_graph.py, which checks the same rules without HTTP.
"""

from __future__ import annotations

from typing import Any

import pytest

from backend.pipelines.models import Pipeline
from backend.workspaces.models import Workspace
from tests.api.design.helpers import SYNTHETIC, detail, saved
from tests.conftest import Team
from tests.unit.graph_cases import MALFORMED, node

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
