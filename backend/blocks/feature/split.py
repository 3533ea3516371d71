"""feature.split: split rows at random into train and test tables."""

from __future__ import annotations

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
)
from backend.blocks.feature.common import MAX_FLOAT_CLASSES, Schemas, _count
from backend.blocks.registry import register_block
from backend.blocks.tables import json_value
from backend.blocks.values import Table


@register_block
class Split(Block):
    """Split rows at random into train and test tables, keeping class proportions.

    Stratifies on the label when the table has one that looks like classes (not a float with
    many distinct values). Results equal scikit-learn's train_test_split with the same seed.
    """

    key = "feature.split"
    title = "Train/test split"
    family = "feature"
    inputs = {"table": TABLE.describe("Rows to split")}
    outputs = {
        "train": TABLE.describe("Rows to fit on"),
        "test": TABLE.describe("Held-out rows to evaluate on"),
    }
    example_configs = [{}, {"test_size": 0.3, "stratify": False, "seed": 7}, {"shuffle": False}]

    class Config(BlockConfig):
        test_size: float = Field(0.25, ge=0.05, le=0.95, description="Fraction of rows for test.")
        stratify: bool = Field(
            True,
            description="Keep the label's class proportions in both tables (classification "
            "labels only; ignored without shuffle).",
        )
        seed: int = Field(0, ge=0, le=2**32 - 1, description="Random seed.")
        shuffle: bool = Field(True, description="Shuffle rows before splitting.")

    def infer_schemas(
        self, config: Config, inputs: Schemas, env: SchemaEnv
    ) -> tuple[Schemas, list[ConfigIssue]]:
        schema = inputs.get("table")
        return {"train": schema, "test": schema}, []

    @staticmethod
    def _strata(ctx: StepContext, table: Table) -> pd.Series | None:
        config, target = ctx.config, table.target
        if not config.stratify:
            return None
        if target is None or target not in table.frame.columns:
            ctx.log("the table has no label column; splitting without stratification")
            return None
        if not config.shuffle:
            ctx.log("stratification needs shuffle; splitting in row order", level="warning")
            return None
        labels = table.frame[target]
        if pd.api.types.is_float_dtype(labels) and labels.nunique() > MAX_FLOAT_CLASSES:
            ctx.log(f"label '{target}' looks continuous; splitting without stratification")
            return None
        counts = labels.value_counts(dropna=False)
        if counts.min() < 2:
            rare = json_value(counts.idxmin())
            raise BlockRunError(
                f"cannot stratify on label '{target}': class {rare!r} has only 1 row; "
                "turn stratify off or add rows of that class",
                field="stratify",
                column=target,
            )
        return labels

    def run(self, ctx: StepContext, table: Table) -> dict[str, Table]:
        from sklearn.model_selection import train_test_split  # heavy import, only when run

        config = ctx.config
        strata = self._strata(ctx, table)
        try:
            train, test = train_test_split(
                table.frame,
                test_size=config.test_size,
                random_state=config.seed,
                shuffle=config.shuffle,
                stratify=strata,
            )
        except ValueError as exc:
            fix = "raise test_size or turn stratify off" if strata is not None else "add rows"
            raise BlockRunError(
                f"cannot split {_count(len(table.frame), 'row')}: {exc}; {fix}", field="test_size"
            ) from None
        how = f"stratified on '{table.target}'" if strata is not None else "not stratified"
        ctx.log(f"split {len(table.frame)} rows into {len(train)} train, {len(test)} test ({how})")
        ctx.progress(1.0)
        return {"train": table.with_frame(train), "test": table.with_frame(test)}
