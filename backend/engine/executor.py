"""Runs one attempt of one step: claim the lease, load inputs, run the block, store outputs.

While the block runs, a supervisor thread flushes its logs and metrics in batches, renews the
lease, and watches for cancellation. A block's own `logging` calls and warnings land in the
step's log too. Whatever happens, the step ends in a recorded state (or, if this worker lost its
lease, writes nothing and leaves the step to its new owner).
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import traceback
import warnings
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from django.conf import settings
from django.db import close_old_connections, connection, transaction
from django.db.models import Max
from pydantic import ValidationError

from backend.blocks import get_block
from backend.blocks.base import Block, StepCancelled
from backend.blocks.values import TrainedModel, lineage_to_json
from backend.engine import coordinator
from backend.engine.artifacts import ArtifactStore, default_store
from backend.engine.event_writer import shared_writer
from backend.engine.events import StepEventBuffer
from backend.engine.graph import config_error_message, parse_graph, version_graph
from backend.engine.values_io import StoredValue, load_value, store_value
from backend.errors import UserError
from backend.pipelines.models import Artifact, Dataset, ModelVersion, Run, StepRun

logger = logging.getLogger(__name__)


def worker_name() -> str:
    """How this process is named in a step's record."""
    return f"{socket.gethostname()}:{os.getpid()}"


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
        stored = store_value(self.store, "model", model)
        return register_model_version(
            run=self.run, step=self.step, name=name, stored=stored, metrics=metrics, model=model
        )


@transaction.atomic
def register_model_version(
    *,
    run: Run,
    step: StepRun,
    name: str,
    stored: StoredValue,
    metrics: dict[str, float],
    model: TrainedModel,
) -> int:
    """Create the ModelVersion row for a publish step; fenced by the step's lease."""
    locked = StepRun.objects.select_for_update().get(pk=step.pk)
    if locked.status != "running" or locked.attempt != step.attempt:
        raise StepCancelled("this attempt no longer holds the step's lease")
    existing = ModelVersion.objects.filter(
        workspace_id=run.workspace_id, name=name, lineage__step=step.pk
    ).first()
    if existing is not None:
        return existing.version
    # Serialise version numbering per model name across concurrent publishers.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(hashtext(%s))", [f"model:{run.workspace_id}:{name}"]
        )
    last = ModelVersion.objects.filter(workspace_id=run.workspace_id, name=name).aggregate(
        last=Max("version")
    )["last"]
    artifact, _ = Artifact.objects.get_or_create(
        step=locked,
        port="published",
        defaults={
            "workspace_id": run.workspace_id,
            "kind": stored.kind,
            "digest": stored.digest,
            "size_bytes": stored.size,
            "metadata": stored.metadata,
        },
    )
    version = ModelVersion.objects.create(
        workspace_id=run.workspace_id,
        name=name,
        version=(last or 0) + 1,
        artifact=artifact,
        run=run,
        metrics={k: float(v) for k, v in (metrics or {}).items()},
        signature=model.signature,
        lineage=_lineage(run, step, model),
        created_by=run.created_by,
    )
    return version.version


def _lineage(run: Run, step: StepRun, model: TrainedModel) -> dict[str, Any]:
    steps = run.steps.values_list("node_id", "block_key", "block_version")
    digests = list(
        Dataset.objects.filter(workspace_id=run.workspace_id)
        .filter(pk__in=_dataset_ids(run))
        .values_list("content_hash", flat=True)
    )
    return {
        "run": run.pk,
        "step": step.pk,
        "pipeline": run.pipeline_id,
        "pipeline_version": run.version.number,
        "dataset_hashes": digests,
        "blocks": [{"node": n, "block": b, "version": v} for n, b, v in steps],
        "transforms": lineage_to_json(model.lineage),
    }


def _dataset_ids(run: Run) -> list[int]:
    graph = parse_graph(run.version.graph)
    return [
        int(node.config["dataset"])
        for node in graph.nodes
        if node.block == "ingest.dataset" and "dataset" in node.config
    ]


class _EventLogHandler(logging.Handler):
    """Sends `logging` records made on the block's thread to the step's log."""

    def __init__(self, events: StepEventBuffer, thread_id: int) -> None:
        super().__init__(level=logging.INFO)
        self.events, self.thread_id = events, thread_id

    def emit(self, record: logging.LogRecord) -> None:
        if record.thread != self.thread_id or record.name.startswith(("django", "celery")):
            return
        level = record.levelname.lower()
        self.events.log(self.format(record), "warning" if level == "critical" else level)


class _Supervisor(threading.Thread):
    """Flushes events, renews the lease and watches for cancellation while the block runs.

    A flush starts `linger` seconds after the first event queued since the last one: soon
    enough for live viewers, while a chatty block's lines still go out in batches. With nothing
    to flush it looks at the lease and at `done` every `idle` seconds. Batches go to the
    process's event writer (backend.engine.event_writer), so that saving them does not take
    the GIL from the block; not when the step runs inside a transaction (in tests), whose rows
    another process could not see.
    """

    def __init__(self, runtime: StepRuntime, linger: float = 0.1, idle: float = 0.2) -> None:
        super().__init__(name=f"step-{runtime.step.pk}-supervisor", daemon=True)
        self.runtime, self.linger, self.idle = runtime, linger, idle
        self.done = threading.Event()
        if not connection.in_atomic_block:
            runtime.events.writer = shared_writer()

    def run(self) -> None:
        events = self.runtime.events
        heartbeat_every = settings.STEP_HEARTBEAT_SECONDS
        next_beat = time.monotonic() + heartbeat_every
        try:
            while not self.done.is_set():
                if events.wait(self.idle):
                    self.done.wait(self.linger)
                    events.flush(wait=False)
                if time.monotonic() >= next_beat:
                    next_beat = time.monotonic() + heartbeat_every
                    self._beat()
        except Exception:
            logger.exception("step supervisor failed")
        finally:
            connection.close()

    def _beat(self) -> None:
        step = self.runtime.step
        if not coordinator.step_heartbeat(step_id=step.pk, attempt=step.attempt):
            self.runtime.lease_lost.set()
        if coordinator.cancel_requested(self.runtime.run.pk):
            self.runtime.cancel_seen.set()


