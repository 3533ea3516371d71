"""Loaded models: a bounded per-process cache by artifact digest, and predict."""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from backend.blocks.tables import json_value
from backend.blocks.values import TrainedModel
from backend.engine.modelio import load_model
from backend.errors import UserError
from backend.pipelines.registry.serving.rows import (
    Batch,
    ColumnSpec,
    RowError,
    column_specs,
    parse_rows,
)

#: Loaded models kept per process.
CACHE_SIZE = 8


@dataclass(frozen=True)
class ServedModel:
    """A loaded model with its signature's checks, ready to answer requests."""

    model: TrainedModel
    specs: tuple[ColumnSpec, ...]

    @classmethod
    def from_bytes(cls, data: bytes) -> ServedModel:
        """Load a model file (modelio: nothing in it can run code)."""
        model = load_model(data)
        return cls(model, column_specs(model.signature))

    def parse(self, body: dict[str, Any]) -> Batch:
        """Check a predict body's rows against this model's signature."""
        return parse_rows(body, self.specs)

    def predict(self, frame: pd.DataFrame, *, probabilities: bool = False) -> dict[str, Any]:
        """``{"predictions": [...]}``, plus ``"probabilities": [{class: p}]`` when asked."""
        model = self.model
        try:
            features = model.prepare(frame)
            predicted = model.predict_prepared(features)
            proba = model.predict_proba_prepared(features) if probabilities else None
        except UserError:
            raise
        except (ValueError, TypeError, KeyError) as exc:
            raise _predict_error(frame, exc) from exc
        # Some estimators (a torch network) answer NaN for a missing input instead of refusing.
        bad = _first_non_finite(predicted)
        if bad is None and proba is not None:
            bad = _first_non_finite(proba)
        if bad is not None:
            raise _predict_error(
                frame, ValueError(f"row {bad}: the model's answer is not a finite number")
            )
        out: dict[str, Any] = {"predictions": [json_value(v) for v in predicted.tolist()]}
        if probabilities:
            if proba is None:
                raise UserError(
                    "this model gives no class probabilities (it is a regressor, or its "
                    "estimator has none): leave out 'probabilities'",
                    field="probabilities",
                )
            labels = [str(json_value(c)) for c in (model.classes or [])]
            out["probabilities"] = [dict(zip(labels, row, strict=True)) for row in proba.tolist()]
        return out


def _first_non_finite(values: np.ndarray) -> int | None:
    """The first row of a numeric answer holding NaN or an infinity; None when all are finite."""
    array = np.asarray(values)
    if array.dtype.kind not in "fc" or array.size == 0:
        return None
    bad = ~np.isfinite(array)
    if bad.ndim > 1:
        bad = bad.reshape(bad.shape[0], -1).any(axis=1)
    rows = np.flatnonzero(bad)
    return int(rows[0]) if rows.size else None


def _predict_error(frame: pd.DataFrame, exc: Exception) -> UserError:
    """The model refused the rows: blame the first missing value if there is one."""
    holes = frame.isna().to_numpy()
    if holes.any():
        row, col = (int(i) for i in np.argwhere(holes)[0])
        name = str(frame.columns[col])
        return RowError(
            f"row {row}: column '{name}' is null, and this model cannot fill in missing "
            "values: send a value (or add an impute block before training)",
            field="instances",
            row=row,
            column=name,
        )
    return UserError(f"the model could not predict these rows: {exc}", code="predict_failed")


class ModelCache:
    """Loaded models by artifact digest; the least recently used go beyond `maxsize`.

    A model file is content-addressed, so a digest always names the same model: entries never go
    stale, and a stage change (which only changes which digest a request resolves to) takes
    effect on the next request. Concurrent first requests for one digest load it once.
    """

    def __init__(self, maxsize: int = CACHE_SIZE) -> None:
        if maxsize < 1:
            raise ValueError("maxsize must be at least 1")
        self.maxsize = maxsize
        self._items: OrderedDict[str, ServedModel] = OrderedDict()
        self._loading: dict[str, threading.Lock] = {}
        self._lock = threading.Lock()
        #: Files read so far (for tests and the monitoring of this process).
        self.loads = 0

    def get(self, digest: str, read: Callable[[], bytes]) -> ServedModel:
        """The model with `digest`; `read()` gives its bytes when it is not loaded yet."""
        with self._lock:
            hit = self._items.get(digest)
            if hit is not None:
                self._items.move_to_end(digest)
                return hit
            loading = self._loading.setdefault(digest, threading.Lock())
        with loading:
            with self._lock:
                hit = self._items.get(digest)
                if hit is not None:
                    return hit
            data = read()
            if hashlib.sha256(data).hexdigest() != digest:
                raise ValueError(f"the stored model file {digest[:12]} does not match its digest")
            served = ServedModel.from_bytes(data)
            with self._lock:
                self.loads += 1
                self._items[digest] = served
                while len(self._items) > self.maxsize:
                    self._items.popitem(last=False)
                self._loading.pop(digest, None)
            return served

    def __contains__(self, digest: object) -> bool:
        with self._lock:
            return digest in self._items

    def __len__(self) -> int:
        with self._lock:
            return len(self._items)

    def clear(self) -> None:
        """Forget every loaded model."""
        with self._lock:
            self._items.clear()


#: This process's cache.
models = ModelCache()
