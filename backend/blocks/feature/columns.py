"""Feature blocks that pick, fill or encode columns: select_columns, impute and one_hot."""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
import pandas as pd
from pydantic import Field

from backend.blocks.base import BlockConfig, BlockRunError, ConfigIssue, StepContext
from backend.blocks.feature.common import (
    _columns_field,
    _count,
    _floats,
    _is_datetime,
    _is_number,
    _refuse_clash,
    _require_observed,
    _sorted,
    _splice_schema,
)
from backend.blocks.feature.fit_apply import _FitApply
from backend.blocks.feature.transforms import (
    ImputeTransform,
    OneHotTransform,
    SelectColumnsTransform,
)
from backend.blocks.registry import register_block
from backend.blocks.schema import TableSchema
from backend.blocks.tables import json_value
from backend.blocks.values import FittedTransform, Table


@register_block
class SelectColumns(_FitApply):
    """Keep or drop columns; the label is always kept."""

    key = "feature.select_columns"
    title = "Select columns"
    example_configs = [
        {"columns": ["sepal length (cm)", "petal length (cm)"]},
        {"columns": ["sepal width (cm)"], "mode": "drop"},
    ]

    class Config(BlockConfig):
        columns: list[str] = Field(
            min_length=1,
            description="Columns to keep or drop.",
            json_schema_extra={"widget": "columns"},
        )
        mode: Literal["keep", "drop"] = Field(
            "keep", description="Keep only the listed columns (and the label), or drop them."
        )

    def check_target(self, config: Any, target: str | None, listed: list[str]) -> None:
        if config.mode == "drop" and target is not None and target in listed:
            raise BlockRunError(
                f"column '{target}' is the label and is always kept; remove it from 'columns'",
                field="columns",
                column=target,
            )

    def output_schema(self, config: Any, schema: TableSchema) -> TableSchema | None:
        listed = set(config.columns)
        if config.mode == "drop":
            return _splice_schema(schema, {name: [] for name in listed})
        # Keeping also keeps the label, which a schema does not name.
        return schema if set(schema.names) <= listed else None

    def fit(self, ctx: StepContext, train: Table, columns: list[str]) -> FittedTransform:
        mode = ctx.config.mode
        kept = [c for c in columns if c != train.target]
        transform = SelectColumnsTransform(mode, kept, train.target if mode == "keep" else None)
        ctx.log(f"{mode} {_count(len(kept), 'column')}: {', '.join(kept)}")
        return transform


