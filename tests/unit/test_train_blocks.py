"""train.sklearn and train.torch_mlp: what they learn, what they record, what they refuse."""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd
import pytest
import torch
from pydantic import ValidationError
from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split

from backend.blocks import get_block
from backend.blocks.base import BlockRunError, StepCancelled
from backend.blocks.checks import FakeContext, FakeEnv, iris_table
from backend.blocks.ingest import load_sample
from backend.blocks.tables import schema_of
from backend.blocks.train import ESTIMATORS, infer_task, split_rows, supported_tasks
from backend.blocks.values import Table, TrainedModel

SKLEARN = get_block("train.sklearn")
MLP = get_block("train.torch_mlp")
#: A small network that learns iris in a couple of seconds on a CPU.
IRIS_MLP = {"hidden_layers": [32], "epochs": 40, "learning_rate": 0.05, "batch_size": 16}


def train(block: Any, table: Table, ctx_class: type = FakeContext, **raw: Any) -> tuple:
    """Run a train block; returns (model, context)."""
    ctx = ctx_class(block.parse_config(raw))
    return block().run(ctx, train=table)["model"], ctx


def sample_table(name: str) -> Table:
    frame = load_sample(name).copy()
    return Table(frame, target="target", raw_schema=schema_of(frame))


def iris_split(seed: int = 0) -> tuple[Table, pd.DataFrame]:
    frame = load_sample("iris")
    fit, test = train_test_split(frame, test_size=0.3, random_state=seed, stratify=frame.target)
    return Table(fit, target="target", raw_schema=schema_of(frame)), test


# --- train.sklearn ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "reference"),
    [
        (
            {"algorithm": "random_forest", "n_estimators": 30, "max_depth": 4, "seed": 7},
            RandomForestClassifier(n_estimators=30, max_depth=4, random_state=7),
        ),
        (
            {"algorithm": "logistic_regression", "C": 0.5, "max_iter": 2000, "seed": 3},
            LogisticRegression(C=0.5, max_iter=2000, random_state=3),
        ),
        (
            {"algorithm": "hist_gradient_boosting", "n_estimators": 25, "learning_rate": 0.2},
            HistGradientBoostingClassifier(max_iter=25, learning_rate=0.2, random_state=0),
        ),
    ],
    ids=["random_forest", "logistic_regression", "hist_gradient_boosting"],
)
def test_sklearn_equals_the_same_scikit_learn_code(raw: dict, reference: Any) -> None:
    table, test = iris_split()
    features = [c for c in table.frame.columns if c != "target"]

    model, ctx = train(SKLEARN, table, **raw)
    reference.fit(table.frame[features], table.frame.target)

    ours = model.predict_prepared(test[model.features])
    np.testing.assert_array_equal(ours, reference.predict(test[features]))
    assert (ours == test.target).mean() == reference.score(test[features], test.target)
    assert ("train_accuracy", reference.score(table.frame[features], table.frame.target), None) in (
        ctx.metrics
    )


def test_sklearn_model_records_what_serving_needs() -> None:
    table, _ = iris_split()
    model, ctx = train(SKLEARN, table, algorithm="random_forest", n_estimators=10, seed=1)

    assert isinstance(model, TrainedModel)
    assert (model.flavor, model.task, model.target) == ("sklearn", "classification", "target")
    assert model.features == [c for c in table.frame.columns if c != "target"]
    assert model.classes == [0, 1, 2] and all(type(c) is int for c in model.classes)
    assert model.signature == [{"name": c, "dtype": "float64"} for c in model.features]
    assert model.info == {
        "block": "train.sklearn",
        "version": 1,
        "algorithm": "random_forest",
        "params": {"n_estimators": 10, "max_depth": None, "random_state": 1},
        "train_rows": len(table.frame),
    }
    assert any(f"{len(table.frame)} rows" in message for _, message in ctx.logs)


CASES = [(algorithm, task) for algorithm in ESTIMATORS for task in supported_tasks(algorithm)]


@pytest.mark.parametrize(("algorithm", "task"), CASES, ids=[f"{a}-{t}" for a, t in CASES])
def test_every_algorithm_trains_on_the_tasks_it_supports(algorithm: str, task: str) -> None:
    table = sample_table("iris" if task == "classification" else "diabetes")
    raw = {"algorithm": algorithm, "task": "auto", "n_estimators": 10, "max_iter": 2000}

    model, ctx = train(SKLEARN, table, **raw)

    assert model.task == task
    predictions = model.predict(table.frame.drop(columns="target"))
    assert predictions.shape == (len(table.frame),)
    key = "train_accuracy" if task == "classification" else "train_r2"
    (score,) = [value for name, value, _ in ctx.metrics if name == key]
    assert score > (0.8 if task == "classification" else 0.1)  # regression: beats the mean


