"""The StepContext a block gets while it runs: config, events, cancellation, datasets and
model registration.
"""

from __future__ import annotations

import os
import socket
import threading
from dataclasses import dataclass, field
from typing import Any, Protocol

import pandas as pd
from django.db import transaction

from backend.blocks.base import StepCancelled
from backend.blocks.values import TrainedModel
from backend.engine.artifacts import ArtifactStore
from backend.engine.events.buffer import StepEventBuffer
from backend.engine.leases import lease_held_for_update
from backend.engine.values_io import StoredValue, store_value
from backend.pipelines.models import Dataset, Run, StepRun


class ModelRegistrar(Protocol):
    """Records a trained model as the next version of `name`; returns the version number.

    Called inside the transaction that holds the step's lease; registering the same step twice
    (a retry) gives the version registered the first time.
    """

    def __call__(
        self,
        *,
        run: Run,
        step: StepRun,
        name: str,
        stored: StoredValue,
        metrics: dict[str, float],
        model: TrainedModel,
    ) -> int: ...


_registrar: ModelRegistrar | None = None


def set_model_registrar(registrar: ModelRegistrar) -> None:
    """Install what ``ctx.register_model`` calls (the model registry does, at app start)."""
    global _registrar
    _registrar = registrar


def worker_name(pid: int | None = None) -> str:
    """How this process (or process `pid` of this host) is named in a step's record."""
    return f"{socket.gethostname()}:{os.getpid() if pid is None else pid}"


def detect_device() -> str:
    """``cuda`` when this worker has a usable GPU, else ``cpu``."""
    try:
        import torch  # heavy: only when a block may use it
    except ImportError:  # pragma: no cover - torch is a dependency
        return "cpu"
    return "cuda" if torch.cuda.is_available() else "cpu"


@dataclass
class StepRuntime:
    """The StepContext a block gets: config, events, cancellation, datasets, registry."""

    config: Any
    run: Run
    step: StepRun
    events: StepEventBuffer
    store: ArtifactStore
    device: str = "cpu"
    lease_lost: threading.Event = field(default_factory=threading.Event)
    cancel_seen: threading.Event = field(default_factory=threading.Event)

    def log(self, message: str, level: str = "info") -> None:
        """Record a log line."""
        self.events.log(message, level)

    def metric(self, key: str, value: float, step: int | None = None) -> None:
        """Record a metric value."""
        self.events.metric(key, value, step)

    def progress(self, fraction: float) -> None:
        """Report progress in [0, 1]."""
        self.events.progress(fraction)

    def cancelled(self) -> bool:
        """Whether to stop: the run was cancelled or this attempt lost its lease."""
        return self.cancel_seen.is_set() or self.lease_lost.is_set()

    def read_dataset(self, dataset_id: int) -> pd.DataFrame:
        """An uploaded dataset of this run's workspace as a DataFrame."""
        key = (
            Dataset.objects.filter(workspace_id=self.run.workspace_id, pk=dataset_id)
            .values_list("storage_key", flat=True)
            .first()
        )
        if key is None or not self.store.exists(key):
            raise LookupError(dataset_id)
        with self.store.open(key) as handle:
            return pd.read_parquet(handle)

    def register_model(self, name: str, model: Any, metrics: dict[str, float]) -> int:
        """Register `model` as the next version of `name` (once per step, however retried)."""
        if not isinstance(model, TrainedModel):
            raise TypeError("register_model takes a TrainedModel")
        if _registrar is None:
            raise RuntimeError("no model registry is installed in this process")
        stored = store_value(self.store, "model", model)
        with transaction.atomic():
            # Fenced by the lease: an attempt that lost it must not publish.
            if not lease_held_for_update(step_id=self.step.pk, attempt=self.step.attempt):
                raise StepCancelled("this attempt no longer holds the step's lease")
            return _registrar(
                run=self.run, step=self.step, name=name, stored=stored, metrics=metrics, model=model
            )
