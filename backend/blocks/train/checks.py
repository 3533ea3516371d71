"""What both trainers share: config fields, and checks of the target, the task and features.

The rule ``task: auto`` follows is in the package docstring.
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
import pandas as pd
from pydantic import Field

from backend.blocks.base import (
    BlockRunError,
    ConfigIssue,
    StepContext,
    TableSchema,
    missing_columns,
)
from backend.blocks.tables import dtype_name
from backend.blocks.values import Table, Task, TrainedModel

TaskChoice = Literal["auto", "classification", "regression"]
#: A float target with at most this many distinct whole numbers is taken for class ids.
FEW_CLASSES = 10
#: An integer target with more distinct values than this gets a warning under ``task: auto``.
MANY_CLASSES = 50
SEED = Field(0, ge=0, le=2**32 - 1, description="Random seed: the same seed, the same model.")
TASK = Field(
    "auto",
    description="What to predict. auto: classification for bool, text or integer targets "
    "(or floats with a few whole-number values), regression for other floats.",
)
TARGET = Field(
    None,
    description="The label column; empty: the table's target (set in the ingest block).",
    json_schema_extra={"widget": "column"},
)


def task_of_dtype(dtype: str | None) -> Task | None:
    """The task `auto` picks for a target of this dtype, or None when its values decide."""
    if dtype in ("bool", "string", "category", "int64"):
        return "classification"
    return None


def infer_task(target: pd.Series) -> Task:
    """The task `auto` picks for a target column (the rule in the package docstring)."""
    known = task_of_dtype(dtype_name(target.dtype))
    if known is not None or not pd.api.types.is_numeric_dtype(target):
        return known or "classification"
    distinct = target.dropna().unique()
    whole = bool(np.all(np.mod(distinct, 1) == 0))
    return "classification" if whole and len(distinct) <= FEW_CLASSES else "regression"


def resolve_target(table: Table, configured: str | None) -> str:
    """The label column: the configured one, else the table's; it must exist."""
    target = configured or table.target
    if not target:
        raise BlockRunError(
            "the table has no label column: set 'target' here or in the ingest block",
            field="target",
            port="train",
        )
    if target not in table.frame.columns:
        raise BlockRunError(
            f"target column '{target}' is not in the table "
            f"(columns: {', '.join(map(str, table.frame.columns))})",
            field="target",
            port="train",
            column=target,
        )
    return target


def training_target(
    ctx: StepContext, frame: pd.DataFrame, target: str, choice: TaskChoice
) -> tuple[pd.Series, Task]:
    """The target column and the task, refusing targets no estimator can learn from."""
    y = frame[target]
    place = {"field": "target", "port": "train", "column": target}
    if y.isna().any():
        raise BlockRunError(
            f"target '{target}' has {int(y.isna().sum())} missing values; "
            "remove those rows before training",
            **place,
        )
    task = infer_task(y) if choice == "auto" else choice
    numeric = pd.api.types.is_numeric_dtype(y) and not pd.api.types.is_bool_dtype(y)
    if task == "regression" and not numeric:
        raise BlockRunError(
            f"target '{target}' is {dtype_name(y.dtype)}; regression needs numbers "
            "(set task to classification)",
            **place,
        )
    if task == "classification":
        if pd.api.types.is_float_dtype(y) and not bool(np.all(np.mod(y.to_numpy(), 1) == 0)):
            raise BlockRunError(
                f"target '{target}' has fractional values, not class labels; "
                "set task to regression",
                **place,
            )
        classes = y.nunique()
        if classes < 2:
            raise BlockRunError(
                f"target '{target}' has a single class ({plain(y.iloc[:1])[0]!r}); "
                "classification needs at least two",
                **place,
            )
        if choice == "auto" and classes > MANY_CLASSES:
            ctx.log(
                f"target '{target}' has {classes} distinct values, treated as classes; "
                "set task to regression if it is a quantity",
                "warning",
            )
    return y, task


def check_features(
    frame: pd.DataFrame, columns: list[str], *, allow_nan: bool, port: str = "train"
) -> None:
    """Refuse feature columns an estimator cannot take: text, missing or infinite values."""
    if not columns:
        raise BlockRunError("the table has no feature columns besides the target", port=port)
    for name in columns:
        if not pd.api.types.is_numeric_dtype(frame[name]):
            kind = dtype_name(frame[name].dtype)
            fix = (
                "add feature.one_hot before this block to encode it"
                if kind in ("string", "category")
                else "drop it or turn it into numbers upstream"
            )
            raise BlockRunError(
                f"column '{name}' holds {kind} values; models take numbers: {fix}",
                port=port,
                column=name,
            )
    values = frame[columns]
    missing = [name for name in columns if values[name].isna().any()]
    if missing and not allow_nan:
        raise BlockRunError(
            f"column(s) {', '.join(repr(n) for n in missing)} have missing values this model "
            "cannot take; add feature.impute before this block",
            port=port,
            column=missing[0],
        )
    floats = [n for n in columns if pd.api.types.is_float_dtype(values[n])]
    infinite = [n for n in floats if np.isinf(values[n].to_numpy(dtype="float64")).any()]
    if infinite:
        raise BlockRunError(
            f"column(s) {', '.join(repr(n) for n in infinite)} have infinite values; "
            "remove or clip them upstream",
            port=port,
            column=infinite[0],
        )


def accepts_missing(model: TrainedModel) -> bool:
    """Whether a trained model's estimator takes NaN in its features."""
    return model.flavor == "sklearn" and _sklearn_allows_nan(model.estimator)


def _sklearn_allows_nan(estimator: Any) -> bool:
    from sklearn.utils import get_tags  # heavy: only with a scikit-learn estimator at hand

    return bool(get_tags(estimator).input_tags.allow_nan)


def signature_of(table: Table, target: str) -> list[dict[str, str]]:
    """Raw columns a prediction request provides: ingest's schema (or the table's) less target."""
    if table.raw_schema is not None:
        pairs = [(c.name, c.dtype) for c in table.raw_schema.columns]
    else:
        pairs = [(str(c), dtype_name(table.frame[c].dtype)) for c in table.frame.columns]
    return [{"name": name, "dtype": dtype} for name, dtype in pairs if name != target]


def plain(values: Any) -> list[Any]:
    """Labels as JSON-friendly Python scalars."""
    return [v.item() if isinstance(v, np.generic) else v for v in values]


def target_issues(
    config: Any, schema: TableSchema | None, supported: tuple[Task, ...], algorithm: str
) -> list[ConfigIssue]:
    """Validation-time problems: an unknown target; a task the algorithm cannot do."""
    issues: list[ConfigIssue] = []
    task = config.task
    if config.target:
        issues = missing_columns(schema, [config.target], field="target", port="train")
        if task == "auto" and schema is not None and not issues:
            task = task_of_dtype(schema.dtype_of(config.target)) or "auto"
    if task != "auto" and task not in supported:
        reason = mismatch(algorithm, task, config.target if config.task == "auto" else None)
        issues.append(ConfigIssue(reason, field="algorithm"))
    return issues


def mismatch(algorithm: str, task: Task, inferred_from: str | None = None) -> str:
    """Why an algorithm cannot train here, and what to change."""
    why = f" (task auto reads target '{inferred_from}' as {task})" if inferred_from else ""
    return f"{algorithm} cannot do {task}{why}; pick another algorithm or set the task"