@pytest.mark.parametrize(
    ("values", "task"),
    [
        ([0, 1, 2, 1], "classification"),
        ([True, False, True, False], "classification"),
        (["a", "b", "a", "c"], "classification"),
        ([0.0, 1.0, 1.0, 0.0], "classification"),
        ([0.5, 1.5, 2.5, 0.5], "regression"),
        (list(np.arange(40, dtype="float64")), "regression"),
    ],
    ids=["int", "bool", "text", "few-whole-floats", "fractional-floats", "many-floats"],
)
def test_auto_task_rule(values: list, task: str) -> None:
    assert infer_task(pd.Series(values)) == task


def test_target_setting_overrides_the_tables_label() -> None:
    frame = load_sample("iris").copy()
    table = Table(frame, target="target", raw_schema=None)

    model, _ = train(SKLEARN, table, algorithm="ridge", target="petal width (cm)")

    assert (model.task, model.target) == ("regression", "petal width (cm)")
    assert model.features == [c for c in frame.columns if c != "petal width (cm)"]
    assert "target" in model.features  # now an ordinary column
    assert [s["name"] for s in model.signature] == model.features


def frame_with(**columns: Any) -> Table:
    base = load_sample("iris").copy()
    for name, values in columns.items():
        base[name] = values
    return Table(base, target="target", raw_schema=schema_of(base))


def test_one_class_target_is_refused_by_name() -> None:
    table = frame_with(target=np.zeros(150, dtype=int))
    with pytest.raises(BlockRunError, match=r"target 'target' has a single class \(0\)") as caught:
        train(SKLEARN, table, algorithm="random_forest")
    assert caught.value.place["column"] == "target"


@pytest.mark.parametrize("block", [SKLEARN, MLP], ids=lambda b: b.key)
def test_missing_feature_values_point_to_impute(block: Any) -> None:
    gaps = load_sample("iris")["sepal width (cm)"].mask(lambda s: s.index % 7 == 0)
    table = frame_with(**{"sepal width (cm)": gaps})
    raw = {"algorithm": "logistic_regression"} if block is SKLEARN else {"epochs": 1}

    with pytest.raises(BlockRunError) as caught:
        train(block, table, **raw)
    assert "'sepal width (cm)'" in caught.value.message
    assert "feature.impute" in caught.value.message
    assert caught.value.place["column"] == "sepal width (cm)"


def test_hist_gradient_boosting_takes_missing_values() -> None:
    gaps = load_sample("iris")["sepal width (cm)"].mask(lambda s: s.index % 7 == 0)
    model, _ = train(
        SKLEARN, frame_with(**{"sepal width (cm)": gaps}), algorithm="hist_gradient_boosting"
    )
    assert model.task == "classification"


@pytest.mark.parametrize("block", [SKLEARN, MLP], ids=lambda b: b.key)
def test_text_feature_points_to_one_hot(block: Any) -> None:
    table = frame_with(colour=pd.Series(["red", "green", "blue"] * 50, dtype="string"))
    with pytest.raises(BlockRunError) as caught:
        train(block, table, epochs=1) if block is MLP else train(block, table)
    assert "'colour'" in caught.value.message and "feature.one_hot" in caught.value.message
    assert caught.value.place["column"] == "colour"


@pytest.mark.parametrize(
    ("algorithm", "task"),
    [("linear_regression", "classification"), ("logistic_regression", "regression")],
)
def test_algorithm_task_mismatch(algorithm: str, task: str) -> None:
    config = SKLEARN.parse_config({"algorithm": algorithm, "task": task})
    _, issues = SKLEARN().infer_schemas(
        config, {"train": schema_of(load_sample("iris"))}, FakeEnv()
    )
    assert [(i.field, algorithm in i.message) for i in issues] == [("algorithm", True)]

    with pytest.raises(BlockRunError, match=f"{algorithm} cannot do {task}") as caught:
        train(SKLEARN, iris_table(), algorithm=algorithm, task=task)
    assert caught.value.place["field"] == "algorithm"