def _load_inputs(run: Run, step: StepRun, store: ArtifactStore) -> dict[str, Any]:
    graph = version_graph(run.version_id, run.version.graph)
    inputs: dict[str, Any] = {}
    for edge in graph.edges:
        if edge.target != step.node_id:
            continue
        artifact = Artifact.objects.get(
            step__run=run, step__node_id=edge.source, port=edge.source_port
        )
        inputs[edge.target_port] = load_value(
            store, artifact.kind, artifact.digest, artifact.metadata
        )
    return inputs


def _store_outputs(
    block: type[Block], outputs: dict[str, Any], store: ArtifactStore
) -> dict[str, StoredValue]:
    missing = set(block.outputs) - set(outputs)
    if missing:
        raise RuntimeError(f"block {block.key} returned no value for {sorted(missing)}")
    return {
        port: store_value(store, spec.type, outputs[port]) for port, spec in block.outputs.items()
    }


def _format_user_error(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return f"invalid config: {config_error_message(exc.errors()[0])}"
    if isinstance(exc, UserError):
        place = ", ".join(f"{k} '{v}'" for k, v in exc.place.items())
        return f"{exc.message} ({place})" if place else exc.message
    return str(exc)


def execute_step(step_id: int, attempt: int) -> str:
    """Run attempt `attempt` of step `step_id`; returns what happened (for the task's log)."""
    close_old_connections()
    claimed = coordinator.step_claim(step_id=step_id, attempt=attempt, worker=worker_name())
    if claimed is None:
        return "stale"
    run, step = claimed
    events = StepEventBuffer(run_id=run.pk, step_id=step.pk, node_id=step.node_id)
    runtime = StepRuntime(config=None, run=run, step=step, events=events, store=default_store())
    supervisor = _Supervisor(runtime)
    handler = _EventLogHandler(events, threading.get_ident())
    handler.setFormatter(logging.Formatter("%(name)s: %(message)s"))
    root = logging.getLogger()
    previous_level = root.level
    root.addHandler(handler)
    root.setLevel(min(previous_level, logging.INFO))
    supervisor.start()
    retry_on: tuple[type[BaseException], ...] = ()
    try:
        block_cls = get_block(step.block_key)
        retry_on = block_cls.retry_on
        return _run_block(runtime, block_cls)
    except StepCancelled:
        return _stopped(runtime)
    except (UserError, ValidationError, LookupError) as exc:
        return _fail(runtime, exc, retryable=False)
    except Exception as exc:
        return _fail(runtime, exc, retryable=isinstance(exc, retry_on))
    finally:
        root.removeHandler(handler)
        root.setLevel(previous_level)
        supervisor.done.set()
        supervisor.join(timeout=10)
        events.flush()


def _run_block(runtime: StepRuntime, block_cls: type[Block]) -> str:
    events, step = runtime.events, runtime.step
    with warnings.catch_warnings():
        warnings.simplefilter("always")
        warnings.showwarning = lambda message, category, *a, **k: events.log(
            f"{category.__name__}: {message}", "warning"
        )
        node = version_graph(runtime.run.version_id, runtime.run.version.graph).node(step.node_id)
        runtime.config = block_cls.parse_config(node.config)
        # Only blocks that want a GPU pay for importing torch to look for one.
        runtime.device = detect_device() if block_cls.queue == "gpu" else "cpu"
        events.log(
            f"{block_cls.key} v{block_cls.version}, attempt {step.attempt}, on {runtime.device}"
        )
        inputs = _load_inputs(runtime.run, step, runtime.store)
        started = time.perf_counter()
        outputs = block_cls().run(runtime, **inputs)
        stored = _store_outputs(block_cls, outputs or {}, runtime.store)
        events.log(f"finished in {time.perf_counter() - started:.2f} s")
    return _finish(runtime, stored)


def _finish(runtime: StepRuntime, stored: dict[str, StoredValue]) -> str:
    runtime.events.flush()
    if coordinator.step_succeed(
        step_id=runtime.step.pk, attempt=runtime.step.attempt, outputs=stored
    ):
        return "succeeded"
    return "lease lost"


def _stopped(runtime: StepRuntime) -> str:
    runtime.events.log("stopped: the run was cancelled", "warning")
    runtime.events.flush()
    step = runtime.step
    if coordinator.step_mark_cancelled(step_id=step.pk, attempt=step.attempt):
        return "cancelled"
    return "lease lost"


def _fail(runtime: StepRuntime, exc: Exception, *, retryable: bool) -> str:
    message = _format_user_error(exc)
    trace = "".join(traceback.format_exception(exc))
    runtime.events.log(f"failed: {message}", "error")
    runtime.events.flush()
    step = runtime.step
    status = coordinator.step_fail(
        step_id=step.pk, attempt=step.attempt, message=message, traceback=trace, retryable=retryable
    )
    return status or "lease lost"
