"""evaluate.classification, evaluate.regression and publish.model."""

from __future__ import annotations

import json
import re
from typing import Any

import numpy as np
import pandas as pd
import pytest
from pydantic import ValidationError
from sklearn import metrics as skm
from sklearn.model_selection import train_test_split

from backend.blocks import get_block
from backend.blocks.base import BlockRunError
from backend.blocks.checks import FakeContext, FakeEnv, iris_table
from backend.blocks.evaluate import MAX_SCATTER_POINTS
from backend.blocks.ingest import load_sample
from backend.blocks.tables import schema_of
from backend.blocks.values import Table, TrainedModel

CLASSIFY = get_block("evaluate.classification")
REGRESS = get_block("evaluate.regression")
PUBLISH = get_block("publish.model")


def split(frame: pd.DataFrame, seed: int = 0) -> tuple[Table, Table]:
    fit, test = train_test_split(frame, test_size=0.4, random_state=seed)
    schema = schema_of(frame)
    return Table(fit, "target", schema), Table(test, "target", schema)


def fit(table: Table, key: str = "train.sklearn", **raw: Any) -> TrainedModel:
    block = get_block(key)
    return block().run(FakeContext(block.parse_config(raw)), train=table)["model"]


def evaluate(block: Any, model: TrainedModel, test: Table) -> tuple[dict, FakeContext]:
    ctx = FakeContext(block.parse_config({}))
    return block().run(ctx, model=model, test=test), ctx


def binary_frame(labels: tuple[Any, Any]) -> pd.DataFrame:
    frame = load_sample("iris").copy()
    frame = frame[frame.target > 0].reset_index(drop=True)
    frame["target"] = np.where(frame.target == 1, labels[0], labels[1])
    return frame


# --- evaluate.classification --------------------------------------------------------------------


@pytest.mark.parametrize("algorithm", ["random_forest", "logistic_regression", "knn"])
def test_multiclass_metrics_equal_scikit_learns(algorithm: str) -> None:
    fit_table, test = split(load_sample("iris"))
    model = fit(fit_table, algorithm=algorithm, n_estimators=5)

    outputs, ctx = evaluate(CLASSIFY, model, test)

    x, y = test.frame[model.features], test.frame.target
    pred, proba = model.estimator.predict(x), model.estimator.predict_proba(x)
    assert outputs["metrics"] == {
        "accuracy": skm.accuracy_score(y, pred),
        "precision": skm.precision_score(y, pred, average="macro", zero_division=0),
        "recall": skm.recall_score(y, pred, average="macro", zero_division=0),
        "f1": skm.f1_score(y, pred, average="macro", zero_division=0),
        "roc_auc": skm.roc_auc_score(y, proba, multi_class="ovr", average="macro"),
        "n_test": float(len(y)),
    }
    assert sorted(ctx.metrics) == sorted((k, v, None) for k, v in outputs["metrics"].items())


@pytest.mark.parametrize("labels", [(0, 1), ("no", "yes"), (False, True)], ids=str)
def test_binary_metrics_are_those_of_the_positive_class(labels: tuple) -> None:
    fit_table, test = split(binary_frame(labels), seed=1)
    model = fit(fit_table, algorithm="logistic_regression", C=0.05)

    outputs, _ = evaluate(CLASSIFY, model, test)

    x, y = test.frame[model.features], test.frame.target
    pred, proba = model.estimator.predict(x), model.estimator.predict_proba(x)[:, 1]
    positive = labels[1]
    metrics = outputs["metrics"]
    assert model.classes == list(labels)
    assert metrics["precision"] == skm.precision_score(y, pred, pos_label=positive)
    assert metrics["recall"] == skm.recall_score(y, pred, pos_label=positive)
    assert metrics["f1"] == skm.f1_score(y, pred, pos_label=positive)
    assert metrics["roc_auc"] == skm.roc_auc_score(y == positive, proba)
    assert metrics["f1"] != skm.f1_score(y, pred, average="macro")  # a real choice was made
    (series,) = outputs["roc_curve"]["series"]
    assert series["name"] == f"class {positive} (AUC {metrics['roc_auc']:.2f})"


def test_figures_are_json_with_the_right_shapes() -> None:
    fit_table, test = split(load_sample("iris"))
    model = fit(fit_table, algorithm="random_forest", n_estimators=5)

    outputs, _ = evaluate(CLASSIFY, model, test)

    confusion = json.loads(json.dumps(outputs["confusion_matrix"], allow_nan=False))
    assert confusion["type"] == "heatmap" and confusion["labels"] == [0, 1, 2]
    assert np.array(confusion["values"]).shape == (3, 3)
    assert np.array(confusion["values"]).sum() == len(test.frame)
    expected = skm.confusion_matrix(
        test.frame.target, model.estimator.predict(test.frame[model.features])
    )
    assert confusion["values"] == expected.tolist()
    roc = json.loads(json.dumps(outputs["roc_curve"], allow_nan=False))
    assert (roc["type"], roc["x_label"], roc["y_label"]) == (
        "lines",
        "False positive rate",
        "True positive rate",
    )
    assert [s["name"].split(" (")[0] for s in roc["series"]] == ["class 0", "class 1", "class 2"]
    for series in roc["series"]:
        assert len(series["x"]) == len(series["y"]) >= 2
        assert (series["x"][0], series["y"][0], series["x"][-1], series["y"][-1]) == (0, 0, 1, 1)


