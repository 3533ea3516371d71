"""train.sklearn: fit a scikit-learn estimator, chosen by name, on a table.

Named ``scikit_learn`` so that it is never mistaken for the ``sklearn`` package it imports.
"""

from __future__ import annotations

import importlib
from typing import Any, Literal

from pydantic import Field

from backend.blocks.base import (
    MODEL,
    TABLE,
    Block,
    BlockConfig,
    BlockRunError,
    ConfigIssue,
    SchemaEnv,
    StepCancelled,
    StepContext,
    TableSchema,
)
from backend.blocks.registry import register_block
from backend.blocks.train.checks import (
    SEED,
    TARGET,
    TASK,
    TaskChoice,
    _sklearn_allows_nan,
    check_features,
    mismatch,
    plain,
    resolve_target,
    signature_of,
    target_issues,
    training_target,
)
from backend.blocks.values import Table, Task, TrainedModel

Algorithm = Literal[
    "logistic_regression",
    "linear_regression",
    "ridge",
    "random_forest",
    "hist_gradient_boosting",
    "svm",
    "knn",
]

#: algorithm: (classifier, regressor, {scikit-learn parameter: config field}).
ESTIMATORS: dict[str, tuple[str | None, str | None, dict[str, str]]] = {
    "logistic_regression": (
        "linear_model.LogisticRegression",
        None,
        {"C": "C", "max_iter": "max_iter", "random_state": "seed"},
    ),
    "linear_regression": (None, "linear_model.LinearRegression", {}),
    "ridge": ("linear_model.RidgeClassifier", "linear_model.Ridge", {"alpha": "alpha"}),
    "random_forest": (
        "ensemble.RandomForestClassifier",
        "ensemble.RandomForestRegressor",
        {"n_estimators": "n_estimators", "max_depth": "max_depth", "random_state": "seed"},
    ),
    "hist_gradient_boosting": (
        "ensemble.HistGradientBoostingClassifier",
        "ensemble.HistGradientBoostingRegressor",
        {
            "max_iter": "n_estimators",
            "max_depth": "max_depth",
            "learning_rate": "learning_rate",
            "random_state": "seed",
        },
    ),
    "svm": ("svm.SVC", "svm.SVR", {"C": "C", "kernel": "kernel"}),
    "knn": (
        "neighbors.KNeighborsClassifier",
        "neighbors.KNeighborsRegressor",
        {"n_neighbors": "n_neighbors"},
    ),
}


def _shown_for(field: str) -> dict[str, Any]:
    """JSON Schema extra telling a form the field matters only for some algorithms, so it can
    hide the rest: ``{"x-shown-when": {"algorithm": [...]}}``."""
    algorithms = [name for name, (_, _, fields) in ESTIMATORS.items() if field in fields.values()]
    return {"x-shown-when": {"algorithm": algorithms}}


def supported_tasks(algorithm: str) -> tuple[Task, ...]:
    """The tasks an algorithm can do."""
    classifier, regressor, _ = ESTIMATORS[algorithm]
    tasks: list[Task] = []
    if classifier:
        tasks.append("classification")
    if regressor:
        tasks.append("regression")
    return tuple(tasks)


def make_estimator(config: Any, task: Task) -> tuple[Any, dict[str, Any]]:
    """A fresh scikit-learn estimator for `config` and `task`, and the parameters it got."""
    classifier, regressor, fields = ESTIMATORS[config.algorithm]
    path = classifier if task == "classification" else regressor
    if path is None:
        raise BlockRunError(mismatch(config.algorithm, task), field="algorithm")
    module, name = path.rsplit(".", 1)
    # scikit-learn submodules are heavy: imported only when a model is trained.
    estimator_cls = getattr(importlib.import_module(f"sklearn.{module}"), name)
    params = {param: getattr(config, field) for param, field in fields.items()}
    return estimator_cls(**params), params


