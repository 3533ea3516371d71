"""The model registry API and predict, on small real models registered directly
(tests/engine/test_serving.py does it with a pipeline run)."""

from __future__ import annotations

from typing import Any

import pytest
from sklearn.neighbors import KNeighborsClassifier

from backend.pipelines.models import ModelVersion, StageTransition
from backend.pipelines.registry.serving import cache
from backend.pipelines.registry.serving.rows import MAX_ROWS
from tests.api.registry.helpers import ROW, in_process, predict
from tests.conftest import Team
from tests.model_factories import DEMO_ROWS, demo_model, register

pytestmark = pytest.mark.django_db


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
