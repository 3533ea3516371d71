"""The fitted transforms the feature blocks record in lineage (state: plain JSON).

Each registers itself by ``kind`` on definition, so lineage read back from storage finds it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd

from backend.blocks.base import BlockRunError
from backend.blocks.feature.common import _floats, _no_holes, _present, _splice
from backend.blocks.values import FittedTransform


@dataclass
class _Transform(FittedTransform):
    """A fitted transform whose state is its dataclass fields, all JSON values."""

    def params(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class SelectColumnsTransform(_Transform):
    """Keep or drop columns; a kept label is optional, so raw rows need not carry it."""

    kind = "select_columns"
    mode: str
    columns: list[str]
    target: str | None = None

    def apply(self, frame: pd.DataFrame) -> pd.DataFrame:
        if self.mode == "drop":
            return frame.drop(columns=[c for c in self.columns if c in frame.columns])
        _present(frame, self.columns)
        keep = {*self.columns, self.target}
        return frame[[c for c in frame.columns if c in keep]].copy()


@dataclass
class ImputeTransform(_Transform):
    """Fill missing values with one value per column."""

    kind = "impute"
    values: dict[str, Any]

    def apply(self, frame: pd.DataFrame) -> pd.DataFrame:
        _present(frame, list(self.values))
        out = frame.copy()
        for column, value in self.values.items():
            series = out[column]
            if isinstance(series.dtype, pd.CategoricalDtype) and value not in series.cat.categories:
                series = series.cat.add_categories([value])
            out[column] = series.fillna(value)
        return out


@dataclass
class ScaleTransform(_Transform):
    """``(x - center) / scale`` per column, as float64; missing values stay missing."""

    kind = "scale"
    method: str
    columns: dict[str, dict[str, float]]

    def apply(self, frame: pd.DataFrame) -> pd.DataFrame:
        _present(frame, list(self.columns))
        out = frame.copy()
        for column, stats in self.columns.items():
            values = _floats(frame, [column])[:, 0]
            out[column] = (values - stats["center"]) / stats["scale"]
        return out


@dataclass
class OneHotTransform(_Transform):
    """Replace each column by one float64 column per train category, named ``col=value``.

    A missing value is all zeros; so is an unseen value, unless ``handle_unknown`` is "error".
    """

    kind = "one_hot"
    columns: dict[str, list[Any]]
    handle_unknown: str = "ignore"

    @staticmethod
    def names(column: str, categories: list[Any]) -> list[str]:
        return [f"{column}={value}" for value in categories]

    def apply(self, frame: pd.DataFrame) -> pd.DataFrame:
        _present(frame, list(self.columns))
        replace: dict[str, pd.DataFrame | None] = {}
        for column, categories in self.columns.items():
            values = frame[column]
            if self.handle_unknown == "error":
                unseen = values.notna() & ~values.isin(categories)
                if unseen.any():
                    raise BlockRunError(
                        f"column '{column}' has value {values[unseen].iloc[0]!r}, not seen in "
                        "train; set handle_unknown to 'ignore' to encode it as all zeros",
                        field="handle_unknown",
                        column=column,
                    )
            dummies = {
                name: values.isin([value]).to_numpy(dtype="float64")
                for name, value in zip(self.names(column, categories), categories, strict=True)
            }
            replace[column] = pd.DataFrame(dummies, index=frame.index, dtype="float64")
        return _splice(frame, replace)


@dataclass
class PcaTransform(_Transform):
    """Project columns on fitted principal components ``pc1..pcN``, in place of the first."""

    kind = "pca"
    columns: list[str]
    mean: list[float]
    components: list[list[float]]
    explained_variance: list[float]
    whiten: bool = False

    def apply(self, frame: pd.DataFrame) -> pd.DataFrame:
        _present(frame, self.columns)
        values = _floats(frame, self.columns)
        _no_holes(values, self.columns)
        components = np.asarray(self.components, dtype="float64")
        projected = values @ components.T - np.asarray(self.mean) @ components.T
        if self.whiten:
            scale = np.sqrt(np.asarray(self.explained_variance, dtype="float64"))
            projected /= np.maximum(scale, np.finfo("float64").eps)
        names = [f"pc{i + 1}" for i in range(len(components))]
        pcs = pd.DataFrame(projected, index=frame.index, columns=names)
        first = next(c for c in frame.columns if c in self.columns)
        return _splice(frame, {c: pcs if c == first else None for c in self.columns})
