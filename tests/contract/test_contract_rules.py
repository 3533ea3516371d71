"""The rules the fuzzed contract rests on, each on its own so that a failure names it: text
PostgreSQL cannot store is refused where the body is parsed, OPTIONS answers on every view,
bounds in the schema are bounds in the code, and the schema documents the errors."""

from __future__ import annotations

import json

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.test import APIClient

from backend.pipelines.models import ApiKey, Pipeline, Run
from tests.conftest import Team
from tests.factories import PipelineFactory, PipelineVersionFactory
from tests.graphs import node


def signed_in(user: object) -> APIClient:
    """A client signed in as `user`."""
    client = APIClient()
    client.force_authenticate(user)
    return client


def post_json(client: APIClient, url: str, body: object) -> object:
    """POST `body` as JSON text (escapes as written, so a lone surrogate survives)."""
    return client.post(url, json.dumps(body), content_type="application/json")


@pytest.mark.parametrize(
    ("text", "what"),
    [("a\u0000b", "NUL character"), ("a\ud800b", "lone surrogate")],
)
def test_text_postgresql_refuses_is_a_400_naming_the_place(
    team: Team, text: str, what: str
) -> None:
    graph = {"nodes": [{**node("n1", "ingest.sample"), "label": text}], "edges": []}
    body = {"name": "p", "graph": graph}
    response = post_json(signed_in(team.editor), team.url("pipelines/"), body)
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["field"] == "graph.nodes[0].label"
    assert what in body["message"]
    assert not Pipeline.objects.filter(workspace=team.workspace).exists()


def test_a_nul_in_a_key_of_run_parameters_is_refused(team: Team) -> None:
    pipeline = PipelineFactory(workspace=team.workspace)
    response = post_json(
        signed_in(team.editor),
        team.url(f"pipelines/{pipeline.pk}/runs/"),
        {"parameters": {"ra\u0000te": 1}},
    )
    assert response.status_code == 400, response.content
    assert response.json()["field"] == "parameters.ra\u0000te"
    assert not pipeline.runs.exists()


def test_a_nul_in_a_query_parameter_is_refused(team: Team) -> None:
    version = PipelineVersionFactory(pipeline=PipelineFactory(workspace=team.workspace))
    run = Run.objects.create(workspace=team.workspace, pipeline=version.pipeline, version=version)
    response = signed_in(team.viewer).get(team.url(f"runs/{run.pk}/logs/?node=a%00b"))
    assert response.status_code == 400, response.content
    assert response.json()["field"] == "node"
    unknown_level = signed_in(team.viewer).get(team.url(f"runs/{run.pk}/logs/?level=loud"))
    assert unknown_level.status_code == 400
    assert unknown_level.json()["field"] == "level"


def _api_routes() -> list[str]:
    """Every route under /api/v1/, as its pattern."""
    routes: list[str] = []

    def walk(patterns: list[URLPattern | URLResolver], prefix: str) -> None:
        for pattern in patterns:
            text = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, text)
            elif text.startswith("api/v1/"):
                routes.append(text)

    walk(get_resolver().url_patterns, "")
    return routes


def test_options_answers_json_on_every_api_route(team: Team) -> None:
    fill = {
        "<slug:slug>": team.workspace.slug,
        "<str:name>": "demo",
        "<str:username>": "viewer",
    }
    client = signed_in(team.owner)
    routes = _api_routes()
    assert len(routes) > 30
    for route in routes:
        url = "/" + route
        for placeholder, value in fill.items():
            url = url.replace(placeholder, value)
        while "<int:" in url:
            start = url.index("<int:")
            url = url[:start] + "1" + url[url.index(">", start) + 1 :]
        response = client.options(url)
        assert response.status_code == 200, (url, response.status_code, response.content[:200])
        assert response["Content-Type"].startswith("application/json"), url
        assert "name" in response.json(), url


