"""Pure helpers for pandas tables: schemas, JSON-safe previews and column statistics."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from backend.blocks.schema import Column, TableSchema


def dtype_name(dtype: Any) -> str:
    """A stable, readable dtype name: int64, float64, bool, string, datetime64[ns], category."""
    if pd.api.types.is_bool_dtype(dtype):
        return "bool"
    if isinstance(dtype, pd.CategoricalDtype):
        return "category"
    if pd.api.types.is_integer_dtype(dtype):
        return "int64"
    if pd.api.types.is_float_dtype(dtype):
        return "float64"
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return "datetime64[ns]"
    if pd.api.types.is_string_dtype(dtype) or pd.api.types.is_object_dtype(dtype):
        return "string"
    return str(dtype)


def schema_of(frame: pd.DataFrame) -> TableSchema:
    """The TableSchema of a DataFrame."""
    return TableSchema(tuple(Column(str(name), dtype_name(frame[name].dtype)) for name in frame))


def json_value(value: Any) -> Any:
    """A JSON-safe version of one cell: NaN/NaT become None, numpy scalars become Python."""
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, (np.generic,)):
        value = value.item()
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    if isinstance(value, (pd.Timestamp,)):
        return value.isoformat()
    if isinstance(value, (bytes, bytearray)):
        return value.decode("utf-8", errors="replace")
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return value


def preview_rows(frame: pd.DataFrame, limit: int) -> dict[str, Any]:
    """The first `limit` rows as ``{"columns": [...], "rows": [[...], ...]}``, JSON-safe."""
    head = frame.head(limit)
    rows = [[json_value(v) for v in row] for row in head.itertuples(index=False, name=None)]
    return {"columns": [str(c) for c in frame.columns], "rows": rows}


def column_stats(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Per-column statistics: dtype, nulls, distinct count, and min/max/mean/std for numbers."""
    stats = []
    for name in frame.columns:
        series = frame[name]
        entry: dict[str, Any] = {
            "name": str(name),
            "dtype": dtype_name(series.dtype),
            "nulls": int(series.isna().sum()),
            "distinct": int(series.nunique(dropna=True)),
        }
        if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
            # agg, not describe(): describe also sorts the column for percentiles never shown.
            described = series.agg(["min", "max", "mean", "std"])
            for key in ("min", "max", "mean", "std"):
                entry[key] = json_value(described.get(key))
        stats.append(entry)
    return stats
