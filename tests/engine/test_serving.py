"""Serving a model published by a real run of the Iris pipeline on a real worker:
ingest.sample -> feature.split -> feature.scale -> train.sklearn -> evaluate -> publish.model."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import pandas as pd
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from backend.blocks.ingest import load_sample
from backend.engine.artifacts import default_store
from backend.engine.modelio import load_model
from backend.pipelines.models import Artifact, Dataset, ModelVersion, Run
from backend.pipelines.registry import monitoring
from tests.conftest import Team
from tests.engine.conftest import wait_for_run
from tests.factories import MembershipFactory, WorkspaceFactory
from tests.graphs import iris_publish_graph
from tests.workers import RunningWorker

pytestmark = [pytest.mark.worker, pytest.mark.usefixtures("transactional_db")]

FEATURES = ["sepal length (cm)", "sepal width (cm)", "petal length (cm)", "petal width (cm)"]


IRIS_PIPELINE = iris_publish_graph(n_estimators=20)


@pytest.fixture(autouse=True)
def fresh_recorder() -> Iterator[None]:
    monitoring.recorder.discard()
    yield
    monitoring.recorder.discard()


def publish_iris(team: Team, **body: Any) -> ModelVersion:
    """Run the Iris pipeline (created on first use) and return the version it published."""
    client = team.client("editor")
    pipeline = client.get(team.url("pipelines/")).json()["results"]
    if pipeline:
        pipeline_id = pipeline[0]["id"]
    else:
        created = client.post(
            team.url("pipelines/"), {"name": "iris", "graph": IRIS_PIPELINE}, format="json"
        )
        assert created.status_code == 201, created.json()
        pipeline_id = created.json()["id"]
    started = client.post(team.url(f"pipelines/{pipeline_id}/runs/"), body, format="json")
    assert started.status_code == 201, started.json()
    run = wait_for_run(Run.objects.get(pk=started.json()["id"]))
    assert run.status == "succeeded", (run.error, list(run.steps.values("node_id", "status")))
    return ModelVersion.objects.get(run=run)


def iris_rows() -> pd.DataFrame:
    return load_sample("iris")[FEATURES]


def in_process(version: ModelVersion, rows: pd.DataFrame) -> list[Any]:
    with default_store().open(version.artifact.digest) as handle:
        model = load_model(handle.read())
    return model.predict(rows).tolist()


def predict(client: APIClient, team: Team, body: Any) -> Any:
    return client.post(team.url("models/iris/predict/"), body, format="json")


def key_client(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    return client


def test_published_model_predicts_through_the_endpoint_as_in_process(
    team: Team, engine_worker: RunningWorker
) -> None:
    version = publish_iris(team)
    rows = iris_rows()
    key = team.client("editor").post(team.url("api-keys/"), {"name": "app", "model": "iris"})

    by_user = predict(team.client("viewer"), team, {"instances": rows.to_dict("records")})
    by_key = predict(
        key_client(key.json()["key"]),
        team,
        {"columns": FEATURES, "data": rows.to_numpy().tolist(), "probabilities": True},
    )

    expected = in_process(version, rows)
    assert by_user.status_code == 200, by_user.json()
    assert by_user.json() == {"predictions": expected, "model_version": 1}
    assert by_key.status_code == 200, by_key.json()
    assert by_key.json()["predictions"] == expected
    assert set(by_key.json()["probabilities"][0]) == {"0", "1", "2"}
    detail = team.client("viewer").get(team.url("models/iris/versions/1/")).json()
    assert [column["name"] for column in detail["signature"]] == FEATURES
    assert detail["metrics"]["accuracy"] > 0.8
    assert detail["lineage"]["run"] == version.run_id
    assert [b["block"] for b in detail["lineage"]["blocks"]][:4] == [
        "ingest.sample",
        "feature.split",
        "feature.scale",
        "train.sklearn",
    ]


def test_bad_input_is_refused_naming_row_and_column(
    team: Team, engine_worker: RunningWorker
) -> None:
    publish_iris(team)
    good = iris_rows().iloc[0].to_dict()
    missing = {k: v for k, v in good.items() if k != "petal width (cm)"}
    cases = [
        ({"instances": [good, missing]}, 1, "petal width (cm)"),
        ({"instances": [{**good, "sepal length (cm)": "long"}]}, 0, "sepal length (cm)"),
        ({"instances": [good, good, {**good, "colour": "blue"}]}, 2, "colour"),
        ({"columns": FEATURES, "data": [list(good.values()), [1, 2, "x", 4]]}, 1, FEATURES[2]),
    ]
    client = team.client("viewer")
    for body, row, column in cases:
        response = predict(client, team, body)
        assert response.status_code == 400, body
        assert (response.json()["row"], response.json()["column"]) == (row, column)
        assert f"row {row}" in response.json()["message"]
        assert f"'{column}'" in response.json()["message"]

    empty = predict(client, team, {"instances": []})
    malformed = client.post(
        team.url("models/iris/predict/"), b'{"instances": [', content_type="application/json"
    )
    assert empty.status_code == 400 and empty.json()["field"] == "instances"
    assert malformed.status_code == 400 and malformed.json()["code"] == "parse_error"
    assert "line 1, column" in malformed.json()["message"]


def test_revoked_and_foreign_keys_are_refused(team: Team, engine_worker: RunningWorker) -> None:
    publish_iris(team)
    editor = team.client("editor")
    created = editor.post(team.url("api-keys/"), {"name": "app"}).json()
    other = WorkspaceFactory()
    MembershipFactory(workspace=other, user=team.editor, role="editor")
    foreign = editor.post(f"/api/v1/workspaces/{other.slug}/api-keys/", {"name": "x"}).json()
    body = {"instances": [iris_rows().iloc[0].to_dict()]}

    assert predict(key_client(created["key"]), team, body).status_code == 200
    assert editor.delete(team.url(f"api-keys/{created['id']}/")).status_code == 204
    revoked = predict(key_client(created["key"]), team, body)
    elsewhere = predict(key_client(foreign["key"]), team, body)

    assert revoked.status_code == 401 and "revoked" in revoked.json()["message"]
    assert elsewhere.status_code == 403 and "another workspace" in elsewhere.json()["message"]


def test_a_stage_change_is_honoured_by_the_next_request(
    team: Team, engine_worker: RunningWorker
) -> None:
    publish_iris(team)
    publish_iris(team, use_cache=False)
    client, editor = team.client("viewer"), team.client("editor")
    body = {"instances": [iris_rows().iloc[0].to_dict()]}

    assert predict(client, team, body).json()["model_version"] == 2  # none in production
    editor.patch(team.url("models/iris/versions/1/"), {"stage": "production"})
    assert predict(client, team, body).json()["model_version"] == 1
    editor.patch(team.url("models/iris/versions/2/"), {"stage": "production"})
    assert predict(client, team, body).json()["model_version"] == 2
    assert predict(client, team, {**body, "version": 1}).json()["model_version"] == 1
    stages = dict(ModelVersion.objects.values_list("version", "stage"))
    assert stages == {1: "archived", 2: "production"}


def test_batch_scoring_equals_row_by_row_predict(team: Team, engine_worker: RunningWorker) -> None:
    publish_iris(team)
    editor = team.client("editor")
    csv = load_sample("iris").to_csv(index=False).encode()
    upload = editor.post(
        team.url("datasets/"),
        {"file": SimpleUploadedFile("iris.csv", csv, content_type="text/csv")},
        format="multipart",
    )

    scored = editor.post(
        team.url("models/iris/versions/1/score/"), {"dataset": upload.json()["id"]}
    )

    assert scored.status_code == 201, scored.json()
    with default_store().open(Dataset.objects.get(pk=scored.json()["id"]).storage_key) as handle:
        out = pd.read_parquet(handle)
    one_by_one = [
        predict(editor, team, {"instances": [row]}).json()["predictions"][0]
        for row in iris_rows().to_dict("records")
    ]
    assert out["prediction"].tolist() == one_by_one
    assert out["target"].tolist() == load_sample("iris")["target"].tolist()
    assert scored.json()["row_count"] == 150


def training_rows(version: ModelVersion) -> pd.DataFrame:
    """The raw rows the model was fitted on: the split step's train output."""
    artifact = Artifact.objects.get(step__run=version.run, step__node_id="split", port="train")
    with default_store().open(artifact.digest) as handle:
        return pd.read_parquet(io.BytesIO(handle.read()))[FEATURES]


