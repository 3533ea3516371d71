"""The base of the fit/apply feature blocks: fit on train, apply to both tables, record it."""

from __future__ import annotations

from typing import Any

import pandas as pd

from backend.blocks.base import (
    TABLE,
    Block,
    BlockRunError,
    ConfigIssue,
    SchemaEnv,
    StepContext,
    missing_columns,
)
from backend.blocks.feature.common import Schemas, _require
from backend.blocks.schema import TableSchema
from backend.blocks.values import FittedTransform, Table


class _FitApply(Block):
    """Base of blocks that fit a transform on train, apply it to both tables and record it."""

    family = "feature"
    inputs = {
        "train": TABLE.describe("Rows to fit on"),
        "test": TABLE.optional().describe("Rows transformed with what was fitted on train"),
    }
    outputs = {
        "train": TABLE.describe("The train rows, transformed"),
        "test": TABLE.describe(
            "The test rows, transformed; when test is not wired, no rows and the train "
            "output's columns"
        ),
    }

    def default_column(self, series: pd.Series) -> bool:
        """Whether an empty ``columns`` list includes this (non-label) column."""
        return True

    def check_target(self, config: Any, target: str | None, listed: list[str]) -> None:
        """Refuse a listed label. Override where listing it is harmless."""
        if target is not None and target in listed:
            raise BlockRunError(
                f"column '{target}' is the label; transforming the label is not allowed, "
                "so remove it from 'columns'",
                field="columns",
                column=target,
            )

    def fit(self, ctx: StepContext, train: Table, columns: list[str]) -> FittedTransform:
        """Fit on the train table's `columns` and log a summary."""
        raise NotImplementedError

    def check_schema(self, config: Any, schema: TableSchema) -> list[ConfigIssue]:
        """Problems visible in the train schema besides missing columns."""
        return []

    def output_schema(self, config: Any, schema: TableSchema) -> TableSchema | None:
        """The output schema for an input schema, or None when it depends on the data."""
        return None

    def infer_schemas(
        self, config: Any, inputs: Schemas, env: SchemaEnv
    ) -> tuple[Schemas, list[ConfigIssue]]:
        train, test = inputs.get("train"), inputs.get("test")
        issues = missing_columns(train, config.columns, field="columns", port="train")
        absent = {issue.column for issue in issues}
        issues += [
            issue
            for issue in missing_columns(test, config.columns, field="columns", port="test")
            if issue.column not in absent
        ]
        if train is not None and not issues:
            issues += self.check_schema(config, train)
        if issues:
            return {"train": None, "test": None}, issues
        train_out = self.output_schema(config, train) if train is not None else None
        if "test" not in inputs:
            return {"train": train_out, "test": train_out}, []
        test_out = self.output_schema(config, test) if test is not None else None
        return {"train": train_out, "test": test_out}, []

    def run(self, ctx: StepContext, train: Table, test: Table | None = None) -> dict[str, Table]:
        listed = list(dict.fromkeys(ctx.config.columns))
        _require(train, listed, port="train")
        if test is not None:
            _require(test, listed, port="test")
        self.check_target(ctx.config, train.target, listed)
        if len(train.frame) == 0:
            raise BlockRunError(
                "the train table has no rows to fit on; check the blocks upstream", port="train"
            )
        columns = listed or [
            c for c in train.feature_columns() if self.default_column(train.frame[c])
        ]
        transform = self.fit(ctx, train, columns)
        train_out = train.with_frame(transform.apply(train.frame), transform)
        if test is None:
            test_out = train_out.with_frame(train_out.frame.iloc[:0].copy())
        else:
            try:
                test_out = test.with_frame(transform.apply(test.frame), transform)
            except BlockRunError as exc:
                exc.place.setdefault("port", "test")
                raise
        ctx.progress(1.0)
        return {"train": train_out, "test": test_out}
