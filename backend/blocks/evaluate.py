"""Evaluate blocks: score a model on a held-out table; metrics and figures.

The test table has been through the same feature blocks as the training table, so the model
predicts from its feature columns as they are. Metrics are scikit-learn's own, computed on the
model's predictions; figures are JSON data for the browser to draw.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from backend.blocks.base import (
    FIGURE,
    METRICS,
    MODEL,
    TABLE,
    Block,
    BlockRunError,
    StepContext,
)
from backend.blocks.registry import register_block
from backend.blocks.train import accepts_missing, check_features, plain
from backend.blocks.values import Table, TrainedModel

#: Most points drawn per ROC curve (the curve is thinned evenly beyond that).
MAX_CURVE_POINTS = 1000
#: Most points in the residuals scatter (a fixed-seed sample beyond that).
MAX_SCATTER_POINTS = 2000


def scoring_rows(model: TrainedModel, test: Table, task: str) -> tuple[pd.DataFrame, pd.Series]:
    """The test table's features and target, refusing what the model cannot score."""
    if model.task != task:
        other = "evaluate.regression" if model.task == "regression" else "evaluate.classification"
        raise BlockRunError(f"this is a {model.task} model; evaluate it with {other}", port="model")
    for name in [model.target, *model.features]:
        if name not in test.frame.columns:
            role = "target" if name == model.target else "feature"
            raise BlockRunError(
                f"the test table has no column '{name}' (the model's {role}); wire the test "
                "output of the same feature blocks the training table went through",
                port="test",
                column=name,
            )
    if test.frame.empty:
        raise BlockRunError("the test table has no rows", port="test")
    check_features(test.frame, model.features, allow_nan=accepts_missing(model), port="test")
    y = test.frame[model.target]
    if y.isna().any():
        raise BlockRunError(
            f"target '{model.target}' has {int(y.isna().sum())} missing values in the test "
            "table; remove those rows",
            port="test",
            column=model.target,
        )
    return test.frame[model.features], y


def report(ctx: StepContext, metrics: dict[str, float]) -> None:
    """Record every metric on the step, and log them on one line."""
    for key, value in metrics.items():
        ctx.metric(key, value)
    ctx.log(", ".join(f"{key} {value:.4g}" for key, value in metrics.items()))


def thin(x: np.ndarray, y: np.ndarray, limit: int) -> tuple[list[float], list[float]]:
    """At most `limit` points of a curve, evenly spaced, first and last kept."""
    if len(x) > limit:
        keep = np.unique(np.linspace(0, len(x) - 1, limit).round().astype(int))
        x, y = x[keep], y[keep]
    return [float(v) for v in x], [float(v) for v in y]


# --- evaluate.classification --------------------------------------------------------------------


def classification_metrics(
    y_true: np.ndarray, y_pred: np.ndarray, proba: np.ndarray | None, classes: list[Any]
) -> dict[str, float]:
    """accuracy, precision, recall, f1, roc_auc (when defined) and n_test.

    With two classes, precision, recall and f1 are those of the positive class: the second of
    the model's sorted classes (1, True, or the later label). With more, they are macro
    averages (the unweighted mean over the labels in the test target and the predictions).
    roc_auc is one-vs-rest, macro averaged, for more than two classes; it is left out when
    the model gives no probabilities or a class is missing from the test target.
    """
    from sklearn import metrics as m  # heavy: only when evaluating

    binary = len(classes) == 2 and set(plain(np.unique(y_true))) <= set(classes)
    average: dict[str, Any] = (
        {"average": "binary", "pos_label": classes[1]} if binary else {"average": "macro"}
    )
    scores = {
        "accuracy": m.accuracy_score(y_true, y_pred),
        "precision": m.precision_score(y_true, y_pred, zero_division=0, **average),
        "recall": m.recall_score(y_true, y_pred, zero_division=0, **average),
        "f1": m.f1_score(y_true, y_pred, zero_division=0, **average),
    }
    if proba is not None and _every_class_present(y_true, classes):
        if binary:
            scores["roc_auc"] = m.roc_auc_score(y_true == classes[1], proba[:, 1])
        else:
            scores["roc_auc"] = m.roc_auc_score(
                y_true, proba, multi_class="ovr", average="macro", labels=classes
            )
    scores["n_test"] = len(y_true)
    return {key: float(value) for key, value in scores.items()}


def _every_class_present(y_true: np.ndarray, classes: list[Any]) -> bool:
    return len(classes) >= 2 and set(plain(np.unique(y_true))) == set(classes)


def confusion_figure(y_true: np.ndarray, y_pred: np.ndarray, classes: list[Any]) -> dict:
    """A heatmap: rows are actual labels, columns predicted, in the model's class order."""
    from sklearn.metrics import confusion_matrix  # heavy: only when evaluating

    extra = sorted(set(plain(np.unique(y_true))) - set(classes), key=str)
    labels = [*classes, *extra]
    matrix = confusion_matrix(y_true, y_pred, labels=labels)
    return {
        "type": "heatmap",
        "title": "Confusion matrix",
        "x_label": "Predicted",
        "y_label": "Actual",
        "labels": labels,
        "values": matrix.tolist(),
    }