def test_auto_task_mismatch_is_found_from_the_schema() -> None:
    config = SKLEARN.parse_config({"algorithm": "linear_regression", "target": "target"})
    _, issues = SKLEARN().infer_schemas(
        config, {"train": schema_of(load_sample("iris"))}, FakeEnv()
    )
    explained = "linear_regression cannot do classification (task auto reads target 'target'"
    assert [(i.field, i.message.startswith(explained)) for i in issues] == [("algorithm", True)]

    with pytest.raises(BlockRunError, match=re.escape(explained)):
        train(SKLEARN, iris_table(), algorithm="linear_regression")


@pytest.mark.parametrize("block", [SKLEARN, MLP], ids=lambda b: b.key)
def test_unknown_target_column(block: Any) -> None:
    config = block.parse_config({"target": "species"})
    schema = schema_of(load_sample("iris"))
    _, issues = block().infer_schemas(config, {"train": schema}, FakeEnv())
    assert [(i.field, i.port, i.column) for i in issues] == [("target", "train", "species")]
    _, unknown = block().infer_schemas(config, {"train": None}, FakeEnv())
    assert unknown == []

    with pytest.raises(BlockRunError, match="target column 'species' is not in the table"):
        train(block, iris_table(), target="species")


def test_a_table_without_a_label_needs_a_target() -> None:
    table = Table(load_sample("iris").copy(), target=None)
    with pytest.raises(BlockRunError, match="set 'target'"):
        train(SKLEARN, table)


def test_classification_of_fractional_values_is_refused() -> None:
    table = iris_table()
    with pytest.raises(BlockRunError, match="fractional values"):
        train(SKLEARN, table, target="petal width (cm)", task="classification")


def test_knn_needs_enough_rows() -> None:
    table = Table(load_sample("iris").head(4).copy(), target="target")
    with pytest.raises(BlockRunError, match="n_neighbors is 5"):
        train(SKLEARN, table, algorithm="knn", task="regression")


def test_sklearn_config_bounds() -> None:
    for bad in ({"C": 0}, {"n_estimators": 0}, {"algorithm": "xgboost"}, {"kernel": "cubic"}):
        with pytest.raises(ValidationError):
            SKLEARN.parse_config(bad)
    schema = SKLEARN.Config.model_json_schema()
    assert schema["properties"]["target"]["widget"] == "column"


# --- train.torch_mlp ----------------------------------------------------------------------------


def test_mlp_learns_iris_and_reports_every_epoch() -> None:
    model, ctx = train(MLP, iris_table(), **IRIS_MLP)

    epochs = IRIS_MLP["epochs"]
    for key in ("loss", "val_loss", "val_accuracy"):
        assert [step for name, _, step in ctx.metrics if name == key] == list(range(1, epochs + 1))
    final_accuracy = [v for name, v, _ in ctx.metrics if name == "val_accuracy"][-1]
    assert final_accuracy > 0.8
    assert ctx.fractions == [e / epochs for e in range(1, epochs + 1)]
    assert (model.flavor, model.task, model.classes) == ("torch_mlp", "classification", [0, 1, 2])
    assert model.spec["hidden_layers"] == [32]
    assert (model.spec["input_size"], model.spec["output_size"]) == (4, 3)

    _, val_rows = split_rows(150, 0.2, 0)
    val = iris_table().frame.iloc[val_rows]
    predicted = model.predict_prepared(val[model.features])
    assert (predicted == val.target.to_numpy()).mean() == pytest.approx(final_accuracy)
    proba = model.predict_proba_prepared(val[model.features])
    assert proba.shape == (30, 3) and np.allclose(proba.sum(axis=1), 1)


def test_mlp_is_deterministic_for_a_seed() -> None:
    raw = {**IRIS_MLP, "epochs": 5}
    first, first_ctx = train(MLP, iris_table(), **raw, seed=11)
    second, second_ctx = train(MLP, iris_table(), **raw, seed=11)
    other, _ = train(MLP, iris_table(), **raw, seed=12)

    features = iris_table().frame[first.features]
    assert first_ctx.metrics == second_ctx.metrics
    np.testing.assert_array_equal(
        first.predict_proba_prepared(features), second.predict_proba_prepared(features)
    )
    assert not np.array_equal(
        first.predict_proba_prepared(features), other.predict_proba_prepared(features)
    )


class CancelAfter(FakeContext):
    """Reports the run cancelled from the `after`-th check on."""

    after = 5

    def __init__(self, config: Any) -> None:
        super().__init__(config)
        self.checks = 0

    def cancelled(self) -> bool:
        self.checks += 1
        return self.checks >= self.after


