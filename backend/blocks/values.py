"""The values that travel along edges: tables, fitted transforms and trained models.

A Table is a DataFrame plus what is needed to serve a model trained on it from raw rows: the
label column (``target``), the schema of the raw rows ingest produced, and the lineage of fitted
transforms applied since. A fitted transform's state is plain JSON, so lineage is readable in the
UI, stored in artifact metadata, and loaded without running any code from the file.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, ClassVar, Literal

import numpy as np
import pandas as pd

from backend.blocks.schema import TableSchema
from backend.errors import UserError

Task = Literal["classification", "regression"]


class FittedTransform:
    """A transform fitted on train data; applied to test rows and, at serving time, to raw rows.

    Subclasses hold only JSON-serialisable state and register themselves by ``kind``.
    """

    #: Stable name in serialised lineage; never reuse one for a different behaviour.
    kind: ClassVar[str]
    _kinds: ClassVar[dict[str, type[FittedTransform]]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "kind" in cls.__dict__:
            FittedTransform._kinds[cls.kind] = cls

    def apply(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Transform `frame` (a copy is returned; the input is left alone)."""
        raise NotImplementedError

    def params(self) -> dict[str, Any]:
        """The fitted state as JSON-serialisable values."""
        raise NotImplementedError

    @classmethod
    def from_params(cls, params: dict[str, Any]) -> FittedTransform:
        """Rebuild from `params()` output."""
        return cls(**params)

    def to_json(self) -> dict[str, Any]:
        """``{"kind": ..., "params": {...}}``."""
        return {"kind": self.kind, "params": self.params()}

    @staticmethod
    def from_json(data: dict[str, Any]) -> FittedTransform:
        """Rebuild any registered transform from `to_json()` output."""
        kind = data.get("kind")
        cls = FittedTransform._kinds.get(str(kind))
        if cls is None:
            raise ValueError(f"unknown transform kind {kind!r} in lineage")
        return cls.from_params(dict(data.get("params") or {}))


def lineage_to_json(lineage: tuple[FittedTransform, ...]) -> list[dict[str, Any]]:
    """Serialise a lineage."""
    return [step.to_json() for step in lineage]


def lineage_from_json(data: list[dict[str, Any]]) -> tuple[FittedTransform, ...]:
    """Rebuild a lineage."""
    return tuple(FittedTransform.from_json(item) for item in data)


def apply_lineage(frame: pd.DataFrame, lineage: tuple[FittedTransform, ...]) -> pd.DataFrame:
    """Apply every transform of a lineage in order."""
    for step in lineage:
        frame = step.apply(frame)
    return frame


@dataclass(frozen=True)
class Table:
    """Rows flowing between blocks, with their label column and how they were derived."""

    frame: pd.DataFrame
    #: The label column, when known (ingest sets it; feature blocks leave it alone).
    target: str | None = None
    #: Columns of the raw rows ingest produced: what a served model takes.
    raw_schema: TableSchema | None = None
    lineage: tuple[FittedTransform, ...] = field(default_factory=tuple)

    def with_frame(self, frame: pd.DataFrame, *steps: FittedTransform) -> Table:
        """A table with new rows and `steps` appended to the lineage."""
        return replace(self, frame=frame, lineage=(*self.lineage, *steps))

    def feature_columns(self) -> list[str]:
        """Every column but the target."""
        return [str(c) for c in self.frame.columns if c != self.target]

    def require_columns(self, names: list[str], *, field: str = "columns") -> None:
        """Raise a UserError naming the first column in `names` that the table lacks."""
        missing = [n for n in names if n not in self.frame.columns]
        if missing:
            raise UserError(
                f"column '{missing[0]}' is not in the input table "
                f"(columns: {', '.join(map(str, self.frame.columns))})",
                field=field,
                column=missing[0],
            )


@dataclass
class TrainedModel:
    """A fitted estimator with everything needed to predict from raw rows."""

    #: How the estimator is stored: ``sklearn`` (skops) or ``torch_mlp`` (state dict).
    flavor: str
    task: Task
    estimator: Any
    #: Columns (after the lineage) the estimator takes, in order.
    features: list[str]
    target: str
    #: Class labels in the estimator's order (classification only).
    classes: list[Any] | None = None
    lineage: tuple[FittedTransform, ...] = ()
    #: Raw input columns ``[{"name", "dtype"}]`` a prediction request must provide.
    signature: list[dict[str, str]] = field(default_factory=list)
    #: Flavor-specific settings needed to rebuild the estimator (e.g. layer sizes).
    spec: dict[str, Any] = field(default_factory=dict)
    #: What produced it: block key and version, hyper-parameters.
    info: dict[str, Any] = field(default_factory=dict)

    def prepare(self, raw: pd.DataFrame) -> pd.DataFrame:
        """Raw rows to the estimator's feature matrix (lineage applied, columns ordered)."""
        return apply_lineage(raw, self.lineage)[self.features]

    def predict_prepared(self, features: pd.DataFrame) -> np.ndarray:
        """Predictions for rows already in feature space."""
        return np.asarray(self.estimator.predict(features))

    def predict_proba_prepared(self, features: pd.DataFrame) -> np.ndarray | None:
        """Class probabilities for rows in feature space, or None when not available."""
        if self.task != "classification" or not hasattr(self.estimator, "predict_proba"):
            return None
        return np.asarray(self.estimator.predict_proba(features))

    def predict(self, raw: pd.DataFrame) -> np.ndarray:
        """Predictions for raw rows, as ingest saw them."""
        return self.predict_prepared(self.prepare(raw))

    def predict_proba(self, raw: pd.DataFrame) -> np.ndarray | None:
        """Class probabilities for raw rows, or None."""
        return self.predict_proba_prepared(self.prepare(raw))
