"""Checking predict request rows against a model's signature, and building the frame.

A request's rows come in one of two shapes::

    {"instances": [{"sepal length (cm)": 5.1, ...}, ...]}
    {"columns": ["sepal length (cm)", ...], "data": [[5.1, ...], ...]}

Every row must carry exactly the signature's columns, each value of the column's type; the first
problem is reported with the row index and the column, and up to `MAX_REPORTED` problems are
listed in ``errors``.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from backend.errors import TooLargeError, UserError

#: Most rows one predict request may carry; batch scoring is for more.
MAX_ROWS = 10_000
#: Rows of each request (drawn at random) kept as the sample that monitoring and drift read.
SAMPLE_ROWS = 50
#: Problems listed in an error's ``errors`` (the first is also its message).
MAX_REPORTED = 20
#: Keys a predict body may have.
BODY_KEYS = ("instances", "columns", "data", "version", "stage", "probabilities")


class RowError(UserError):
    """A request row does not fit the model's signature."""

    code = "invalid_row"


@dataclass(frozen=True)
class ColumnSpec:
    """One signature column: its name, dtype, and how a JSON value is checked and converted."""

    name: str
    dtype: str
    #: What a value must be, for messages ("a number", "text", ...).
    expects: str
    check: Callable[[Any], Any]
    #: dtype of the built column (None: let pandas choose).
    numpy_dtype: str | None