def test_mlp_stops_at_the_batch_where_cancel_is_seen() -> None:
    # 120 training rows in batches of 50: three batches an epoch; the 5th check is in epoch 2.
    ctx = CancelAfter(MLP.parse_config({"epochs": 10, "batch_size": 50}))
    with pytest.raises(StepCancelled):
        MLP().run(ctx, train=iris_table())
    assert ctx.checks == CancelAfter.after
    assert [step for name, _, step in ctx.metrics if name == "loss"] == [1]


def test_mlp_early_stopping_keeps_the_best_epoch() -> None:
    raw = {
        "hidden_layers": [64, 64],
        "epochs": 100,
        "learning_rate": 0.1,
        "batch_size": 8,
        "early_stopping_patience": 5,
    }
    model, ctx = train(MLP, iris_table(), **raw)

    val_losses = [v for name, v, _ in ctx.metrics if name == "val_loss"]
    best = int(np.argmin(val_losses)) + 1
    assert model.info["epochs_run"] == len(val_losses) == best + 5 < raw["epochs"]
    assert model.info["best_epoch"] == best
    _, val_rows = split_rows(150, 0.2, 0)
    val = iris_table().frame.iloc[val_rows]
    proba = model.predict_proba_prepared(val[model.features])
    cross_entropy = -np.mean(np.log(proba[np.arange(len(val)), val.target.to_numpy()]))
    assert cross_entropy == pytest.approx(min(val_losses), rel=1e-4)


def test_mlp_regression_predicts_in_target_units() -> None:
    table = sample_table("diabetes")
    model, ctx = train(MLP, table, hidden_layers=[16], epochs=10, learning_rate=0.01)

    assert model.task == "regression" and model.classes is None
    assert [s for name, _, s in ctx.metrics if name == "val_rmse"] == list(range(1, 11))
    predictions = model.predict_prepared(table.frame[model.features])
    assert abs(predictions.mean() - table.frame.target.mean()) < table.frame.target.std()
    assert model.predict_proba_prepared(table.frame[model.features]) is None


def test_early_stopping_needs_validation_rows() -> None:
    config = MLP.parse_config({"early_stopping_patience": 3, "validation_fraction": 0})
    _, issues = MLP().infer_schemas(config, {"train": None}, FakeEnv())
    assert [i.field for i in issues] == ["early_stopping_patience"]
    with pytest.raises(BlockRunError, match="validation_fraction"):
        train(MLP, iris_table(), early_stopping_patience=3, validation_fraction=0)


@pytest.mark.parametrize(
    "bad",
    [{"hidden_layers": []}, {"hidden_layers": [4097]}, {"epochs": 0}, {"validation_fraction": 0.6}],
)
def test_mlp_config_bounds(bad: dict) -> None:
    with pytest.raises(ValidationError):
        MLP.parse_config(bad)


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has a GPU to train on")
def test_mlp_falls_back_to_cpu_without_a_gpu() -> None:
    ctx = FakeContext(MLP.parse_config({"epochs": 1}))
    ctx.device = "cuda"
    model = MLP().run(ctx, train=iris_table())["model"]
    assert model.info["device"] == "cpu"
    assert any(level == "warning" and "GPU" in message for level, message in ctx.logs)


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
def test_mlp_trains_on_the_gpu_and_serves_on_cpu() -> None:
    ctx = FakeContext(MLP.parse_config(IRIS_MLP))
    ctx.device = "cuda"
    model = MLP().run(ctx, train=iris_table())["model"]
    assert model.info["device"] == "cuda"
    assert [v for name, v, _ in ctx.metrics if name == "val_accuracy"][-1] > 0.8
    assert next(model.estimator.network.parameters()).device.type == "cpu"


def test_each_hyperparameter_says_which_algorithms_use_it() -> None:
    """A form shows a hyperparameter only for the algorithms that read it."""
    properties = get_block("train.sklearn").Config.model_json_schema()["properties"]
    shown = {
        name: set(spec["x-shown-when"]["algorithm"])
        for name, spec in properties.items()
        if "x-shown-when" in spec
    }
    assert shown["kernel"] == {"svm"} and shown["C"] == {"logistic_regression", "svm"}
    assert shown["n_estimators"] == {"random_forest", "hist_gradient_boosting"}
    for algorithm, (_, _, fields) in ESTIMATORS.items():
        for field in set(fields.values()) & set(shown):
            assert algorithm in shown[field], (algorithm, field)
    assert "algorithm" not in shown and "target" not in shown
