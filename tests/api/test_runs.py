"""The run list endpoints: what each run carries, how they filter, and what a page costs."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from backend.pipelines.models import Pipeline, Run
from tests.conftest import Team
from tests.factories import PipelineFactory, PipelineVersionFactory, WorkspaceFactory


def make_runs(team: Team, pipeline: Pipeline, count: int) -> list[Run]:
    """`count` queued runs of one new version of `pipeline`, started by the editor."""
    version = PipelineVersionFactory(
        pipeline=pipeline, number=pipeline.versions.count() + 1, author=team.editor
    )
    return [
        Run.objects.create(
            workspace=team.workspace, pipeline=pipeline, version=version, created_by=team.editor
        )
        for _ in range(count)
    ]


def get_counting(client: APIClient, url: str) -> tuple[dict[str, Any], int]:
    """The JSON body of a GET of `url`, and how many SQL queries answering it took."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return response.json(), len(queries)


def list_url(team: Team, pipeline: Pipeline, which: str) -> str:
    """The workspace's run list, the same filtered to `pipeline`, or the pipeline's own."""
    return {
        "workspace": team.url("runs/"),
        "filtered": team.url(f"runs/?pipeline={pipeline.pk}"),
        "pipeline": team.url(f"pipelines/{pipeline.pk}/runs/"),
    }[which]


def test_each_run_in_the_list_names_its_pipeline(team: Team) -> None:
    # The older pipeline is far from the first page of pipelines: its runs still carry its name.
    older = PipelineFactory(workspace=team.workspace, name="Churn, first try")
    for n in range(60):
        PipelineFactory(workspace=team.workspace, name=f"later {n}")
    newer = PipelineFactory(workspace=team.workspace, name="Churn, tuned")
    make_runs(team, older, 2)
    make_runs(team, newer, 1)

    body = team.client("viewer").get(team.url("runs/")).json()

    assert body["count"] == 3
    assert [(r["pipeline"], r["pipeline_name"]) for r in body["results"]] == [
        (newer.pk, "Churn, tuned"),
        (older.pk, "Churn, first try"),
        (older.pk, "Churn, first try"),
    ]


def test_the_name_is_the_pipelines_current_one(team: Team) -> None:
    pipeline = PipelineFactory(workspace=team.workspace, name="Draft name")
    [run] = make_runs(team, pipeline, 1)
    Pipeline.objects.filter(pk=pipeline.pk).update(name="Final name")
    client = team.client("viewer")

    listed = client.get(team.url(f"pipelines/{pipeline.pk}/runs/")).json()["results"]
    detail = client.get(team.url(f"runs/{run.pk}/")).json()

    assert [r["pipeline_name"] for r in listed] == ["Final name"]
    assert detail["pipeline_name"] == "Final name"
    assert "steps" in detail and "steps" not in listed[0]


@pytest.mark.parametrize("which", ["workspace", "filtered", "pipeline"])
def test_a_page_of_runs_costs_the_same_queries_however_many_runs(team: Team, which: str) -> None:
    pipeline = PipelineFactory(workspace=team.workspace)
    make_runs(team, pipeline, 1)
    client = team.client("viewer")
    url = list_url(team, pipeline, which)
    client.get(url)  # the token lookup and any first-use caches, out of the count

    one, queries_for_one = get_counting(client, url)
    for n in range(4):
        # More pipelines and versions: each would cost a query per run if fetched lazily.
        other = PipelineFactory(workspace=team.workspace, name=f"other {n}")
        make_runs(team, other, 2)
        make_runs(team, pipeline, 2)
    many, queries_for_many = get_counting(client, url)

    assert len(one["results"]) == 1
    assert len(many["results"]) == (17 if which == "workspace" else 9)
    assert all(r["pipeline_name"] and r["created_by"] == "editor" for r in many["results"])
    assert queries_for_many == queries_for_one


def test_filter_by_a_pipeline_of_another_workspace_is_404(team: Team) -> None:
    elsewhere = PipelineFactory(workspace=WorkspaceFactory())
    response = team.client("viewer").get(team.url(f"runs/?pipeline={elsewhere.pk}"))
    assert response.status_code == 404


@pytest.mark.parametrize("value", ["abc", "0", "-3"])
def test_filter_by_a_malformed_pipeline_id_is_400(team: Team, value: str) -> None:
    response = team.client("viewer").get(team.url(f"runs/?pipeline={value}"))
    assert response.status_code == 400
    assert response.json()["field"] == "pipeline"
