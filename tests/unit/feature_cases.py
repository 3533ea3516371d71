"""Data and helpers shared by the feature block tests."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sklearn import preprocessing
from sklearn.model_selection import train_test_split

from backend.blocks import get_block
from backend.blocks.checks import FakeContext, FakeEnv
from backend.blocks.schema import TableSchema
from backend.blocks.tables import schema_of
from backend.blocks.values import (
    Table,
)

IRIS_FEATURES = ["sepal length (cm)", "sepal width (cm)", "petal length (cm)", "petal width (cm)"]
NUMBERS = ["age", "income", "visits"]
SCALERS = {
    "standard": preprocessing.StandardScaler,
    "minmax": preprocessing.MinMaxScaler,
    "robust": preprocessing.RobustScaler,
}
KINDS = {
    "feature.select_columns": "select_columns",
    "feature.impute": "impute",
    "feature.scale": "scale",
    "feature.one_hot": "one_hot",
    "feature.pca": "pca",
}
#: One working iris config per block that fits on train and applies to test.
IRIS_CASES = [
    ("feature.select_columns", {"columns": ["petal length (cm)"]}),
    ("feature.impute", {}),
    ("feature.scale", {}),
    ("feature.one_hot", {"columns": ["petal width (cm)"]}),
    ("feature.pca", {"n_components": 2}),
]


def table(frame: pd.DataFrame, **extra: Any) -> Table:
    """`frame` as a block's table input, label in 'target'."""
    return Table(frame, target="target", raw_schema=schema_of(frame), **extra)


def mixed_frame(rows: int = 80, seed: int = 0) -> pd.DataFrame:
    """Numbers (with gaps), text (with gaps), a category, a boolean and a binary label."""
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        {
            "age": rng.normal(40, 12, rows).round(1),
            "income": rng.lognormal(10, 1, rows),
            "visits": rng.integers(0, 9, rows),
            "city": rng.choice(["paris", "oslo", "lima", "kyiv"], rows),
            "plan": pd.Categorical(rng.choice(["free", "pro"], rows)),
            "member": rng.random(rows) < 0.5,
            "target": rng.integers(0, 2, rows),
        }
    )
    frame.loc[rng.random(rows) < 0.15, "age"] = np.nan
    frame.loc[rng.random(rows) < 0.15, "city"] = None
    return frame


def split(frame: pd.DataFrame, seed: int = 0) -> tuple[Table, Table]:
    """`frame` split 70/30 as scikit-learn splits it, as train and test tables."""
    train, test = train_test_split(frame, test_size=0.3, random_state=seed)
    return table(train), table(test)


def run(key: str, config: dict[str, Any], **inputs: Table) -> tuple[dict[str, Table], FakeContext]:
    """Run block `key` with `config` on `inputs`; its outputs and the context it reported to."""
    block = get_block(key)
    ctx = FakeContext(block.parse_config(config))
    return block().run(ctx, **inputs), ctx


def infer(
    key: str, config: dict[str, Any], **schemas: TableSchema | None
) -> tuple[dict[str, TableSchema | None], list[Any]]:
    """The output schemas and issues block `key` infers from its input schemas."""
    block = get_block(key)
    return block().infer_schemas(block.parse_config(config), schemas, FakeEnv())


def both(outputs: dict[str, Table], train: Table, test: Table) -> list[tuple[Table, Table]]:
    """(output, input) pairs for the train and test ports."""
    return [(outputs["train"], train), (outputs["test"], test)]
