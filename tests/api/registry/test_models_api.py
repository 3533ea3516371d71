"""The model registry API, predict, API keys, batch scoring, monitoring and drift, on small
real models registered directly (tests/engine/test_serving.py does it with a pipeline run)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from typing import Any

import pandas as pd
import pytest
from asgiref.sync import async_to_sync
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import AsyncClient, Client
from django.urls import reverse
from rest_framework.test import APIClient
from sklearn.neighbors import KNeighborsClassifier

from backend.engine.artifacts import default_store
from backend.pipelines.models import ApiKey, Dataset, ModelVersion, PredictionLog, StageTransition
from backend.pipelines.registry import api as registry_api
from backend.pipelines.registry import monitoring
from backend.pipelines.registry.api import serving_threads_close
from backend.pipelines.registry.serving import cache
from backend.pipelines.registry.serving.rows import MAX_ROWS
from tests.conftest import Team
from tests.factories import MembershipFactory, UserFactory, WorkspaceFactory
from tests.model_factories import DEMO_ROWS, demo_model, register

pytestmark = pytest.mark.django_db

ROW = {"x": 0.9, "n": 5, "color": "red", "flag": True}


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: Any) -> None:
    """The team's users are made for every test; real PBKDF2 is for tests/api/test_auth.py."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def fresh_recorder() -> Iterator[None]:
    """Each test starts with an empty prediction buffer."""
    monitoring.recorder.discard()
    yield
    monitoring.recorder.discard()


@pytest.fixture
def demo(team: Team) -> ModelVersion:
    """Version 1 of model 'demo' in the team's workspace."""
    return register(team.workspace)


def predict(client: APIClient, team: Team, body: Any, name: str = "demo") -> Any:
    return client.post(team.url(f"models/{name}/predict/"), body, format="json")


def in_process(rows: pd.DataFrame) -> list[str]:
    return [str(v) for v in demo_model().predict(rows)]


# --- registry -------------------------------------------------------------------------------


def test_model_list_shows_counts_latest_and_production(team: Team) -> None:
    register(team.workspace, version=1, stage="production")
    register(team.workspace, version=2)
    register(team.workspace, name="other", version=1)

    body = team.client("viewer").get(team.url("models/")).json()

    rows = {row["name"]: row for row in body["results"]}
    assert rows["demo"]["versions"] == 2
    assert rows["demo"]["latest_version"] == 2
    assert rows["demo"]["production_version"] == 1
    assert rows["other"]["production_version"] is None


def test_versions_show_metrics_signature_lineage_and_stage(team: Team, demo: ModelVersion) -> None:
    register(team.workspace, version=2)
    client = team.client("viewer")

    listed = client.get(team.url("models/demo/versions/")).json()["results"]
    detail = client.get(team.url("models/demo/versions/1/")).json()

    assert [v["version"] for v in listed] == [2, 1]
    assert detail["metrics"] == {"accuracy": 1.0}
    assert [c["name"] for c in detail["signature"]] == ["x", "n", "color", "flag"]
    assert detail["stage"] == "none" and detail["transitions"] == []


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("models/nope/versions/", "model"),
        ("models/nope/versions/1/", "model"),
        ("models/demo/versions/9/", "version"),
    ],
)
def test_unknown_model_or_version_is_404(
    team: Team, demo: ModelVersion, path: str, field: str
) -> None:
    response = team.client("viewer").get(team.url(path))
    assert response.status_code == 404
    assert response.json()["field"] == field


def test_promoting_archives_the_previous_production_version_and_records_who(
    team: Team,
) -> None:
    register(team.workspace, version=1)
    register(team.workspace, version=2)
    client = team.client("editor")

    first = client.patch(team.url("models/demo/versions/1/"), {"stage": "production"})
    second = client.patch(team.url("models/demo/versions/2/"), {"stage": "production"})

    assert first.status_code == second.status_code == 200
    assert second.json()["stage"] == "production"
    assert second.json()["stage_changed_by"] == "editor"
    stages = dict(ModelVersion.objects.values_list("version", "stage"))
    assert stages == {1: "archived", 2: "production"}
    history = client.get(team.url("models/demo/versions/1/")).json()["transitions"]
    assert [(t["from_stage"], t["to_stage"]) for t in history] == [
        ("production", "archived"),
        ("none", "production"),
    ]
    assert history[0]["reason"] == "version 2 went to production"
    assert {t["changed_by"] for t in history} == {"editor"}


def test_moving_to_the_same_stage_records_nothing(team: Team, demo: ModelVersion) -> None:
    client = team.client("editor")
    client.patch(team.url("models/demo/versions/1/"), {"stage": "staging"})
    client.patch(team.url("models/demo/versions/1/"), {"stage": "staging"})
    assert StageTransition.objects.count() == 1


