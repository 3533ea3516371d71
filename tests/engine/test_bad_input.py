"""Bad input to a run: refused before anything runs when it can be known, else a clear failure."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from backend.pipelines.models import PipelineVersion, Run
from tests.conftest import Team
from tests.engine.conftest import wait_for_run
from tests.factories import PipelineFactory
from tests.graphs import edge, node
from tests.workers import RunningWorker

pytestmark = [pytest.mark.worker, pytest.mark.usefixtures("transactional_db")]

CSV_WITH_NAN = (
    b"x1,x2,label\n1.0,2.0,a\n2.0,,b\n3.0,1.0,a\n4.0,0.5,b\n5.0,2.5,a\n6.0,3.0,b\n7.0,1.5,a\n"
    b"8.0,2.2,b\n"
)
CSV_ONE_CLASS = b"x1,x2,label\n1,2,a\n2,3,a\n3,1,a\n4,0,a\n5,5,a\n6,1,a\n"


def upload(team: Team, content: bytes, name: str = "data.csv") -> int:
    response = team.client("editor").post(
        team.url("datasets/"), {"file": SimpleUploadedFile(name, content)}, format="multipart"
    )
    assert response.status_code == 201, response.json()
    return int(response.json()["id"])


def training_graph(dataset: int, **train: Any) -> dict[str, Any]:
    return {
        "nodes": [
            node("data", "ingest.dataset", dataset=dataset, target="label"),
            node("split", "feature.split", test_size=0.25, stratify=False),
            node("train", "train.sklearn", **{"algorithm": "logistic_regression", **train}),
        ],
        "edges": [edge("data", "split"), edge("split", "train", "train", "train")],
    }


def start(team: Team, graph: dict[str, Any]) -> Any:
    pipeline = PipelineFactory(workspace=team.workspace, graph=graph)
    return team.client("editor").post(team.url(f"pipelines/{pipeline.pk}/runs/"), {})


def test_unknown_column_in_config_is_refused_before_running(team: Team) -> None:
    dataset = upload(team, CSV_WITH_NAN)
    graph = training_graph(dataset)
    graph["nodes"].insert(1, node("pick", "feature.select_columns", columns=["nope"]))
    graph["edges"] = [
        edge("data", "split"),
        edge("split", "pick", "train", "train"),
        edge("split", "pick", "test", "test"),
        edge("pick", "train", "train", "train"),
    ]

    response = start(team, graph)

    assert response.status_code == 400
    problem = next(e for e in response.json()["errors"] if e.get("column") == "nope")
    assert problem["node"] == "pick"
    assert not Run.objects.exists()
    # The draft's snapshot is rolled back with the refused run: no version is left behind.
    assert not PipelineVersion.objects.exists()


def test_deleted_dataset_is_refused_before_running(team: Team) -> None:
    dataset = upload(team, CSV_WITH_NAN)
    assert team.client("editor").delete(team.url(f"datasets/{dataset}/")).status_code == 204

    response = start(team, training_graph(dataset))

    assert response.status_code == 400
    problem = response.json()["errors"][0]
    assert problem["node"] == "data" and problem["field"] == "dataset"
    assert "does not exist" in problem["message"]


def test_nan_reaching_a_model_fails_naming_the_column_and_the_fix(
    team: Team, engine_worker: RunningWorker
) -> None:
    response = start(team, training_graph(upload(team, CSV_WITH_NAN)))
    run = wait_for_run(Run.objects.get(pk=response.json()["id"]))

    assert run.status == "failed"
    step = run.steps.get(node_id="train")
    assert step.status == "failed" and step.attempt == 1
    assert "x2" in step.error_message and "feature.impute" in step.error_message


def test_target_with_one_class_fails_naming_the_target(
    team: Team, engine_worker: RunningWorker
) -> None:
    response = start(team, training_graph(upload(team, CSV_ONE_CLASS, "one.csv")))
    run = wait_for_run(Run.objects.get(pk=response.json()["id"]))

    assert run.status == "failed"
    message = run.steps.get(node_id="train").error_message
    assert "label" in message and "class" in message