def test_roc_auc_is_left_out_without_probabilities() -> None:
    fit_table, test = split(load_sample("iris"))
    model = fit(fit_table, algorithm="svm")

    outputs, _ = evaluate(CLASSIFY, model, test)

    assert "roc_auc" not in outputs["metrics"]
    assert (
        outputs["roc_curve"]["series"] == []
        and "no class probabilities" in (outputs["roc_curve"]["note"])
    )


def test_roc_auc_is_left_out_when_a_class_is_missing_from_test() -> None:
    fit_table, test = split(load_sample("iris"))
    model = fit(fit_table, algorithm="random_forest", n_estimators=5)
    without_two = Table(test.frame[test.frame.target != 2], "target", test.raw_schema)

    outputs, _ = evaluate(CLASSIFY, model, without_two)

    assert "roc_auc" not in outputs["metrics"]
    assert len(outputs["roc_curve"]["series"]) == 2 and "[2]" in outputs["roc_curve"]["note"]
    assert np.array(outputs["confusion_matrix"]["values"]).shape == (3, 3)


def test_a_torch_model_is_scored_like_any_other() -> None:
    fit_table, test = split(load_sample("iris"))
    model = fit(fit_table, "train.torch_mlp", hidden_layers=[16], epochs=30, learning_rate=0.05)

    outputs, _ = evaluate(CLASSIFY, model, test)

    pred = model.predict_prepared(test.frame[model.features])
    assert outputs["metrics"]["accuracy"] == skm.accuracy_score(test.frame.target, pred)
    assert "roc_auc" in outputs["metrics"]


@pytest.mark.parametrize(
    ("block", "train_task", "advice"),
    [
        (CLASSIFY, "regression", "evaluate.regression"),
        (REGRESS, "classification", "evaluate.classification"),
    ],
    ids=["classification", "regression"],
)
def test_refuses_a_model_of_the_other_task(block: Any, train_task: str, advice: str) -> None:
    model = fit(iris_table(), algorithm="random_forest", task=train_task, n_estimators=3)
    with pytest.raises(BlockRunError, match=advice) as caught:
        evaluate(block, model, iris_table())
    assert caught.value.place["port"] == "model"


@pytest.mark.parametrize("column", ["target", "petal length (cm)"])
def test_refuses_a_test_table_without_the_models_columns(column: str) -> None:
    model = fit(iris_table(), algorithm="random_forest", n_estimators=3)
    test = Table(iris_table().frame.drop(columns=column), "target")
    with pytest.raises(BlockRunError, match=re.escape(f"no column '{column}'")) as caught:
        evaluate(CLASSIFY, model, test)
    assert caught.value.place == {"port": "test", "column": column}


def test_refuses_missing_feature_values_in_test_rows() -> None:
    model = fit(iris_table(), algorithm="logistic_regression")
    frame = iris_table().frame
    frame.loc[3, "sepal width (cm)"] = np.nan
    with pytest.raises(BlockRunError, match=r"feature\.impute"):
        evaluate(CLASSIFY, model, Table(frame, "target"))


# --- evaluate.regression ------------------------------------------------------------------------


def regression_table(rows: int) -> Table:
    rng = np.random.default_rng(5)
    frame = pd.DataFrame(rng.normal(size=(rows, 3)), columns=["a", "b", "c"])
    frame["target"] = 2 * frame.a - frame.b + rng.normal(scale=0.3, size=rows)
    return Table(frame, "target", schema_of(frame))


def test_regression_metrics_equal_scikit_learns() -> None:
    fit_table, test = split(load_sample("diabetes"))
    model = fit(fit_table, algorithm="ridge", alpha=0.1)

    outputs, ctx = evaluate(REGRESS, model, test)

    y, pred = test.frame.target, model.estimator.predict(test.frame[model.features])
    assert outputs["metrics"] == {
        "rmse": skm.root_mean_squared_error(y, pred),
        "mae": skm.mean_absolute_error(y, pred),
        "r2": skm.r2_score(y, pred),
        "n_test": float(len(y)),
    }
    assert {key for key, _, _ in ctx.metrics} == {"rmse", "mae", "r2", "n_test"}
    residuals = json.loads(json.dumps(outputs["residuals"], allow_nan=False))
    assert (residuals["type"], residuals["x_label"], residuals["y_label"]) == (
        "scatter",
        "Predicted",
        "Residual",
    )
    np.testing.assert_allclose(residuals["x"], pred)
    np.testing.assert_allclose(residuals["y"], y - pred)


