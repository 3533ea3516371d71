"""Prediction monitoring: what each model version was asked, how fast it answered, how often it
failed, and whether its recent inputs drifted from its training rows.

Predict requests are recorded in this process's buffer and written in one batch at most every
`FLUSH_SECONDS` (by whichever request comes next, or by a monitoring read), so a prediction costs
no database write of its own. The batch adds to the version's totals and appends PredictionLog
rows, of which the newest `KEEP_LOGS` per version are kept.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pandas as pd
from django.contrib.auth import get_user_model
from django.db import DatabaseError, transaction
from django.db.models import F
from django.db.models.functions import Greatest

from backend.engine.artifacts import default_store
from backend.engine.graph import Graph, parse_graph
from backend.errors import ConflictError
from backend.pipelines.models import ApiKey, Artifact, ModelVersion, PredictionLog, StepRun
from backend.pipelines.registry.serving.drift import drift_report, percentile, training_stats

logger = logging.getLogger(__name__)

FLUSH_SECONDS = 1.0
MAX_PENDING = 500
#: PredictionLog rows kept per version: the window of latencies and the input sample.
KEEP_LOGS = 1000
#: Input rows the drift report compares with the training rows (newest first).
DRIFT_ROWS = 2000
#: Rows of the input sample shown by the monitoring endpoint.
SHOWN_SAMPLE = 20


@dataclass
class PredictionRecord:
    """One predict request, as the recorder buffers it."""

    model_version_id: int
    created_at: datetime
    ok: bool
    status: int
    rows: int
    latency_ms: float
    inputs: list[dict[str, Any]] = field(default_factory=list)
    error_code: str = ""
    error: str = ""
    api_key_id: int | None = None
    user_id: int | None = None


class PredictionRecorder:
    """Buffers prediction records in this process and writes them in batches."""

    def __init__(self, flush_seconds: float = FLUSH_SECONDS, max_pending: int = MAX_PENDING):
        self.flush_seconds, self.max_pending = flush_seconds, max_pending
        self._pending: list[PredictionRecord] = []
        self._lock = threading.Lock()
        self._last_flush = time.monotonic()

    def record(self, entry: PredictionRecord) -> None:
        """Buffer `entry`; write the buffer when it is due."""
        with self._lock:
            self._pending.append(entry)
            due = (
                len(self._pending) >= self.max_pending
                or time.monotonic() - self._last_flush >= self.flush_seconds
            )
        if due:
            self.flush()

    def flush(self) -> None:
        """Write what is buffered. Monitoring never fails a request: errors are logged."""
        with self._lock:
            batch, self._pending = self._pending, []
            self._last_flush = time.monotonic()
        if not batch:
            return
        try:
            with transaction.atomic():
                _write(batch)
        except DatabaseError:
            logger.exception("could not record %d predictions", len(batch))

    def discard(self) -> None:
        """Drop what is buffered (tests)."""
        with self._lock:
            self._pending = []


def _write(batch: list[PredictionRecord]) -> None:
    version_ids = {r.model_version_id for r in batch}
    live = set(ModelVersion.objects.filter(pk__in=version_ids).values_list("pk", flat=True))
    key_ids = {r.api_key_id for r in batch if r.api_key_id is not None}
    keys = set(ApiKey.objects.filter(pk__in=key_ids).values_list("pk", flat=True))
    user_ids = {r.user_id for r in batch if r.user_id is not None}
    users = set(get_user_model().objects.filter(pk__in=user_ids).values_list("pk", flat=True))
    batch = [r for r in batch if r.model_version_id in live]
    PredictionLog.objects.bulk_create(
        PredictionLog(
            model_version_id=r.model_version_id,
            created_at=r.created_at,
            ok=r.ok,
            status=r.status,
            error_code=r.error_code[:50],
            error=r.error[:500],
            rows=r.rows,
            latency_ms=r.latency_ms,
            inputs=r.inputs,
            api_key_id=r.api_key_id if r.api_key_id in keys else None,
            user_id=r.user_id if r.user_id in users else None,
        )
        for r in batch
    )
    for version_id in live:
        mine = [r for r in batch if r.model_version_id == version_id]
        ModelVersion.objects.filter(pk=version_id).update(
            request_count=F("request_count") + len(mine),
            error_count=F("error_count") + sum(not r.ok for r in mine),
            predicted_rows=F("predicted_rows") + sum(r.rows for r in mine if r.ok),
            last_request_at=Greatest(F("last_request_at"), max(r.created_at for r in mine)),
        )
        _trim(version_id)


def _trim(version_id: int) -> None:
    oldest_kept = (
        PredictionLog.objects.filter(model_version_id=version_id)
        .order_by("-id")
        .values_list("id", flat=True)[KEEP_LOGS - 1 : KEEP_LOGS]
    )
    cutoff = next(iter(oldest_kept), None)
    if cutoff is not None:
        PredictionLog.objects.filter(model_version_id=version_id, id__lt=cutoff).delete()


#: This process's recorder.
recorder = PredictionRecorder()


def model_version_monitoring(*, model_version: ModelVersion) -> dict[str, Any]:
    """Totals, latency percentiles over the recent requests, recent errors, an input sample."""
    recorder.flush()
    model_version.refresh_from_db(
        fields=["request_count", "error_count", "predicted_rows", "last_request_at"]
    )
    logs = PredictionLog.objects.filter(model_version=model_version).order_by("-id")
    recent = list(logs.values("created_at", "ok", "status", "error_code", "error", "latency_ms"))
    latencies = [r["latency_ms"] for r in recent]
    errors = [
        {k: r[k] for k in ("created_at", "status", "error_code", "error")}
        for r in recent
        if not r["ok"]
    ][:10]
    newest = logs.filter(ok=True).values_list("inputs", flat=True)[:SHOWN_SAMPLE]
    sample = [row for inputs in newest for row in inputs][:SHOWN_SAMPLE]
    requests = model_version.request_count
    return {
        "model": model_version.name,
        "model_version": model_version.version,
        "requests": requests,
        "errors": model_version.error_count,
        "error_rate": model_version.error_count / requests if requests else None,
        "predicted_rows": model_version.predicted_rows,
        "last_request_at": model_version.last_request_at,
        "latency_ms": {
            "p50": percentile(latencies, 50),
            "p95": percentile(latencies, 95),
            "window": len(latencies),
        },
        "recent_errors": errors,
        "sample": sample,
    }


def model_version_drift(*, model_version: ModelVersion) -> dict[str, Any]:
    """PSI per feature of the recent inputs against the training rows, and a drift flag."""
    recorder.flush()
    stats = model_version_training_stats(model_version=model_version)
    rows: list[dict[str, Any]] = []
    logs = (
        PredictionLog.objects.filter(model_version=model_version, ok=True)
        .order_by("-id")
        .values_list("inputs", flat=True)
    )
    for inputs in logs.iterator(chunk_size=200):
        rows.extend(inputs)
        if len(rows) >= DRIFT_ROWS:
            break
    report = drift_report(stats, rows[:DRIFT_ROWS], signature=model_version.signature)
    return {"model": model_version.name, "model_version": model_version.version, **report}


def model_version_training_stats(*, model_version: ModelVersion) -> dict[str, Any]:
    """The version's training statistics; computed from its run's training rows the first
    time, then kept on the version."""
    if model_version.training_stats is None:
        frame = training_frame(model_version=model_version)
        model_version.training_stats = training_stats(frame, model_version.signature)
        model_version.save(update_fields=["training_stats"])
    return model_version.training_stats


def training_frame(*, model_version: ModelVersion) -> pd.DataFrame:
    """The raw rows the version's model was fitted on.

    From the publish step, follow the model back to its train step, then the train step's
    table upstream through feature blocks to the nearest table with no fitted transforms in
    its lineage: rows as ingest saw them (after any split), what a request sends.
    """
    run, step_id = model_version.run, (model_version.lineage or {}).get("step")
    publish = StepRun.objects.filter(pk=step_id, run=run).first() if run else None
    if publish is None:
        raise ConflictError(
            f"version {model_version.version} of '{model_version.name}' has no run to take "
            "training rows from, so there is no baseline to compare inputs with",
            code="no_training_data",
        )
    graph = parse_graph(run.version.graph)
    node, port = _source(graph, publish.node_id, ("model",))
    node, port = _source(graph, node, ("train", "table"))
    outputs = {
        (a.step.node_id, a.port): a
        for a in Artifact.objects.filter(step__run=run, kind="table").select_related("step")
    }
    for _ in graph.nodes:
        artifact = outputs.get((node, port))
        if artifact is None:
            break
        if not artifact.metadata.get("lineage"):
            with default_store().open(artifact.digest) as handle:
                return pd.read_parquet(handle)
        node, port = _source(graph, node, (port, "table", "train"))
    raise ConflictError(
        f"the training rows of version {model_version.version} of '{model_version.name}' are "
        "no longer stored",
        code="no_training_data",
    )


def _source(graph: Graph, node: str, ports: tuple[str, ...]) -> tuple[str, str]:
    """The (node, port) feeding `node` on the first of `ports` that is wired."""
    for port in ports:
        for edge in graph.edges:
            if edge.target == node and edge.target_port == port:
                return edge.source, edge.source_port
    raise ConflictError(
        f"node '{node}' has no input on {' or '.join(ports)} to follow to the training rows",
        code="no_training_data",
        node=node,
    )
