"""Feature blocks that rework numeric columns: scale and pca."""

from __future__ import annotations

from typing import Any, Literal

import pandas as pd
from pydantic import Field

from backend.blocks.base import BlockConfig, BlockRunError, ConfigIssue, StepContext
from backend.blocks.feature.common import (
    NUMBER_DTYPES,
    _columns_field,
    _count,
    _floats,
    _is_number,
    _no_holes,
    _nonzero,
    _numbers_only,
    _refuse_clash,
    _require_numbers,
    _require_observed,
    _splice_schema,
)
from backend.blocks.feature.fit_apply import _FitApply
from backend.blocks.feature.transforms import PcaTransform, ScaleTransform
from backend.blocks.registry import register_block
from backend.blocks.schema import Column, TableSchema
from backend.blocks.values import FittedTransform, Table


@register_block
class Scale(_FitApply):
    """Scale numeric columns with statistics learned on train.

    standard: zero mean, unit variance; minmax: onto [0, 1] (over train's range); robust:
    median and interquartile range. A constant column is only centred. Missing values stay
    missing. An empty ``columns`` list means every numeric column but the label.
    """

    key = "feature.scale"
    title = "Scale"
    example_configs = [
        {},
        {"columns": ["sepal length (cm)", "petal width (cm)"], "method": "robust"},
        {"method": "minmax"},
    ]

    class Config(BlockConfig):
        columns: list[str] = _columns_field(
            "Numeric columns to scale; empty: every numeric column but the label."
        )
        method: Literal["standard", "minmax", "robust"] = Field(
            "standard", description="standard (z-score), minmax (0 to 1) or robust (median, IQR)."
        )

    def default_column(self, series: pd.Series) -> bool:
        return _is_number(series)

    def check_schema(self, config: Any, schema: TableSchema) -> list[ConfigIssue]:
        return _numbers_only(config, schema)

    def output_schema(self, config: Any, schema: TableSchema) -> TableSchema | None:
        if config.columns:
            scaled = set(config.columns)
            return TableSchema(
                tuple(Column(c.name, "float64") if c.name in scaled else c for c in schema.columns)
            )
        # Integer columns become floats, unless one is the label, which a schema does not name.
        return None if "int64" in {c.dtype for c in schema.columns} else schema

    def fit(self, ctx: StepContext, train: Table, columns: list[str]) -> FittedTransform:
        from sklearn import preprocessing  # heavy import, only when run

        method, frame = ctx.config.method, train.frame
        _require_numbers(frame, columns)
        _require_observed(frame, columns, "drop it or fill it first (feature.impute)")
        stats: dict[str, dict[str, float]] = {}
        if columns:
            values = _floats(frame, columns)
            if method == "standard":
                standard = preprocessing.StandardScaler().fit(values)
                center, scale = standard.mean_, standard.scale_
            elif method == "minmax":
                minmax = preprocessing.MinMaxScaler().fit(values)
                center, scale = minmax.data_min_, _nonzero(minmax.data_range_)
            else:
                robust = preprocessing.RobustScaler().fit(values)
                center, scale = robust.center_, robust.scale_
            stats = {
                column: {"center": float(c), "scale": float(s)}
                for column, c, s in zip(columns, center, scale, strict=True)
            }
        ctx.log(
            f"{method} scaling of {_count(len(columns), 'column')}, fitted on {len(frame)} rows"
        )
        return ScaleTransform(method, stats)


@register_block
class Pca(_FitApply):
    """Replace numeric columns by their principal components pc1..pcN, learned on train.

    The components take the place of the first replaced column. An empty ``columns`` list means
    every numeric column but the label; columns must have no missing values.
    """

    key = "feature.pca"
    title = "PCA"
    example_configs = [
        {"n_components": 2},
        {
            "columns": ["sepal length (cm)", "sepal width (cm)", "petal length (cm)"],
            "n_components": 3,
            "whiten": True,
        },
    ]

    class Config(BlockConfig):
        columns: list[str] = _columns_field(
            "Numeric columns to combine; empty: every numeric column but the label."
        )
        n_components: int = Field(
            2, ge=1, le=1000, description="Number of components (at most the columns used)."
        )
        whiten: bool = Field(False, description="Scale components to unit variance.")
        seed: int = Field(0, ge=0, le=2**32 - 1, description="Random seed (large inputs).")

    def default_column(self, series: pd.Series) -> bool:
        return _is_number(series)

    @staticmethod
    def _names(config: Any) -> list[str]:
        return [f"pc{i + 1}" for i in range(config.n_components)]

    def check_schema(self, config: Any, schema: TableSchema) -> list[ConfigIssue]:
        issues = _numbers_only(config, schema)
        numeric = [c.name for c in schema.columns if c.dtype in NUMBER_DTYPES]
        available = len(set(config.columns)) if config.columns else len(numeric)
        if config.n_components > available:
            issues.append(
                ConfigIssue(
                    f"n_components is {config.n_components}, but at most {available} numeric "
                    f"columns are combined; lower it to {available} or less",
                    field="n_components",
                    port="train",
                )
            )
        return issues

    def output_schema(self, config: Any, schema: TableSchema) -> TableSchema | None:
        if not config.columns:
            return None  # which numeric column is the label is not in the schema
        replaced = [name for name in schema.names if name in set(config.columns)]
        pcs = [Column(name, "float64") for name in self._names(config)]
        return _splice_schema(schema, {c: pcs if c == replaced[0] else [] for c in replaced})

    def fit(self, ctx: StepContext, train: Table, columns: list[str]) -> FittedTransform:
        from sklearn.decomposition import PCA  # heavy import, only when run

        config, frame = ctx.config, train.frame
        _require_numbers(frame, columns)
        for limit, what in ((len(columns), "numeric columns to combine"), (len(frame), "rows")):
            if config.n_components > limit:
                raise BlockRunError(
                    f"n_components is {config.n_components}, but train has only {limit} "
                    f"{what}; lower it to {limit} or less",
                    field="n_components",
                )
        values = _floats(frame, columns)
        _no_holes(values, columns)
        _refuse_clash(frame, columns, self._names(config))
        pca = PCA(n_components=config.n_components, whiten=config.whiten, random_state=config.seed)
        pca.fit(values)
        for i, ratio in enumerate(pca.explained_variance_ratio_, start=1):
            ctx.metric("explained_variance_ratio", float(ratio), step=i)
        ctx.log(
            f"pca: {_count(len(columns), 'column')} to {_count(config.n_components, 'component')}, "
            "explaining "
            f"{float(pca.explained_variance_ratio_.sum()):.1%} of the variance"
        )
        return PcaTransform(
            columns=columns,
            mean=pca.mean_.tolist(),
            components=pca.components_.tolist(),
            explained_variance=pca.explained_variance_.tolist(),
            whiten=config.whiten,
        )