@pytest.mark.parametrize("page_size", ["0", "501", "ten"])
def test_a_page_size_outside_its_documented_bounds_is_refused(team: Team, page_size: str) -> None:
    response = signed_in(team.viewer).get(team.url(f"pipelines/?page_size={page_size}"))
    assert response.status_code == 400
    assert response.json()["field"] == "page_size"


@pytest.mark.parametrize("query", ["page=", "page=0", "page=last", "page=2&page="])
def test_a_page_that_is_not_a_whole_number_from_1_is_refused(team: Team, query: str) -> None:
    response = signed_in(team.viewer).get(team.url(f"pipelines/?{query}"))
    assert response.status_code == 400
    assert response.json()["field"] == "page"


def test_a_page_past_the_last_is_not_found_and_page_2_is_the_second(team: Team) -> None:
    for index in range(3):
        PipelineFactory(workspace=team.workspace, name=f"p{index}")
    client = signed_in(team.viewer)
    second = client.get(team.url("pipelines/?page=2&page_size=2"))
    assert second.status_code == 200
    assert len(second.json()["results"]) == 1
    assert client.get(team.url("pipelines/?page=3&page_size=2")).status_code == 404


def test_a_page_size_inside_its_bounds_is_used(team: Team) -> None:
    for index in range(3):
        PipelineFactory(workspace=team.workspace, name=f"p{index}")
    response = signed_in(team.viewer).get(team.url("pipelines/?page_size=2"))
    assert response.status_code == 200
    assert len(response.json()["results"]) == 2


def test_an_api_key_for_a_null_model_is_refused(team: Team) -> None:
    response = post_json(
        signed_in(team.editor), team.url("api-keys/"), {"name": "app", "model": None}
    )
    assert response.status_code == 400
    assert response.json()["field"] == "model"
    assert not ApiKey.objects.filter(workspace=team.workspace).exists()


def test_the_schema_documents_the_error_body_and_the_bounds(team: Team) -> None:
    schema = signed_in(team.viewer).get("/api/schema/?format=json").json()
    paths = schema["paths"]
    patch = paths["/api/v1/workspaces/{slug}/pipelines/{pipeline_id}/"]["patch"]["responses"]
    for code in ("400", "401", "403", "404", "409", "415"):
        assert patch[code]["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/Error"
        }, code
    upload = paths["/api/v1/workspaces/{slug}/datasets/"]["post"]["responses"]
    assert "413" in upload
    preview = paths["/api/v1/workspaces/{slug}/artifacts/{artifact_id}/preview/"]["get"]
    limit = next(p for p in preview["parameters"] if p["name"] == "limit")
    assert (limit["schema"]["minimum"], limit["schema"]["maximum"]) == (1, 1000)
    blocks = paths["/api/v1/blocks/"]["get"]["responses"]["200"]["content"]["application/json"]
    assert blocks["schema"]["type"] == "array"
    step = schema["components"]["schemas"]["StepRun"]["properties"]
    assert step["cached_from_run"].get("nullable") is True


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": 0}, "name"),
        ({"name": "app", "model": " iris"}, "model"),
        ({"name": "app", "stgae": "production"}, "stgae"),
    ],
)
def test_a_body_outside_its_schema_is_refused(team: Team, body: dict, field: str) -> None:
    response = post_json(signed_in(team.editor), team.url("api-keys/"), body)
    assert response.status_code == 400, response.content
    assert response.json()["field"] == field
    assert not ApiKey.objects.filter(workspace=team.workspace).exists()


def test_run_options_must_be_json_booleans_and_integers(team: Team) -> None:
    pipeline = PipelineFactory(workspace=team.workspace)
    client = signed_in(team.editor)
    for body, field in (({"use_cache": 0}, "use_cache"), ({"version": "1"}, "version")):
        response = post_json(client, team.url(f"pipelines/{pipeline.pk}/runs/"), body)
        assert response.status_code == 400, response.content
        assert response.json()["field"] == field
    assert not pipeline.runs.exists()
