"""Registered model versions for API tests: small real models, stored like the publish block
stores them (a model file in the artifact store, an Artifact row, a ModelVersion row)."""

from __future__ import annotations

from typing import Any

import pandas as pd
from sklearn.tree import DecisionTreeClassifier

from backend.blocks.feature import OneHotTransform
from backend.blocks.values import TrainedModel
from backend.engine.artifacts import default_store
from backend.engine.values_io import store_value
from backend.pipelines.models import Artifact, ModelVersion
from backend.pipelines.registry.serving.drift import training_stats
from backend.workspaces.models import Workspace

#: Rows of the demo model: one column of each signature type, and a label.
DEMO_ROWS = pd.DataFrame(
    {
        "x": [0.1, 0.4, 0.35, 0.8, 0.9, 0.2, 0.7, 0.6],
        "n": [1, 2, 3, 4, 5, 6, 7, 8],
        "color": ["red", "blue", "red", "blue", "red", "blue", "red", "blue"],
        "flag": [True, False, True, False, True, False, True, False],
        "label": ["no", "no", "no", "yes", "yes", "no", "yes", "yes"],
    }
)
DEMO_SIGNATURE = [
    {"name": "x", "dtype": "float64"},
    {"name": "n", "dtype": "int64"},
    {"name": "color", "dtype": "string"},
    {"name": "flag", "dtype": "bool"},
]


def demo_model(rows: pd.DataFrame = DEMO_ROWS, estimator: Any = None) -> TrainedModel:
    """A decision tree (or `estimator`) fitted on DEMO_ROWS, with a one-hot step in its
    lineage: it predicts from raw rows."""
    one_hot = OneHotTransform(columns={"color": ["blue", "red"]})
    features = one_hot.apply(rows.drop(columns="label"))
    estimator = estimator if estimator is not None else DecisionTreeClassifier(random_state=0)
    estimator.fit(features, rows["label"])
    return TrainedModel(
        flavor="sklearn",
        task="classification",
        estimator=estimator,
        features=[str(c) for c in features.columns],
        target="label",
        classes=[str(c) for c in estimator.classes_],
        lineage=(one_hot,),
        signature=DEMO_SIGNATURE,
        info={"block": "test.demo"},
    )


def register(
    workspace: Workspace,
    model: TrainedModel | None = None,
    *,
    name: str = "demo",
    version: int = 1,
    stage: str = "none",
    training_rows: pd.DataFrame | None = DEMO_ROWS,
) -> ModelVersion:
    """Store `model` (default: the demo model) and register it as `name` version `version`."""
    model = model or demo_model()
    stored = store_value(default_store(), "model", model)
    artifact = Artifact.objects.create(
        workspace=workspace,
        kind="model",
        digest=stored.digest,
        size_bytes=stored.size,
        metadata=stored.metadata,
    )
    return ModelVersion.objects.create(
        workspace=workspace,
        name=name,
        version=version,
        stage=stage,
        artifact=artifact,
        metrics={"accuracy": 1.0},
        signature=model.signature,
        training_stats=(
            training_stats(training_rows, model.signature) if training_rows is not None else None
        ),
    )


def table_model(rows: pd.DataFrame, target: str) -> TrainedModel:
    """A decision tree on the numeric columns of `rows`, predicting `target`."""
    features = [str(c) for c in rows.columns if c != target and rows[c].dtype.kind in "if"]
    estimator = DecisionTreeClassifier(random_state=0).fit(rows[features], rows[target])
    return TrainedModel(
        flavor="sklearn",
        task="classification",
        estimator=estimator,
        features=features,
        target=target,
        classes=[c.item() if hasattr(c, "item") else c for c in estimator.classes_],
        signature=[
            {"name": c, "dtype": "float64" if rows[c].dtype.kind == "f" else "int64"}
            for c in features
        ],
    )