def roc_figure(y_true: np.ndarray, proba: np.ndarray | None, classes: list[Any]) -> dict:
    """ROC curves: the positive class for two classes, one-vs-rest per class for more."""
    from sklearn.metrics import auc, roc_curve  # heavy: only when evaluating

    figure: dict[str, Any] = {
        "type": "lines",
        "title": "ROC curve",
        "x_label": "False positive rate",
        "y_label": "True positive rate",
        "series": [],
    }
    if proba is None:
        figure["note"] = "this model gives no class probabilities, so there is no ROC curve"
        return figure
    present = set(plain(np.unique(y_true)))
    drawn = classes[1:] if len(classes) == 2 else classes
    for index, label in enumerate(classes):
        positives = y_true == label
        if label not in drawn or label not in present or positives.all():
            continue
        fpr, tpr, _ = roc_curve(positives, proba[:, index])
        x, y = thin(fpr, tpr, MAX_CURVE_POINTS)
        figure["series"].append(
            {"name": f"class {label} (AUC {auc(fpr, tpr):.2f})", "x": x, "y": y}
        )
    skipped = [label for label in drawn if label not in present]
    if skipped:
        figure["note"] = f"no curve for classes missing from the test target: {skipped}"
    return figure


@register_block
class ClassificationEvaluate(Block):
    """Score a classifier on a test table: accuracy, precision, recall, F1, ROC AUC.

    Also draws the confusion matrix and the ROC curves. With two classes, precision, recall
    and F1 are those of the positive class (the second label in sorted order); with more, the
    macro average. ROC AUC is one-vs-rest macro for more than two classes, and left out when
    the model has no probabilities (svm, ridge) or a class is missing from the test rows.
    """

    key = "evaluate.classification"
    title = "Evaluate classifier"
    family = "evaluate"
    inputs = {
        "model": MODEL.describe("A classification model"),
        "test": TABLE.describe("Held-out rows, through the same feature blocks as training"),
    }
    outputs = {
        "metrics": METRICS.describe("accuracy, precision, recall, f1, roc_auc, n_test"),
        "confusion_matrix": FIGURE.describe("Actual against predicted labels"),
        "roc_curve": FIGURE.describe("True against false positive rate per class"),
    }

    def run(self, ctx: StepContext, **inputs: Any) -> dict[str, Any]:
        model: TrainedModel = inputs["model"]
        features, target = scoring_rows(model, inputs["test"], "classification")
        classes = list(model.classes or [])
        y_true = target.to_numpy()
        y_pred = model.predict_prepared(features)
        proba = model.predict_proba_prepared(features)
        metrics = classification_metrics(y_true, y_pred, proba, classes)
        report(ctx, metrics)
        ctx.progress(1.0)
        return {
            "metrics": metrics,
            "confusion_matrix": confusion_figure(y_true, y_pred, classes),
            "roc_curve": roc_figure(y_true, proba, classes),
        }


# --- evaluate.regression ------------------------------------------------------------------------


def regression_metrics(y_true: np.ndarray, y_pred: np.ndarray) -> dict[str, float]:
    """rmse, mae, r2 (left out for fewer than two rows, where it is undefined) and n_test."""
    from sklearn import metrics as m  # heavy: only when evaluating

    scores = {
        "rmse": m.root_mean_squared_error(y_true, y_pred),
        "mae": m.mean_absolute_error(y_true, y_pred),
    }
    if len(y_true) >= 2:
        scores["r2"] = m.r2_score(y_true, y_pred)
    scores["n_test"] = len(y_true)
    return {key: float(value) for key, value in scores.items()}


def residuals_figure(y_true: np.ndarray, y_pred: np.ndarray) -> dict:
    """Residual (actual - predicted) against predicted; a fixed sample of large test sets."""
    rows = len(y_true)
    title = "Residuals"
    if rows > MAX_SCATTER_POINTS:
        keep = np.sort(np.random.default_rng(0).choice(rows, MAX_SCATTER_POINTS, replace=False))
        y_true, y_pred = y_true[keep], y_pred[keep]
        title = f"Residuals ({MAX_SCATTER_POINTS} of {rows} rows)"
    return {
        "type": "scatter",
        "title": title,
        "x_label": "Predicted",
        "y_label": "Residual",
        "x": [float(v) for v in y_pred],
        "y": [float(v) for v in y_true - y_pred],
    }


@register_block
class RegressionEvaluate(Block):
    """Score a regression model on a test table: RMSE, MAE and R².

    Also draws the residuals (actual minus predicted) against the predictions.
    """

    key = "evaluate.regression"
    title = "Evaluate regressor"
    family = "evaluate"
    inputs = {
        "model": MODEL.describe("A regression model"),
        "test": TABLE.describe("Held-out rows, through the same feature blocks as training"),
    }
    outputs = {
        "metrics": METRICS.describe("rmse, mae, r2, n_test"),
        "residuals": FIGURE.describe("Residual against predicted value"),
    }
    #: The train.sklearn config the conformance battery makes this block's model input with.
    example_model_config = {"algorithm": "ridge", "task": "regression"}

    def run(self, ctx: StepContext, **inputs: Any) -> dict[str, Any]:
        model: TrainedModel = inputs["model"]
        features, target = scoring_rows(model, inputs["test"], "regression")
        if not pd.api.types.is_numeric_dtype(target) or pd.api.types.is_bool_dtype(target):
            raise BlockRunError(
                f"target '{model.target}' in the test table is not numeric",
                port="test",
                column=model.target,
            )
        y_true = target.to_numpy(dtype=np.float64)
        y_pred = np.asarray(model.predict_prepared(features), dtype=np.float64)
        metrics = regression_metrics(y_true, y_pred)
        report(ctx, metrics)
        ctx.progress(1.0)
        return {"metrics": metrics, "residuals": residuals_figure(y_true, y_pred)}
