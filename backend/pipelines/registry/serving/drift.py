"""Drift: how far recent inputs are from the training rows, feature by feature.

The baseline (`training_stats`) describes each raw input column of the training rows: for a
numeric one, cut points at the deciles of its values and the share of rows in each bin; for a
text, category or boolean one, the share of each of its most frequent values (the rest pooled as
"(other)"); for both, the share of missing values. `drift_report` bins recent inputs the same way
and computes the population stability index

    PSI = sum over bins of (actual - expected) * ln(actual / expected)

with shares floored at 1e-4, so that an empty bin counts without dividing by zero. The usual
reading: below 0.1 stable, 0.1 to 0.2 a moderate shift, above `DRIFT_THRESHOLD` (0.2) drift.
"""

from __future__ import annotations

import itertools
import math
from typing import Any

import numpy as np
import pandas as pd

NUMERIC_BINS = 10
MAX_CATEGORIES = 20
DRIFT_THRESHOLD = 0.2
FLOOR = 1e-4
NULL, OTHER = "(null)", "(other)"
NUMERIC_DTYPES = ("float64", "int64")
CATEGORICAL_DTYPES = ("string", "category", "bool")


def training_stats(frame: pd.DataFrame, signature: list[dict[str, str]]) -> dict[str, Any]:
    """The drift baseline of `frame`'s signature columns (dates and unknown types left out)."""
    features: dict[str, Any] = {}
    for column in signature:
        name, dtype = column["name"], column.get("dtype", "")
        if name not in frame.columns or len(frame) == 0:
            continue
        if dtype in NUMERIC_DTYPES:
            features[name] = _numeric_stats(frame[name])
        elif dtype in CATEGORICAL_DTYPES:
            features[name] = _categorical_stats(frame[name])
    return {"rows": len(frame), "features": features}


def _numeric_stats(series: pd.Series) -> dict[str, Any]:
    values = pd.to_numeric(series, errors="coerce").to_numpy(dtype="float64")
    present = values[~np.isnan(values)]
    cuts = (
        np.unique(np.quantile(present, np.linspace(0, 1, NUMERIC_BINS + 1)[1:-1]))
        if len(present)
        else np.array([])
    )
    counts = np.bincount(np.searchsorted(cuts, present, side="right"), minlength=len(cuts) + 1)
    total = len(values)
    return {
        "kind": "numeric",
        "cuts": cuts.tolist(),
        "shares": (counts / total).tolist(),
        "null": float((total - len(present)) / total),
        "mean": float(present.mean()) if len(present) else None,
        "std": float(present.std()) if len(present) else None,
        "min": float(present.min()) if len(present) else None,
        "max": float(present.max()) if len(present) else None,
    }


def _key(value: Any) -> str:
    return str(value.item() if isinstance(value, np.generic) else value)


def _categorical_stats(series: pd.Series) -> dict[str, Any]:
    total = len(series)
    counts = series.dropna().map(_key).value_counts().sort_index()
    counts = counts.sort_values(ascending=False, kind="stable")  # ties by value, so stable
    top = counts.iloc[:MAX_CATEGORIES]
    return {
        "kind": "categorical",
        "categories": {str(k): float(v / total) for k, v in top.items()},
        "other": float(counts.iloc[MAX_CATEGORIES:].sum() / total),
        "null": float(series.isna().sum() / total),
        "distinct": len(counts),
    }


def drift_report(
    stats: dict[str, Any], rows: list[dict[str, Any]], *, signature: list[dict[str, str]]
) -> dict[str, Any]:
    """PSI per feature of `rows` (recent inputs, as sent) against the baseline `stats`.

    Features come in the order of `signature`, not of `stats`: a stored baseline's keys do not
    keep their order (PostgreSQL's jsonb sorts them).
    """
    baselines: dict[str, Any] = stats.get("features", {})
    features = []
    for name in _feature_order(baselines, signature):
        baseline = baselines[name]
        values = [row.get(name) for row in rows if isinstance(row, dict)]
        if baseline["kind"] == "numeric":
            bins = _numeric_bins(baseline, values)
        else:
            bins = _categorical_bins(baseline, values)
        psi = sum(b["psi"] for b in bins) if values else None
        features.append(
            {
                "name": name,
                "kind": baseline["kind"],
                "psi": psi,
                "drift": psi is not None and psi > DRIFT_THRESHOLD,
                "bins": bins,
            }
        )
    return {
        "inputs": len(rows),
        "training_rows": stats.get("rows"),
        "threshold": DRIFT_THRESHOLD,
        "drift": any(feature["drift"] for feature in features),
        "features": features,
    }


def _feature_order(baselines: dict[str, Any], signature: list[dict[str, str]]) -> list[str]:
    names = [column["name"] for column in signature if column["name"] in baselines]
    return names + sorted(set(baselines) - set(names))


def _contribution(expected: float, actual: float) -> float:
    e, a = max(expected, FLOOR), max(actual, FLOOR)
    return (a - e) * math.log(a / e)


def _bin(label: str, expected: float, actual: float) -> dict[str, Any]:
    return {
        "bin": label,
        "expected": expected,
        "actual": actual,
        "psi": _contribution(expected, actual),
    }


def _numeric_labels(cuts: list[float]) -> list[str]:
    if not cuts:
        return ["all"]
    labels = [f"< {cuts[0]:.4g}"]
    labels += [f"{lo:.4g} to {hi:.4g}" for lo, hi in itertools.pairwise(cuts)]
    return [*labels, f">= {cuts[-1]:.4g}"]


def _numeric_bins(baseline: dict[str, Any], values: list[Any]) -> list[dict[str, Any]]:
    cuts = np.asarray(baseline["cuts"], dtype="float64")
    numbers = np.asarray(
        [v for v in values if isinstance(v, (int, float)) and not isinstance(v, bool)],
        dtype="float64",
    )
    numbers = numbers[~np.isnan(numbers)]
    total = len(values) or 1
    counts = np.bincount(np.searchsorted(cuts, numbers, side="right"), minlength=len(cuts) + 1)
    labels = _numeric_labels(baseline["cuts"])
    bins = [
        _bin(label, float(share), float(count / total))
        for label, share, count in zip(labels, baseline["shares"], counts, strict=True)
    ]
    nulls = (len(values) - len(numbers)) / total if values else 0.0
    if baseline["null"] or nulls:
        bins.append(_bin(NULL, baseline["null"], nulls))
    return bins


def _categorical_bins(baseline: dict[str, Any], values: list[Any]) -> list[dict[str, Any]]:
    total = len(values) or 1
    # Most frequent first, as computed; the stored mapping may have lost that order.
    categories = dict(sorted(baseline["categories"].items(), key=lambda item: (-item[1], item[0])))
    counts = dict.fromkeys(categories, 0)
    other = nulls = 0
    for value in values:
        if value is None:
            nulls += 1
        elif (key := _key(value)) in counts:
            counts[key] += 1
        else:
            other += 1
    bins = [_bin(key, share, counts[key] / total) for key, share in categories.items()]
    if baseline["other"] or other:
        bins.append(_bin(OTHER, baseline["other"], other / total))
    if baseline["null"] or nulls:
        bins.append(_bin(NULL, baseline["null"], nulls / total))
    return bins


def percentile(values: list[float], q: float) -> float | None:
    """The q-th percentile (0 to 100) of `values`, or None when there are none."""
    if not values:
        return None
    return float(np.percentile(np.asarray(values, dtype="float64"), q))
