"""Ingest blocks: where rows enter a pipeline."""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Literal

import pandas as pd
from pydantic import Field

from backend.blocks.base import (
    TABLE,
    Block,
    BlockConfig,
    BlockRunError,
    ConfigIssue,
    SchemaEnv,
    StepContext,
    TableSchema,
    missing_columns,
)
from backend.blocks.registry import register_block
from backend.blocks.tables import schema_of
from backend.blocks.values import Table

SampleName = Literal["iris", "wine", "breast_cancer", "diabetes", "digits"]


@register_block
class DatasetIngest(Block):
    """Read an uploaded dataset (CSV or Parquet) from this workspace.

    The table has the dataset's columns and dtypes as shown on its page.
    """

    key = "ingest.dataset"
    title = "Dataset"
    family = "ingest"
    outputs = {"table": TABLE.describe("The dataset's rows")}
    example_configs = [{"dataset": 1}, {"dataset": 1, "target": "label"}]

    class Config(BlockConfig):
        dataset: int = Field(
            description="Id of an uploaded dataset in this workspace.",
            json_schema_extra={"widget": "dataset"},
        )
        target: str | None = Field(
            None,
            description="The label column, if the table has one.",
            json_schema_extra={"widget": "column"},
        )

    def infer_schemas(
        self, config: Config, inputs: dict[str, TableSchema | None], env: SchemaEnv
    ) -> tuple[dict[str, TableSchema | None], list[ConfigIssue]]:
        try:
            schema = env.dataset_schema(config.dataset)
        except LookupError:
            issue = ConfigIssue(
                f"dataset {config.dataset} does not exist in this workspace; "
                "upload it or pick another",
                field="dataset",
            )
            return {"table": None}, [issue]
        targets = [config.target] if config.target else []
        return {"table": schema}, missing_columns(schema, targets, field="target", port="table")

    def run(self, ctx: StepContext, **inputs: Any) -> dict[str, Any]:
        try:
            frame = ctx.read_dataset(ctx.config.dataset)
        except LookupError:
            raise BlockRunError(
                f"dataset {ctx.config.dataset} no longer exists; pick another dataset",
                field="dataset",
            ) from None
        table = Table(frame, target=ctx.config.target, raw_schema=schema_of(frame))
        if ctx.config.target:
            table.require_columns([ctx.config.target], field="target")
        ctx.log(f"read dataset {ctx.config.dataset}: {len(frame)} rows, {frame.shape[1]} columns")
        return {"table": table}


@lru_cache(maxsize=8)
def load_sample(name: str) -> pd.DataFrame:
    """One of scikit-learn's bundled datasets as a DataFrame with a ``target`` column."""
    from sklearn import datasets  # heavy import, only when a sample is used

    loader = getattr(datasets, f"load_{name}")
    frame = loader(as_frame=True).frame
    frame.columns = [str(c) for c in frame.columns]
    return frame


@register_block
class SampleIngest(Block):
    """A bundled sample dataset: iris, wine, breast_cancer, diabetes or digits.

    The label is the ``target`` column (a class index, or a number for diabetes).
    """

    key = "ingest.sample"
    title = "Sample dataset"
    family = "ingest"
    outputs = {"table": TABLE.describe("The sample's rows, label in 'target'")}
    example_configs = [{"name": name} for name in ("iris", "wine", "diabetes")]

    class Config(BlockConfig):
        name: SampleName = Field("iris", description="Which bundled dataset.")

    def infer_schemas(
        self, config: Config, inputs: dict[str, TableSchema | None], env: SchemaEnv
    ) -> tuple[dict[str, TableSchema | None], list[ConfigIssue]]:
        return {"table": schema_of(load_sample(config.name))}, []

    def run(self, ctx: StepContext, **inputs: Any) -> dict[str, Any]:
        frame = load_sample(ctx.config.name).copy()
        ctx.log(f"loaded sample '{ctx.config.name}': {len(frame)} rows")
        return {"table": Table(frame, target="target", raw_schema=schema_of(frame))}


@register_block
class SyntheticIngest(Block):
    """Generate a synthetic classification or regression table (features f0..fN, target).

    Deterministic for a given seed; useful for trying blocks and for benchmarks.
    """

    key = "ingest.synthetic"
    title = "Synthetic data"
    family = "ingest"
    outputs = {"table": TABLE.describe("Generated rows, label in 'target'")}
    example_configs = [
        {"rows": 200, "features": 5, "classes": 3, "seed": 1},
        {"task": "regression", "rows": 50, "features": 3},
    ]

    class Config(BlockConfig):
        task: Literal["classification", "regression"] = "classification"
        rows: int = Field(1000, ge=10, le=5_000_000, description="Number of rows.")
        features: int = Field(10, ge=1, le=1000, description="Number of feature columns.")
        informative: int | None = Field(
            None, ge=1, description="Informative features (default: half, at least 1)."
        )
        classes: int = Field(2, ge=2, le=50, description="Classes (classification only).")
        noise: float = Field(0.1, ge=0.0, le=100.0, description="Label noise.")
        seed: int = Field(0, ge=0, description="Random seed.")

    #: The config field that graph validation names when the table is over the step budget.
    size_field = "rows"

    @staticmethod
    def planned_bytes(config: Config) -> int:
        """Memory the generated table takes: rows x (features + target) 8-byte cells.

        Graph validation compares it with the per-step budget before anything runs.
        """
        return config.rows * (config.features + 1) * 8

    @staticmethod
    def _informative(config: Config) -> int:
        wanted = config.informative or max(1, config.features // 2)
        return min(wanted, config.features)

    def infer_schemas(
        self, config: Config, inputs: dict[str, TableSchema | None], env: SchemaEnv
    ) -> tuple[dict[str, TableSchema | None], list[ConfigIssue]]:
        target = "int64" if config.task == "classification" else "float64"
        pairs = [(f"f{i}", "float64") for i in range(config.features)] + [("target", target)]
        issues = []
        if config.task == "classification" and config.classes > 2 ** self._informative(config):
            issues.append(
                ConfigIssue(
                    f"{config.classes} classes need more informative features "
                    f"(have {self._informative(config)}); raise 'informative' or 'features'",
                    field="classes",
                )
            )
        return {"table": TableSchema.from_pairs(pairs)}, issues

    def run(self, ctx: StepContext, **inputs: Any) -> dict[str, Any]:
        from sklearn import datasets  # heavy import, only when generating

        config = ctx.config
        informative = self._informative(config)
        if config.task == "classification":
            features, target = datasets.make_classification(
                n_samples=config.rows,
                n_features=config.features,
                n_informative=informative,
                n_redundant=0,
                n_classes=config.classes,
                # Two clusters per class when the informative space has room for them.
                n_clusters_per_class=2 if config.classes * 2 <= 2**informative else 1,
                flip_y=min(config.noise, 1.0),
                random_state=config.seed,
            )
        else:
            features, target = datasets.make_regression(
                n_samples=config.rows,
                n_features=config.features,
                n_informative=informative,
                noise=config.noise,
                random_state=config.seed,
            )
        frame = pd.DataFrame(features, columns=[f"f{i}" for i in range(config.features)])
        frame["target"] = target
        ctx.log(f"generated {config.rows} rows x {config.features} features ({config.task})")
        return {"table": Table(frame, target="target", raw_schema=schema_of(frame))}