def test_residuals_are_a_fixed_sample_of_large_tests() -> None:
    fit_table, test = split(regression_table(6000).frame)
    model = fit(fit_table, algorithm="linear_regression")

    first, _ = evaluate(REGRESS, model, test)
    second, _ = evaluate(REGRESS, model, test)

    points = first["residuals"]
    assert len(points["x"]) == len(points["y"]) == MAX_SCATTER_POINTS
    assert points == second["residuals"]
    assert first["metrics"]["n_test"] == 2400.0


def test_regression_battery_case_with_its_model_config() -> None:
    """The conformance battery's check, with the regression model this block asks for."""
    trainer = get_block("train.sklearn")
    config = trainer.parse_config(REGRESS.example_model_config)
    model = trainer().run(FakeContext(config), train=iris_table())["model"]
    for raw in REGRESS.example_configs:
        ctx = FakeContext(REGRESS.parse_config(raw))
        outputs = REGRESS().run(ctx, model=model, test=iris_table())
        assert set(outputs) == set(REGRESS.outputs)
        json.dumps(outputs, allow_nan=False)


# --- publish.model ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def model() -> TrainedModel:
    return fit(iris_table(), algorithm="random_forest", n_estimators=3)


def publish(model: TrainedModel, metrics: dict | None, **raw: Any) -> FakeContext:
    ctx = FakeContext(PUBLISH.parse_config(raw))
    inputs = {"model": model} if metrics is None else {"model": model, "metrics": metrics}
    assert PUBLISH().run(ctx, **inputs) == {}
    return ctx


def test_publish_without_a_gate_registers_with_the_metrics(model: TrainedModel) -> None:
    ctx = publish(model, {"accuracy": 0.7, "f1": 0.6}, name="iris")
    assert ctx.registered == [("iris", model, {"accuracy": 0.7, "f1": 0.6})]
    assert any("version 1" in message for _, message in ctx.logs)
    assert publish(model, None, name="iris").registered == [("iris", model, {})]


@pytest.mark.parametrize(
    ("direction", "value", "published"),
    [
        ("higher", 0.91, True),
        ("higher", 0.9, True),
        ("higher", 0.89, False),
        ("lower", 0.89, True),
        ("lower", 0.9, True),
        ("lower", 0.91, False),
    ],
)
def test_publish_gate(model: TrainedModel, direction: str, value: float, published: bool) -> None:
    ctx = publish(
        model,
        {"accuracy": value},
        name="iris",
        metric="accuracy",
        threshold=0.9,
        direction=direction,
    )
    assert bool(ctx.registered) is published
    if not published:
        ((level, message),) = ctx.logs
        assert level == "warning" and "not published" in message and "accuracy" in message


def test_publish_gate_on_a_metric_that_is_not_there(model: TrainedModel) -> None:
    with pytest.raises(BlockRunError, match=r"metric 'rmse'.*available: accuracy, f1"):
        publish(model, {"f1": 0.5, "accuracy": 0.9}, name="iris", metric="rmse", threshold=1.0)


def test_publish_gate_needs_the_metrics_input(model: TrainedModel) -> None:
    config = PUBLISH.parse_config({"name": "iris", "metric": "accuracy", "threshold": 0.5})
    _, issues = PUBLISH().infer_schemas(config, {"model": None}, FakeEnv())
    assert [i.port for i in issues] == ["metrics"]
    _, wired = PUBLISH().infer_schemas(config, {"model": None, "metrics": None}, FakeEnv())
    assert wired == []
    with pytest.raises(BlockRunError, match="metrics input"):
        publish(model, None, name="iris", metric="accuracy", threshold=0.5)


@pytest.mark.parametrize(
    ("raw", "field"), [({"metric": "accuracy"}, "threshold"), ({"threshold": 0.5}, "metric")]
)
def test_publish_gate_needs_both_halves(model: TrainedModel, raw: dict, field: str) -> None:
    config = PUBLISH.parse_config({"name": "iris", **raw})
    _, issues = PUBLISH().infer_schemas(config, {"model": None, "metrics": None}, FakeEnv())
    assert [i.field for i in issues] == [field]
    with pytest.raises(BlockRunError):
        publish(model, {"accuracy": 1.0}, name="iris", **raw)


@pytest.mark.parametrize(
    "raw",
    [
        {"name": ""},
        {"name": "-iris"},
        {"name": "iris model"},
        {"name": "x" * 101},
        {"name": "iris", "threshold": float("nan")},
        {"name": "iris", "direction": "up"},
    ],
)
def test_publish_config_bounds(raw: dict) -> None:
    with pytest.raises(ValidationError):
        PUBLISH.parse_config(raw)