def test_unknown_stage_is_400(team: Team, demo: ModelVersion) -> None:
    response = team.client("editor").patch(team.url("models/demo/versions/1/"), {"stage": "live"})
    assert response.status_code == 400 and response.json()["field"] == "stage"


# --- predict --------------------------------------------------------------------------------


def test_predict_instances_and_columns_match_in_process(team: Team, demo: ModelVersion) -> None:
    rows = DEMO_ROWS.drop(columns="label")
    instances = rows.to_dict(orient="records")
    table = {"columns": list(rows.columns), "data": rows.to_numpy().tolist()}
    client = team.client("viewer")

    by_instances = predict(client, team, {"instances": instances}).json()
    by_columns = predict(client, team, table).json()

    assert by_instances["predictions"] == in_process(rows) == by_columns["predictions"]
    assert by_instances["model_version"] == 1
    assert "probabilities" not in by_instances


def test_predict_probabilities_per_class(team: Team, demo: ModelVersion) -> None:
    body = predict(team.client("viewer"), team, {"instances": [ROW], "probabilities": True})
    probabilities = body.json()["probabilities"]
    assert set(probabilities[0]) == {"no", "yes"}
    assert sum(probabilities[0].values()) == pytest.approx(1.0)


def test_ints_are_fine_for_floats_and_whole_floats_for_ints(team: Team, demo: ModelVersion) -> None:
    response = predict(team.client("viewer"), team, {"instances": [{**ROW, "x": 1, "n": 5.0}]})
    assert response.status_code == 200, response.json()


BAD_ROWS = [
    ("missing column", {"instances": [ROW, {"x": 0.1, "n": 1, "color": "red"}]}, 1, "flag"),
    ("unknown column", {"instances": [{**ROW, "colour": "red"}]}, 0, "colour"),
    ("text for a number", {"instances": [ROW, ROW, {**ROW, "x": "abc"}]}, 2, "x"),
    ("true for a number", {"instances": [{**ROW, "x": True}]}, 0, "x"),
    ("fraction for a whole number", {"instances": [{**ROW, "n": 2.5}]}, 0, "n"),
    ("number for text", {"instances": [{**ROW, "color": 3}]}, 0, "color"),
    ("text for a boolean", {"instances": [{**ROW, "flag": "yes"}]}, 0, "flag"),
    ("list for a number", {"instances": [{**ROW, "x": [1]}]}, 0, "x"),
    ("row not an object", {"instances": [ROW, [1, 2]]}, 1, None),
    (
        "wrong type in data",
        {"columns": ["x", "n", "color", "flag"], "data": [[0.1, 1, "red", True], [0.1, "2"]]},
        1,
        None,
    ),
    (
        "text in data",
        {"columns": ["x", "n", "color", "flag"], "data": [[0.1, 1, "red", "no"]]},
        0,
        "flag",
    ),
    (
        "unknown column in columns",
        {"columns": ["x", "n", "color", "flag", "z"], "data": [[0.1, 1, "red", True, 1]]},
        0,
        "z",
    ),
    (
        "missing from columns",
        {"columns": ["x", "n", "color"], "data": [[0.1, 1, "red"]]},
        0,
        "flag",
    ),
]


@pytest.mark.parametrize(("case", "body", "row", "column"), BAD_ROWS, ids=[c[0] for c in BAD_ROWS])
def test_bad_rows_are_400_naming_row_and_column(
    team: Team, demo: ModelVersion, case: str, body: dict, row: int, column: str | None
) -> None:
    response = predict(team.client("viewer"), team, body)
    assert response.status_code == 400, response.json()
    error = response.json()
    assert error["row"] == row and f"row {row}" in error["message"]
    if column is not None:
        assert error["column"] == column and f"'{column}'" in error["message"]


def test_every_bad_row_is_listed(team: Team, demo: ModelVersion) -> None:
    body = {"instances": [{**ROW, "x": "a"}, ROW, {**ROW, "n": "b"}]}
    error = predict(team.client("viewer"), team, body).json()
    assert [(e["row"], e["column"]) for e in error["errors"]] == [(0, "x"), (2, "n")]


BAD_BODIES = [
    ("empty instances", {"instances": []}, "instances"),
    ("instances not a list", {"instances": {"x": 1}}, "instances"),
    ("neither shape", {"rows": [ROW]}, "rows"),
    ("both shapes", {"instances": [ROW], "columns": ["x"], "data": [[1]]}, "instances"),
    ("nothing", {}, "instances"),
    ("version and stage", {"instances": [ROW], "version": 1, "stage": "staging"}, "stage"),
    ("version not a number", {"instances": [ROW], "version": "1"}, "version"),
    ("unknown stage", {"instances": [ROW], "stage": "archived"}, "stage"),
    ("probabilities not boolean", {"instances": [ROW], "probabilities": "yes"}, "probabilities"),
    ("columns twice", {"columns": ["x", "x"], "data": [[1, 1]]}, "columns"),
]


