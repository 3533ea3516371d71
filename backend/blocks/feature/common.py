"""What the feature blocks share: column checks, dtype tests and column splicing.

Helpers here raise BlockRunError naming the column at fault, so each block's messages read
the same way.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from pydantic import Field

from backend.blocks.base import BlockRunError, ConfigIssue
from backend.blocks.schema import Column, TableSchema
from backend.blocks.tables import dtype_name
from backend.blocks.values import Table

Schemas = dict[str, TableSchema | None]
NUMBER_DTYPES = ("int64", "float64")
#: A float label with more distinct values than this is treated as continuous (not stratified).
MAX_FLOAT_CLASSES = 20


def _columns_field(description: str) -> Any:
    return Field(
        default_factory=list, description=description, json_schema_extra={"widget": "columns"}
    )


def _is_number(series: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)


def _is_datetime(series: pd.Series) -> bool:
    return pd.api.types.is_datetime64_any_dtype(series)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _not_numeric(column: str, dtype: str) -> str:
    kind = "text" if dtype == "string" else dtype
    return f"column '{column}' is {kind}; one-hot encode it first (feature.one_hot) or drop it"


def _floats(frame: pd.DataFrame, columns: list[str]) -> np.ndarray:
    """The columns as a float64 matrix (missing values as NaN)."""
    try:
        return frame[columns].to_numpy(dtype="float64", na_value=np.nan)
    except (TypeError, ValueError):
        bad = next(c for c in columns if not _is_number(frame[c]))
        raise BlockRunError(
            _not_numeric(bad, dtype_name(frame[bad].dtype)), field="columns", column=bad
        ) from None


def _present(frame: pd.DataFrame, columns: list[str]) -> None:
    """Raise when rows lack a column a fitted transform needs."""
    for column in columns:
        if column not in frame.columns:
            raise BlockRunError(
                f"column '{column}' is missing from the rows; a fitted feature step needs it, "
                "so send it with every row",
                column=column,
            )


def _require(table: Table, columns: list[str], *, port: str, field: str = "columns") -> None:
    for column in columns:
        if column not in table.frame.columns:
            raise BlockRunError(
                f"column '{column}' is not in the {port} table "
                f"(columns: {', '.join(map(str, table.frame.columns))}); "
                "pick one of those or change the upstream block",
                field=field,
                port=port,
                column=column,
            )


def _splice(frame: pd.DataFrame, replace: dict[str, pd.DataFrame | None]) -> pd.DataFrame:
    """`frame` with each named column replaced in place by new columns (None: removed)."""
    pieces = [replace[name] if name in replace else frame[[name]] for name in frame.columns]
    kept = [piece for piece in pieces if piece is not None]
    return pd.concat(kept, axis=1) if kept else frame.iloc[:, :0].copy()


def _splice_schema(schema: TableSchema, replace: dict[str, list[Column]]) -> TableSchema:
    """The schema analogue of `_splice` (an empty list removes the column)."""
    columns = [new for old in schema.columns for new in replace.get(old.name, [old])]
    return TableSchema(tuple(columns))


def _refuse_clash(frame: pd.DataFrame, replaced: list[str], new: list[str]) -> None:
    taken = set(frame.columns) - set(replaced)
    for name in new:
        if name in taken:
            raise BlockRunError(
                f"output column '{name}' already exists in the table; rename or drop it first",
                field="columns",
                column=name,
            )


def _require_numbers(frame: pd.DataFrame, columns: list[str]) -> None:
    for column in columns:
        if not _is_number(frame[column]):
            dtype = dtype_name(frame[column].dtype)
            raise BlockRunError(_not_numeric(column, dtype), field="columns", column=column)


def _require_observed(frame: pd.DataFrame, columns: list[str], fix: str) -> None:
    for column in columns:
        if frame[column].isna().all():
            raise BlockRunError(
                f"column '{column}' has no values in train to learn from; {fix}",
                field="columns",
                column=column,
            )


def _no_holes(values: np.ndarray, columns: list[str]) -> None:
    holes = np.isnan(values).any(axis=0)
    if holes.any():
        column = columns[int(np.argmax(holes))]
        raise BlockRunError(
            f"column '{column}' has missing values; fill them first (feature.impute)",
            field="columns",
            column=column,
        )


def _nonzero(scale: np.ndarray) -> np.ndarray:
    """`scale` with (near) zeros replaced by 1, as scikit-learn does for constant columns."""
    return np.where(scale < 10 * np.finfo("float64").eps, 1.0, scale)


def _sorted(values: list[Any]) -> list[Any]:
    """Categories in a deterministic order: natural when comparable, else by type and text."""
    try:
        return sorted(values)
    except TypeError:
        return sorted(values, key=lambda v: (type(v).__name__, str(v)))


def _numbers_only(config: Any, schema: TableSchema) -> list[ConfigIssue]:
    return [
        ConfigIssue(_not_numeric(name, dtype), field="columns", port="train", column=name)
        for name in config.columns
        if (dtype := schema.dtype_of(name)) not in NUMBER_DTYPES
    ]