def test_drift_is_flagged_for_shifted_inputs_not_for_training_rows(
    team: Team, engine_worker: RunningWorker
) -> None:
    version = publish_iris(team)
    client = team.client("viewer")
    rows = training_rows(version).to_dict("records")
    for start in range(0, len(rows), 25):
        predict(client, team, {"instances": rows[start : start + 25]})

    calm = client.get(team.url("models/iris/versions/1/drift/")).json()

    shifted = [{name: value + 3.0 for name, value in row.items()} for row in rows]
    for start in range(0, len(shifted), 25):
        predict(client, team, {"instances": shifted[start : start + 25] * 2})
    drifted = client.get(team.url("models/iris/versions/1/drift/")).json()

    assert calm["inputs"] == len(rows) and calm["training_rows"] == len(rows)
    assert calm["drift"] is False and max(f["psi"] for f in calm["features"]) < 0.01
    assert drifted["drift"] is True
    assert {f["name"] for f in drifted["features"] if f["drift"]} == set(FEATURES)
    assert ModelVersion.objects.get(pk=version.pk).training_stats["rows"] == len(rows)
    watched = client.get(team.url("models/iris/versions/1/monitoring/")).json()
    requests = 2 * -(-len(rows) // 25)
    assert (watched["requests"], watched["errors"]) == (requests, 0)
    assert watched["predicted_rows"] == 3 * len(rows)
