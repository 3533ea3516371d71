"""Batch scoring, monitoring and drift of registered models, and the serving threads."""

from __future__ import annotations

import threading
from typing import Any

import pandas as pd
import pytest
from asgiref.sync import async_to_sync
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import AsyncClient

from backend.engine.artifacts import default_store
from backend.pipelines.models import Dataset, ModelVersion, PredictionLog
from backend.pipelines.registry import api as registry_api
from backend.pipelines.registry import monitoring
from backend.pipelines.registry.api import serving_threads_close
from tests.api.registry.helpers import ROW, create_key, in_process, predict
from tests.conftest import Team
from tests.model_factories import DEMO_ROWS, register

pytestmark = pytest.mark.django_db


def upload(team: Team, frame: pd.DataFrame, filename: str = "rows.csv") -> int:
    data = frame.to_csv(index=False).encode()
    response = team.client("editor").post(
        team.url("datasets/"),
        {"file": SimpleUploadedFile(filename, data, content_type="text/csv")},
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    return response.json()["id"]


def scored_frame(dataset_id: int) -> pd.DataFrame:
    with default_store().open(Dataset.objects.get(pk=dataset_id).storage_key) as handle:
        return pd.read_parquet(handle)


def test_scoring_a_dataset_equals_predicting_its_rows(team: Team, demo: ModelVersion) -> None:
    dataset = upload(team, DEMO_ROWS)
    client = team.client("editor")

    response = client.post(
        team.url("models/demo/versions/1/score/"), {"dataset": dataset, "probabilities": True}
    )
    again = client.post(
        team.url("models/demo/versions/1/score/"), {"dataset": dataset, "probabilities": True}
    )

    assert response.status_code == 201, response.json()
    assert again.status_code == 200 and again.json()["id"] == response.json()["id"]
    out = scored_frame(response.json()["id"])
    assert list(out.columns) == [
        *DEMO_ROWS.columns,
        "prediction",
        "prediction_no",
        "prediction_yes",
    ]
    assert out["prediction"].tolist() == in_process(DEMO_ROWS.drop(columns="label"))
    assert response.json()["name"] == "rows scored by demo v1"


def test_scoring_names_a_missing_column(team: Team, demo: ModelVersion) -> None:
    dataset = upload(team, DEMO_ROWS.drop(columns="flag"))
    response = team.client("editor").post(
        team.url("models/demo/versions/1/score/"), {"dataset": dataset}
    )
    assert response.status_code == 400 and response.json()["column"] == "flag"


def test_scoring_names_the_first_bad_row(team: Team, demo: ModelVersion) -> None:
    rows = DEMO_ROWS.astype({"x": object})
    rows.loc[3, "x"] = "lots"
    dataset = upload(team, rows)
    response = team.client("editor").post(
        team.url("models/demo/versions/1/score/"), {"dataset": dataset}
    )
    assert response.status_code == 400
    assert (response.json()["row"], response.json()["column"]) == (3, "x")


def test_scoring_refuses_to_overwrite_a_column(team: Team, demo: ModelVersion) -> None:
    dataset = upload(team, DEMO_ROWS)
    response = team.client("editor").post(
        team.url("models/demo/versions/1/score/"), {"dataset": dataset, "column": "label"}
    )
    assert response.status_code == 400 and response.json()["field"] == "column"


# --- monitoring and drift -------------------------------------------------------------------


def test_monitoring_counts_requests_errors_and_latency(team: Team, demo: ModelVersion) -> None:
    client = team.client("viewer")
    for _ in range(3):
        predict(client, team, {"instances": [ROW, ROW]})
    predict(client, team, {"instances": [{**ROW, "x": "bad"}]})

    body = client.get(team.url("models/demo/versions/1/monitoring/")).json()

    assert (body["requests"], body["errors"], body["predicted_rows"]) == (4, 1, 6)
    assert body["latency_ms"]["window"] == 4
    assert 0 < body["latency_ms"]["p50"] <= body["latency_ms"]["p95"]
    assert body["recent_errors"][0]["error_code"] == "invalid_row"
    assert body["sample"][0] == ROW


def test_prediction_logs_are_capped_per_version(
    team: Team, demo: ModelVersion, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(monitoring, "KEEP_LOGS", 5)
    client = team.client("viewer")
    for _ in range(12):
        predict(client, team, {"instances": [ROW]})
    monitoring.recorder.flush()

    assert PredictionLog.objects.filter(model_version=demo).count() == 5
    assert ModelVersion.objects.get(pk=demo.pk).request_count == 12


def test_drift_is_flagged_for_shifted_inputs_only(team: Team, demo: ModelVersion) -> None:
    client = team.client("viewer")
    rows = DEMO_ROWS.drop(columns="label").to_dict(orient="records")
    predict(client, team, {"instances": rows * 5})
    calm = client.get(team.url("models/demo/versions/1/drift/")).json()

    shifted = [{**row, "x": row["x"] + 5, "color": "blue"} for row in rows]
    for _ in range(4):  # 40 rows a request: all of them kept in the sample
        predict(client, team, {"instances": shifted * 5})
    drifted = client.get(team.url("models/demo/versions/1/drift/")).json()

    assert calm["drift"] is False
    assert all(f["psi"] < 0.1 for f in calm["features"])
    assert drifted["drift"] is True
    flagged = {f["name"] for f in drifted["features"] if f["drift"]}
    assert flagged == {"x", "color"}
    color = next(f for f in drifted["features"] if f["name"] == "color")
    assert {b["bin"] for b in color["bins"]} == {"red", "blue"}


def test_drift_without_training_rows_is_409(team: Team) -> None:
    register(team.workspace, training_rows=None)
    response = team.client("viewer").get(team.url("models/demo/versions/1/drift/"))
    assert response.status_code == 409 and response.json()["code"] == "no_training_data"


def test_schema_lists_the_model_endpoints(client: Any) -> None:
    paths = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()["paths"]
    for path in (
        "/api/v1/workspaces/{slug}/models/",
        "/api/v1/workspaces/{slug}/models/{name}/predict/",
        "/api/v1/workspaces/{slug}/models/{name}/versions/{version}/drift/",
        "/api/v1/workspaces/{slug}/api-keys/",
    ):
        assert path in paths


@pytest.mark.django_db(transaction=True)
def test_under_asgi_predict_runs_on_the_serving_threads(
    team: Team, monkeypatch: pytest.MonkeyPatch
) -> None:
    threads: list[str] = []
    real = registry_api._on_serving_thread

    def spy(call: Any) -> Any:
        return real(lambda: threads.append(threading.current_thread().name) or call())

    monkeypatch.setattr(registry_api, "_on_serving_thread", spy)
    register(team.workspace)
    key = create_key(team)["key"]
    client = AsyncClient()
    body = {"instances": DEMO_ROWS.drop(columns="label").to_dict(orient="records")}

    async def call() -> Any:
        return await client.post(
            team.url("models/demo/predict/"),
            body,
            content_type="application/json",
            headers={"Authorization": f"Api-Key {key}"},
        )

    try:
        response = async_to_sync(call)()
    finally:
        serving_threads_close()
    assert response.status_code == 200, response.json()
    assert response.json()["predictions"] == in_process(DEMO_ROWS.drop(columns="label"))
    assert len(threads) == 1 and threads[0].startswith("predict")


# --- admin ----------------------------------------------------------------------------------