@register_block
class SklearnTrain(Block):
    """Train a scikit-learn model (linear, tree ensembles, SVM, k-NN) on every non-target column.

    Classification or regression; the target is the table's label unless set here. Settings
    that do not apply to the chosen algorithm are ignored.
    """

    key = "train.sklearn"
    title = "Train (scikit-learn)"
    family = "train"
    inputs = {"train": TABLE.describe("Training rows: numeric features and the target")}
    outputs = {"model": MODEL.describe("The fitted model")}
    example_configs = [
        {"algorithm": "random_forest", "n_estimators": 20, "seed": 0},
        {"algorithm": "logistic_regression", "max_iter": 1000},
        {"algorithm": "ridge", "task": "regression", "alpha": 0.5},
        {"algorithm": "hist_gradient_boosting", "n_estimators": 10, "target": "target"},
    ]

    class Config(BlockConfig):
        algorithm: Algorithm = Field("random_forest", description="Which estimator to fit.")
        task: TaskChoice = TASK
        target: str | None = TARGET
        C: float = Field(
            1.0,
            gt=0,
            le=1e6,
            description="Inverse regularisation (logistic_regression, svm).",
            json_schema_extra=_shown_for("C"),
        )
        max_iter: int = Field(
            1000,
            ge=1,
            le=100_000,
            description="Solver iterations (logistic_regression).",
            json_schema_extra=_shown_for("max_iter"),
        )
        n_estimators: int = Field(
            100,
            ge=1,
            le=5000,
            description="Trees (random_forest) or boosting rounds (hist_gradient_boosting).",
            json_schema_extra=_shown_for("n_estimators"),
        )
        max_depth: int | None = Field(
            None,
            ge=1,
            le=1000,
            description="Tree depth limit; empty: unlimited (random_forest, "
            "hist_gradient_boosting).",
            json_schema_extra=_shown_for("max_depth"),
        )
        learning_rate: float = Field(
            0.1,
            gt=0,
            le=10,
            description="Boosting step size (hist_gradient_boosting).",
            json_schema_extra=_shown_for("learning_rate"),
        )
        alpha: float = Field(
            1.0,
            ge=0,
            le=1e6,
            description="L2 regularisation (ridge).",
            json_schema_extra=_shown_for("alpha"),
        )
        n_neighbors: int = Field(
            5,
            ge=1,
            le=1000,
            description="Neighbours consulted (knn).",
            json_schema_extra=_shown_for("n_neighbors"),
        )
        kernel: Literal["rbf", "linear", "poly", "sigmoid"] = Field(
            "rbf", description="Kernel (svm).", json_schema_extra=_shown_for("kernel")
        )
        seed: int = SEED

    def infer_schemas(
        self, config: Config, inputs: dict[str, TableSchema | None], env: SchemaEnv
    ) -> tuple[dict[str, TableSchema | None], list[ConfigIssue]]:
        supported = supported_tasks(config.algorithm)
        return {}, target_issues(config, inputs.get("train"), supported, config.algorithm)

    def run(self, ctx: StepContext, **inputs: Any) -> dict[str, Any]:
        train: Table = inputs["train"]
        config = ctx.config
        target = resolve_target(train, config.target)
        y, task = training_target(ctx, train.frame, target, config.task)
        if task not in supported_tasks(config.algorithm):
            inferred_from = target if config.task == "auto" else None
            raise BlockRunError(mismatch(config.algorithm, task, inferred_from), field="algorithm")
        estimator, params = make_estimator(config, task)
        features = [c for c in map(str, train.frame.columns) if c != target]
        check_features(train.frame, features, allow_nan=_sklearn_allows_nan(estimator))
        if config.algorithm == "knn" and config.n_neighbors > len(y):
            raise BlockRunError(
                f"n_neighbors is {config.n_neighbors} but there are only {len(y)} training rows",
                field="n_neighbors",
            )
        if ctx.cancelled():
            raise StepCancelled("cancelled before training")
        ctx.log(
            f"training {config.algorithm} ({task}) on {len(y)} rows x {len(features)} features, "
            f"target '{target}'"
        )
        estimator.fit(train.frame[features], y)
        score = float(estimator.score(train.frame[features], y))
        ctx.metric("train_accuracy" if task == "classification" else "train_r2", score)
        ctx.progress(1.0)
        model = TrainedModel(
            flavor="sklearn",
            task=task,
            estimator=estimator,
            features=features,
            target=target,
            classes=plain(estimator.classes_) if task == "classification" else None,
            lineage=train.lineage,
            signature=signature_of(train, target),
            spec={"estimator": type(estimator).__name__},
            info={
                "block": self.key,
                "version": self.version,
                "algorithm": config.algorithm,
                "params": params,
                "train_rows": len(y),
            },
        )
        return {"model": model}