@pytest.mark.parametrize(("case", "body", "field"), BAD_BODIES, ids=[c[0] for c in BAD_BODIES])
def test_bad_bodies_are_400_naming_the_field(
    team: Team, demo: ModelVersion, case: str, body: dict, field: str
) -> None:
    response = predict(team.client("viewer"), team, body)
    assert response.status_code == 400, response.json()
    assert response.json()["field"] == field


@pytest.mark.parametrize(
    ("raw", "where"),
    [(b'{"instances": [{"x": 1,}]}', "line 1"), (b'{"instances":\n [NaN]}', "NaN")],
    ids=["trailing comma", "NaN"],
)
def test_malformed_json_is_400_saying_where(
    team: Team, demo: ModelVersion, raw: bytes, where: str
) -> None:
    response = team.client("viewer").post(
        team.url("models/demo/predict/"), raw, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error" and where in response.json()["message"]


def test_too_many_rows_is_413(team: Team, demo: ModelVersion) -> None:
    response = predict(team.client("viewer"), team, {"instances": [ROW] * (MAX_ROWS + 1)})
    assert response.status_code == 413 and response.json()["field"] == "instances"


def test_null_goes_to_a_model_that_handles_missing_values(team: Team, demo: ModelVersion) -> None:
    response = predict(team.client("viewer"), team, {"instances": [{**ROW, "x": None}]})
    assert response.status_code == 200, response.json()


def test_null_for_a_model_that_cannot_fill_it_names_row_and_column(team: Team) -> None:
    register(team.workspace, demo_model(estimator=KNeighborsClassifier(n_neighbors=1)))
    response = predict(team.client("viewer"), team, {"instances": [ROW, {**ROW, "x": None}]})
    assert response.status_code == 400
    assert (response.json()["row"], response.json()["column"]) == (1, "x")


def test_version_choice_default_production_else_latest(team: Team) -> None:
    register(team.workspace, version=1)
    register(team.workspace, version=2, stage="staging")
    register(team.workspace, version=3)
    client = team.client("viewer")

    def served(**choice: Any) -> Any:
        response = predict(client, team, {"instances": [ROW], **choice})
        return response.json().get("model_version", response.status_code)

    assert served() == 3
    assert served(version=1) == 1 and served(stage="staging") == 2
    assert served(stage="production") == 404
    assert served(version=7) == 404
    ModelVersion.objects.filter(version=1).update(stage="production")
    assert served() == 1


def test_unknown_model_is_404(team: Team) -> None:
    response = predict(team.client("viewer"), team, {"instances": [ROW]}, name="nope")
    assert response.status_code == 404 and response.json()["field"] == "model"


def test_a_model_is_loaded_once(team: Team, demo: ModelVersion) -> None:
    cache.models.clear()
    client = team.client("viewer")
    before = cache.models.loads
    for _ in range(3):
        assert predict(client, team, {"instances": [ROW]}).status_code == 200
    assert cache.models.loads == before + 1
    assert demo.artifact.digest in cache.models


# --- API keys -------------------------------------------------------------------------------


def key_client(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    return client


def create_key(team: Team, **body: Any) -> dict[str, Any]:
    response = team.client("editor").post(team.url("api-keys/"), {"name": "app", **body})
    assert response.status_code == 201, response.json()
    return response.json()


def test_key_is_shown_once_and_listed_without_secret(team: Team) -> None:
    created = create_key(team, model="demo")

    listed = team.client("viewer").get(team.url("api-keys/")).json()["results"]

    assert created["key"].startswith(created["prefix"] + "_") and created["model"] == "demo"
    assert [k["prefix"] for k in listed] == [created["prefix"]]
    assert "key" not in listed[0] and "secret_hash" not in listed[0]
    stored = ApiKey.objects.get()
    assert created["key"] not in json.dumps(list(ApiKey.objects.values()), default=str)
    assert stored.secret_hash != created["key"]


def test_predict_with_a_key_needs_no_user(team: Team, demo: ModelVersion) -> None:
    key = create_key(team)["key"]
    response = predict(key_client(key), team, {"instances": [ROW]})
    assert response.status_code == 200, response.json()
    assert ApiKey.objects.get().last_used_at is not None


def test_revoked_key_is_refused(team: Team, demo: ModelVersion) -> None:
    created = create_key(team)
    deleted = team.client("editor").delete(team.url(f"api-keys/{created['id']}/"))

    response = predict(key_client(created["key"]), team, {"instances": [ROW]})

    assert deleted.status_code == 204
    assert response.status_code == 401
    assert "revoked" in response.json()["message"] and "Api-Key" in response["WWW-Authenticate"]
    listed = team.client("viewer").get(team.url(f"api-keys/{created['id']}/")).json()
    assert listed["active"] is False and listed["revoked_by"] == "editor"


def test_another_workspaces_key_is_refused(team: Team, demo: ModelVersion) -> None:
    other = WorkspaceFactory()
    MembershipFactory(workspace=other, user=team.editor, role="owner")
    response = team.client("editor").post(
        f"/api/v1/workspaces/{other.slug}/api-keys/", {"name": "x"}
    )
    key = response.json()["key"]

    refused = predict(key_client(key), team, {"instances": [ROW]})

    assert refused.status_code == 403
    assert "another workspace" in refused.json()["message"]


def test_key_for_one_model_is_refused_for_another(team: Team, demo: ModelVersion) -> None:
    register(team.workspace, name="other")
    key = create_key(team, model="other")["key"]
    assert predict(key_client(key), team, {"instances": [ROW]}, name="other").status_code == 200
    assert predict(key_client(key), team, {"instances": [ROW]}).status_code == 403


@pytest.mark.parametrize(
    "header", ["Api-Key nonsense", "Api-Key", "Api-Key trb_00000000_" + "a" * 43]
)
def test_unknown_or_malformed_key_is_401(team: Team, demo: ModelVersion, header: str) -> None:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    response = predict(client, team, {"instances": [ROW]})
    assert response.status_code == 401 and response.json()["message"]


def test_a_key_opens_predict_only(team: Team, demo: ModelVersion) -> None:
    key = create_key(team)["key"]
    response = key_client(key).get(team.url("models/"))
    assert response.status_code == 401


def test_bad_key_model_name_is_400(team: Team) -> None:
    response = team.client("editor").post(team.url("api-keys/"), {"name": "a", "model": "no way"})
    assert response.status_code == 400 and response.json()["field"] == "model"


# --- batch scoring --------------------------------------------------------------------------


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


@pytest.fixture
def admin_client(team: Team) -> Client:
    client = Client()
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    return client


def test_admin_shows_keys_by_prefix_never_the_hash(team: Team, admin_client: Client) -> None:
    create_key(team)
    key = ApiKey.objects.get()

    listing = admin_client.get(reverse("admin:pipelines_apikey_changelist"))
    page = admin_client.get(reverse("admin:pipelines_apikey_change", args=[key.pk]))

    assert listing.status_code == page.status_code == 200
    assert key.prefix.encode() in listing.content and key.prefix.encode() in page.content
    assert key.secret_hash.encode() not in listing.content + page.content


def test_admin_revokes_keys(team: Team, admin_client: Client) -> None:
    create_key(team)
    key = ApiKey.objects.get()
    response = admin_client.post(
        reverse("admin:pipelines_apikey_changelist"),
        {"action": "revoke", "_selected_action": [key.pk]},
    )
    assert response.status_code == 302
    assert ApiKey.objects.get().revoked_at is not None


def test_admin_stage_change_goes_through_the_registry(team: Team, admin_client: Client) -> None:
    register(team.workspace, version=1, stage="production")
    second = register(team.workspace, version=2)
    url = reverse("admin:pipelines_modelversion_change", args=[second.pk])

    response = admin_client.post(url, {"stage": "production", **EMPTY_INLINE})

    assert response.status_code == 302, response.content[:2000]
    assert dict(ModelVersion.objects.values_list("version", "stage")) == {
        1: "archived",
        2: "production",
    }
    assert StageTransition.objects.filter(changed_by__username="root").count() == 2


#: The management form of the (read-only) stage-history inline, as the admin page posts it.
EMPTY_INLINE = {
    "transitions-TOTAL_FORMS": "0",
    "transitions-INITIAL_FORMS": "0",
    "transitions-MIN_NUM_FORMS": "0",
    "transitions-MAX_NUM_FORMS": "1000",
}


def test_admin_pages_of_the_records_render(
    team: Team, demo: ModelVersion, admin_client: Client
) -> None:
    team.client("editor").patch(team.url("models/demo/versions/1/"), {"stage": "staging"})
    predict(team.client("viewer"), team, {"instances": [ROW]})
    monitoring.recorder.flush()
    for model in (StageTransition, PredictionLog, ModelVersion):
        meta = model._meta
        row = model.objects.first()
        for url in (
            reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"),
            reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[row.pk]),
        ):
            assert admin_client.get(url).status_code == 200, url