@register_block
class Impute(_FitApply):
    """Fill missing values with a statistic learned on train, or a constant.

    Numbers take the mean, the median or a constant; other columns (text, categories, booleans)
    the most frequent value or a constant. An empty ``columns`` list means every column but the
    label (dates are left alone).
    """

    key = "feature.impute"
    title = "Impute missing values"
    example_configs = [
        {},
        {"columns": ["sepal length (cm)"], "numeric_strategy": "constant", "fill_value": 0},
    ]

    class Config(BlockConfig):
        columns: list[str] = _columns_field("Columns to fill; empty: every column but the label.")
        numeric_strategy: Literal["mean", "median", "constant"] = Field(
            "mean", description="How to fill numeric columns."
        )
        text_strategy: Literal["most_frequent", "constant"] = Field(
            "most_frequent", description="How to fill text, category and boolean columns."
        )
        fill_value: float | str | None = Field(
            None,
            description="The constant for strategy 'constant' (default: 0 for numbers, "
            "'missing' for text).",
        )

    def default_column(self, series: pd.Series) -> bool:
        return not _is_datetime(series)

    @staticmethod
    def _date_message(column: str) -> str:
        return f"column '{column}' is a date; impute fills numbers and text, so unlist it"

    def check_schema(self, config: Any, schema: TableSchema) -> list[ConfigIssue]:
        return [
            ConfigIssue(self._date_message(name), field="columns", port="train", column=name)
            for name in config.columns
            if str(schema.dtype_of(name)).startswith("datetime")
        ]

    def output_schema(self, config: Any, schema: TableSchema) -> TableSchema | None:
        return schema

    @staticmethod
    def _learned(
        frame: pd.DataFrame, columns: list[str], strategy: str, as_numbers: bool
    ) -> list[Any]:
        from sklearn.impute import SimpleImputer  # heavy import, only when run

        _require_observed(frame, columns, "drop it or use a constant strategy")
        if as_numbers:
            values = _floats(frame, columns)
        else:
            values = frame[columns].to_numpy(dtype=object, na_value=np.nan)
        imputer = SimpleImputer(strategy=strategy).fit(values)
        return [json_value(v) for v in imputer.statistics_]

    @staticmethod
    def _constant(config: Any, as_numbers: bool) -> Any:
        value = config.fill_value
        if not as_numbers:
            return "missing" if value is None else str(value)
        try:
            number = 0.0 if value is None else float(value)
        except ValueError:
            number = float("nan")
        if not np.isfinite(number):
            raise BlockRunError(
                f"fill_value {value!r} is not a finite number, but numeric columns are filled "
                "with it; give a number or use strategy 'mean' or 'median'",
                field="fill_value",
            )
        return number

    def fit(self, ctx: StepContext, train: Table, columns: list[str]) -> FittedTransform:
        config, frame = ctx.config, train.frame
        for column in columns:
            if _is_datetime(frame[column]):
                raise BlockRunError(self._date_message(column), field="columns", column=column)
        values: dict[str, Any] = {}
        for as_numbers, strategy in (
            (True, config.numeric_strategy),
            (False, config.text_strategy),
        ):
            group = [c for c in columns if _is_number(frame[c]) == as_numbers]
            if not group:
                continue
            if strategy == "constant":
                values.update(dict.fromkeys(group, self._constant(config, as_numbers)))
            else:
                learned = self._learned(frame, group, strategy, as_numbers)
                values.update(zip(group, learned, strict=True))
        return ImputeTransform({c: values[c] for c in columns})

    def run(self, ctx: StepContext, train: Table, test: Table | None = None) -> dict[str, Table]:
        outputs = super().run(ctx, train, test)
        transform = outputs["train"].lineage[-1]
        assert isinstance(transform, ImputeTransform)
        tables = [("train", train), ("test", test)]
        total = 0
        for column, value in transform.values.items():
            counts = {p: int(t.frame[column].isna().sum()) for p, t in tables if t is not None}
            total += sum(counts.values())
            if any(counts.values()):
                filled = ", ".join(f"{n} in {p}" for p, n in counts.items())
                ctx.log(f"'{column}': filled {filled} with {value!r}")
        ctx.log(
            f"imputed {_count(len(transform.values), 'column')}, "
            f"{_count(total, 'missing value')} filled"
        )
        return outputs


@register_block
class OneHot(_FitApply):
    """One-hot encode categorical columns into float columns named ``column=value``.

    Categories are those seen in train, sorted. A missing value is encoded as all zeros; so is a
    value not seen in train, unless handle_unknown is "error". An empty ``columns`` list means
    every text, category and boolean column but the label.
    """

    key = "feature.one_hot"
    title = "One-hot encode"
    example_configs = [{}, {"columns": ["petal width (cm)"], "handle_unknown": "error"}]

    class Config(BlockConfig):
        columns: list[str] = _columns_field(
            "Columns to encode; empty: every non-numeric column but the label."
        )
        max_categories: int = Field(
            50,
            ge=2,
            le=1000,
            description="Refuse a column with more distinct values than this in train.",
        )
        handle_unknown: Literal["ignore", "error"] = Field(
            "ignore", description="A value not seen in train: all zeros (ignore), or fail."
        )

    def default_column(self, series: pd.Series) -> bool:
        return not _is_number(series) and not _is_datetime(series)

    def fit(self, ctx: StepContext, train: Table, columns: list[str]) -> FittedTransform:
        config, frame = ctx.config, train.frame
        categories: dict[str, list[Any]] = {}
        for column in columns:
            seen = [json_value(v) for v in frame[column].dropna().unique()]
            if len(seen) > config.max_categories:
                raise BlockRunError(
                    f"column '{column}' has {len(seen)} distinct values in train, more than "
                    f"max_categories ({config.max_categories}); raise it or drop the column",
                    field="max_categories",
                    column=column,
                )
            categories[column] = _sorted(seen)
        new = [n for c, cats in categories.items() for n in OneHotTransform.names(c, cats)]
        _refuse_clash(frame, columns, new)
        counts = ", ".join(f"'{c}' ({len(cats)})" for c, cats in categories.items())
        ctx.log(
            f"one-hot encoded {_count(len(columns), 'column')} into {len(new)}: {counts or 'none'}"
        )
        return OneHotTransform(categories, config.handle_unknown)
