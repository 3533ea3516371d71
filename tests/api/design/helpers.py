"""Helpers of the pipeline design API tests."""

from __future__ import annotations

from typing import Any

from backend.pipelines.models import Pipeline
from tests.conftest import Team

SYNTHETIC = {
    "nodes": [{"id": "syn", "block": "ingest.synthetic", "config": {"rows": 100}}],
    "edges": [],
}


def detail(team: Team, pipeline: dict[str, Any], path: str = "") -> str:
    """The URL of the pipeline, or of `path` under it."""
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