def _float(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError
    return float(value)


def _int(value: Any) -> int:
    if isinstance(value, bool):
        raise TypeError
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    raise TypeError


def _bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise TypeError
    return value


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError
    return value


def _timestamp(value: Any) -> pd.Timestamp:
    if not isinstance(value, str):
        raise TypeError
    try:
        return pd.Timestamp(value)
    except ValueError:
        raise TypeError from None


def _anything(value: Any) -> Any:
    return value


_CHECKS: dict[str, tuple[str, Callable[[Any], Any], str | None]] = {
    "float64": ("a number", _float, "float64"),
    "int64": ("a whole number", _int, "int64"),
    "bool": ("true or false", _bool, "bool"),
    "string": ("text", _text, None),
    "category": ("text", _text, None),
    "datetime64[ns]": ("a date as ISO 8601 text", _timestamp, "datetime64[ns]"),
}


def column_specs(signature: list[dict[str, str]]) -> tuple[ColumnSpec, ...]:
    """The checks for a signature ``[{"name", "dtype"}, ...]``."""
    specs = []
    for column in signature:
        dtype = str(column.get("dtype", ""))
        expects, check, numpy_dtype = _CHECKS.get(dtype, ("a value", _anything, None))
        specs.append(ColumnSpec(str(column["name"]), dtype, expects, check, numpy_dtype))
    return tuple(specs)


def describe_value(value: Any) -> str:
    """A JSON value as a person would name it, for error messages."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return f"the number {value!r}"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f"the text {shown!r}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


@dataclass(frozen=True)
class Batch:
    """Checked request rows: the frame predict takes and the rows as sent (for the sample)."""

    frame: pd.DataFrame
    rows: list[dict[str, Any]]


class _Problems:
    """Collects row problems; raises the first one (with the rest listed) when asked."""

    def __init__(self) -> None:
        self.found: list[dict[str, Any]] = []

    def add(self, message: str, *, row: int, column: str | None = None) -> None:
        if len(self.found) < MAX_REPORTED:
            entry = {"message": message, "row": row}
            if column is not None:
                entry["column"] = column
            self.found.append(entry)

    @property
    def full(self) -> bool:
        return len(self.found) >= MAX_REPORTED

    def raise_first(self, field: str) -> None:
        if self.found:
            first = self.found[0]
            raise RowError(
                first["message"],
                field=field,
                row=first["row"],
                column=first.get("column"),
                errors=self.found if len(self.found) > 1 else None,
            )


def check_body(body: Any) -> None:
    """The body's top level: an object with known keys and one of the two row shapes."""
    if not isinstance(body, dict):
        raise UserError(
            'send a JSON object: {"instances": [{column: value, ...}]} or '
            '{"columns": [...], "data": [[...], ...]}'
        )
    unknown = [key for key in body if key not in BODY_KEYS]
    if unknown:
        raise UserError(
            f"unknown field '{unknown[0]}'; a predict body may have: {', '.join(BODY_KEYS)}",
            field=str(unknown[0]),
        )
    has_instances, has_table = "instances" in body, "columns" in body or "data" in body
    if has_instances == has_table:
        raise UserError(
            "send either 'instances' (a list of objects) or 'columns' and 'data' (a list of "
            "lists), not both and not neither",
            field="instances",
        )


def _row_count(rows: Any, field: str, shape: str) -> int:
    if not isinstance(rows, list):
        raise UserError(f"'{field}' must be a list of {shape}", field=field)
    if not rows:
        raise UserError(f"'{field}' is empty: send at least one row", field=field)
    if len(rows) > MAX_ROWS:
        raise TooLargeError(
            f"{len(rows)} rows in one request; the limit is {MAX_ROWS}: split the request, "
            "or score a dataset with .../versions/<n>/score/",
            field=field,
        )
    return len(rows)


def parse_rows(body: dict[str, Any], specs: tuple[ColumnSpec, ...]) -> Batch:
    """Check every row of a predict body against `specs`; a Batch, or RowError/UserError."""
    check_body(body)
    if "instances" in body:
        return _parse_instances(body["instances"], specs)
    return _parse_table(body.get("columns"), body.get("data"), specs)


def _parse_instances(instances: Any, specs: tuple[ColumnSpec, ...]) -> Batch:
    _row_count(instances, "instances", "objects, one per row")
    known = {spec.name for spec in specs}
    values: list[list[Any]] = [[] for _ in specs]
    problems = _Problems()
    for index, row in enumerate(instances):
        if problems.full:
            break
        if not isinstance(row, dict):
            problems.add(
                f"row {index} is {describe_value(row)}; each instance is an object of "
                "column: value",
                row=index,
            )
            continue
        for key in row:
            if key not in known:
                problems.add(
                    f"row {index}: column '{key}' is not an input of this model "
                    f"(inputs: {', '.join(sorted(known))})",
                    row=index,
                    column=str(key),
                )
        for spec, out in zip(specs, values, strict=True):
            if spec.name not in row:
                problems.add(
                    f"row {index}: column '{spec.name}' is missing", row=index, column=spec.name
                )
                continue
            out.append(_checked(spec, row[spec.name], index, problems))
    problems.raise_first("instances")
    return Batch(_frame(specs, values), sample(instances))


def _parse_table(columns: Any, data: Any, specs: tuple[ColumnSpec, ...]) -> Batch:
    if not isinstance(columns, list) or not all(isinstance(c, str) for c in columns):
        raise UserError("'columns' must be a list of column names", field="columns")
    if len(set(columns)) != len(columns):
        twice = next(c for c in columns if columns.count(c) > 1)
        raise UserError(f"column '{twice}' is listed twice", field="columns", column=twice)
    known = {spec.name for spec in specs}
    for name in columns:
        if name not in known:
            raise RowError(
                f"row 0: column '{name}' is not an input of this model (inputs: "
                f"{', '.join(sorted(known))})",
                field="columns",
                row=0,
                column=name,
            )
    for spec in specs:
        if spec.name not in columns:
            raise RowError(
                f"row 0: column '{spec.name}' is missing (it is not in 'columns')",
                field="columns",
                row=0,
                column=spec.name,
            )
    _row_count(data, "data", "lists, one per row")
    position = [columns.index(spec.name) for spec in specs]
    values: list[list[Any]] = [[] for _ in specs]
    problems = _Problems()
    for index, row in enumerate(data):
        if problems.full:
            break
        if not isinstance(row, list) or len(row) != len(columns):
            got = f"{len(row)} values" if isinstance(row, list) else describe_value(row)
            problems.add(
                f"row {index} has {got}; each row is a list of {len(columns)} values in the "
                "order of 'columns'",
                row=index,
            )
            continue
        for spec, at, out in zip(specs, position, values, strict=True):
            out.append(_checked(spec, row[at], index, problems))
    problems.raise_first("data")
    kept = [dict(zip(columns, row, strict=True)) for row in sample(data)]
    return Batch(_frame(specs, values), kept)


def sample(rows: list[Any]) -> list[Any]:
    """At most SAMPLE_ROWS of `rows`, drawn at random (a fixed stride would alias with
    periodic batches), in their order."""
    if len(rows) <= SAMPLE_ROWS:
        return list(rows)
    return [rows[i] for i in sorted(random.sample(range(len(rows)), SAMPLE_ROWS))]


def _checked(spec: ColumnSpec, value: Any, index: int, problems: _Problems) -> Any:
    if value is None:
        return None  # missing values are the model's business: see predict()
    try:
        return spec.check(value)
    except TypeError:
        problems.add(
            f"row {index}: column '{spec.name}' expects {spec.expects} ({spec.dtype}), "
            f"got {describe_value(value)}",
            row=index,
            column=spec.name,
        )
        return None


def _frame(specs: tuple[ColumnSpec, ...], values: list[list[Any]]) -> pd.DataFrame:
    columns: dict[str, Any] = {}
    for spec, column in zip(specs, values, strict=True):
        holes = any(v is None for v in column)
        if spec.numpy_dtype in ("float64", "int64"):
            dtype = "float64" if holes or spec.numpy_dtype == "float64" else "int64"
            columns[spec.name] = np.array([np.nan if v is None else v for v in column], dtype=dtype)
        elif spec.numpy_dtype == "bool" and not holes:
            columns[spec.name] = np.array(column, dtype=bool)
        elif spec.numpy_dtype == "datetime64[ns]":
            columns[spec.name] = pd.to_datetime(pd.Series(column, dtype=object))
        else:
            columns[spec.name] = _objects(column)
    return pd.DataFrame(columns, copy=False)


def _objects(values: list[Any]) -> np.ndarray:
    """A 1-d object array, even when the values are lists themselves."""
    out = np.empty(len(values), dtype=object)
    for index, value in enumerate(values):
        out[index] = value
    return out


def check_frame(frame: pd.DataFrame, specs: tuple[ColumnSpec, ...]) -> pd.DataFrame:
    """A stored table's signature columns, checked and converted like request rows (vectorised;
    other columns are left out). RowError names the first row and column that do not fit."""
    for spec in specs:
        if spec.name not in frame.columns:
            raise UserError(
                f"the dataset has no column '{spec.name}', an input of this model (it has: "
                f"{', '.join(map(str, frame.columns))})",
                field="dataset",
                column=spec.name,
            )
    return pd.DataFrame(
        {spec.name: _checked_column(frame[spec.name], spec) for spec in specs}, copy=False
    )


def _checked_column(series: pd.Series, spec: ColumnSpec) -> Any:
    series = series.reset_index(drop=True)
    present = series.notna()
    if spec.numpy_dtype in ("float64", "int64"):
        numbers = (
            pd.Series(np.nan, index=series.index)
            if pd.api.types.is_bool_dtype(series)
            else pd.to_numeric(series, errors="coerce")
        )
        bad = present & numbers.isna()
        if spec.numpy_dtype == "int64":
            bad |= numbers.notna() & (numbers % 1 != 0)
        _refuse_first(series, bad, spec)
        exact = spec.numpy_dtype == "int64" and not numbers.isna().any()
        return numbers.astype("int64" if exact else "float64")
    if spec.numpy_dtype == "bool":
        if pd.api.types.is_bool_dtype(series):
            return series
        _refuse_first(
            series, present & ~series.map(lambda v: isinstance(v, (bool, np.bool_))), spec
        )
        return series.astype(object)
    if spec.check is _text:
        _refuse_first(series, present & ~series.map(lambda v: isinstance(v, str)), spec)
        return series.astype(object)
    if spec.numpy_dtype == "datetime64[ns]":
        dates = pd.to_datetime(series, errors="coerce")
        _refuse_first(series, present & dates.isna(), spec)
        return dates
    return series


def _refuse_first(series: pd.Series, bad: pd.Series, spec: ColumnSpec) -> None:
    if not bad.any():
        return
    row = int(np.flatnonzero(bad.to_numpy())[0])
    value = series.iloc[row]
    value = value.item() if isinstance(value, np.generic) else value
    raise RowError(
        f"row {row}: column '{spec.name}' expects {spec.expects} ({spec.dtype}), got "
        f"{describe_value(value)}",
        field="dataset",
        row=row,
        column=spec.name,
    )
