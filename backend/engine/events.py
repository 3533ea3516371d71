"""Events out of a run: the only place that persists logs and metrics and sends to groups.

A step's logs and metrics are buffered and written in batches (a chatty block is not slowed by
one INSERT per line), each with a run-wide sequence number allocated in the same transaction, so
the stored order is the order events were produced and the numbers have no gaps. After they are
saved, they are broadcast to the run's channel-layer group (and status changes to the
workspace's group) for live viewers; a broadcast failure never fails a step. In a worker, the
batches are saved by a helper process (backend.engine.event_writer) with the functions here.
"""

from __future__ import annotations

import asyncio
import logging
import os
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from django.db import connection, transaction
from django.db.models import Model

from backend.pipelines.models import LogEntry, MetricPoint, Run, StepRun

if TYPE_CHECKING:
    from backend.engine.event_writer import EventWriter

logger = logging.getLogger(__name__)

LEVELS = ("debug", "info", "warning", "error")


def run_group(run_id: int) -> str:
    """Channel-layer group of one run's live events."""
    return f"run.{run_id}"


def workspace_group(workspace_id: int) -> str:
    """Channel-layer group of a workspace's run and step status changes."""
    return f"workspace.{workspace_id}"


class _Broadcaster:
    """Sends to the channel layer from one event loop on a daemon thread, in order.

    Callers hand messages over without waiting, so a step is never slowed by its viewers, and
    the layer's Redis connections are reused instead of opened per message. One per process
    (a forked worker child starts its own).
    """

    def __init__(self) -> None:
        self._pid = -1
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._queue: asyncio.Queue[tuple[str, dict[str, Any]] | None] | None = None
        self._pending = 0
        self._idle = threading.Condition()

    def _ensure_started(self) -> asyncio.AbstractEventLoop:
        with self._lock:
            if self._loop is None or self._pid != os.getpid():
                self._pid = os.getpid()
                self._loop = asyncio.new_event_loop()
                self._queue = None
                ready = threading.Event()
                thread = threading.Thread(
                    target=self._serve,
                    args=(self._loop, ready),
                    name="events-broadcast",
                    daemon=True,
                )
                thread.start()
                ready.wait(5)
            return self._loop

    def _serve(self, loop: asyncio.AbstractEventLoop, ready: threading.Event) -> None:
        asyncio.set_event_loop(loop)
        self._queue = asyncio.Queue()
        ready.set()
        loop.run_until_complete(self._drain(self._queue))

    async def _drain(self, queue: asyncio.Queue[tuple[str, dict[str, Any]] | None]) -> None:
        from channels.layers import get_channel_layer

        layer = get_channel_layer()
        while True:
            item = await queue.get()
            if item is None:
                return
            group, message = item
            try:
                if layer is not None:
                    await layer.group_send(group, message)
            except Exception:  # the database has the events; viewers backfill from it
                logger.warning("could not broadcast to %s", group, exc_info=True)
            finally:
                with self._idle:
                    self._pending -= 1
                    self._idle.notify_all()

    def send(self, group: str, message: dict[str, Any]) -> None:
        """Queue a message for `group`; returns at once."""
        loop = self._ensure_started()
        with self._idle:
            self._pending += 1
        loop.call_soon_threadsafe(self._queue.put_nowait, (group, message))  # type: ignore[union-attr]

    def wait_idle(self, timeout: float = 5.0) -> bool:
        """Block until everything queued so far was sent (tests, shutdown)."""
        with self._idle:
            return self._idle.wait_for(lambda: self._pending <= 0, timeout)


_broadcaster = _Broadcaster()


def broadcast(groups: Iterable[str], events: list[dict[str, Any]]) -> None:
    """Send saved events to live viewers, in order, without waiting; best effort."""
    if not events:
        return
    for group in groups:
        _broadcaster.send(group, {"type": "run.events", "events": events})


def flush_broadcasts(timeout: float = 5.0) -> bool:
    """Wait until queued broadcasts went out (e.g. before a worker process exits)."""
    return _broadcaster.wait_idle(timeout)


def allocate_seq(run_id: int, count: int) -> int:
    """Reserve `count` sequence numbers for a run; returns the first. Call inside a transaction."""
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE pipelines_run SET last_seq = last_seq + %s WHERE id = %s RETURNING last_seq",
            [count, run_id],
        )
        (last,) = cursor.fetchone()
    return int(last) - count + 1


def current_seq(run_id: int) -> int:
    """The last sequence number handed out for a run."""
    return int(Run.objects.filter(pk=run_id).values_list("last_seq", flat=True).get())


def step_status_event(step: StepRun, **extra: Any) -> dict[str, Any]:
    """The JSON of a step's status change."""
    return {
        "type": "step.status",
        "run": step.run_id,
        "node": step.node_id,
        "status": step.status,
        "attempt": step.attempt,
        "progress": step.progress,
        "error": step.error_message or None,
        **extra,
    }


def run_status_event(run: Run) -> dict[str, Any]:
    """The JSON of a run's status change."""
    return {"type": "run.status", "run": run.pk, "status": run.status, "error": run.error or None}


def log_event(
    *, run_id: int, node: str, seq: int, level: str, message: str, at: datetime
) -> dict[str, Any]:
    """The JSON of a log line."""
    return {
        "type": "log",
        "run": run_id,
        "node": node,
        "seq": seq,
        "level": level,
        "message": message,
        "at": at.isoformat(),
    }


def metric_event(
    *, run_id: int, node: str, seq: int, key: str, value: float, index: int | None, at: datetime
) -> dict[str, Any]:
    """The JSON of a metric value."""
    return {
        "type": "metric",
        "run": run_id,
        "node": node,
        "seq": seq,
        "key": key,
        "value": value,
        "index": index,
        "at": at.isoformat(),
    }


def emit_statuses(run: Run, events: list[dict[str, Any]]) -> None:
    """Broadcast status events once the transaction that made them commits."""
    if not events:
        return
    # The caller holds the run's lock, so last_seq is the number of the latest event saved.
    run_id, workspace_id, seq = run.pk, run.workspace_id, run.last_seq

    def send() -> None:
        stamped = [{**event, "seq": seq} for event in events]
        broadcast([run_group(run_id), workspace_group(workspace_id)], stamped)

    transaction.on_commit(send)


@dataclass(frozen=True)
class Batch:
    """Events of one step to save together, in the order they were queued."""

    run_id: int
    step_id: int
    node_id: str
    events: list[tuple[str, dict[str, Any]]]
    progress: float | None = None


def save_batch(batch: Batch) -> None:
    """Save a batch, numbering its events in one transaction, then broadcast it."""
    broadcast([run_group(batch.run_id)], _persist(batch))


def batch_saved(batch: Batch) -> bool:
    """Whether the batch's first event is in the database (each event's `at` is unique)."""
    if not batch.events:
        return False
    kind, data = batch.events[0]
    model = LogEntry if kind == "log" else MetricPoint
    return model.objects.filter(step_id=batch.step_id, created_at=data["at"]).exists()


class StepEventBuffer:
    """Collects one step attempt's logs, metrics and progress; `flush` persists and sends them.

    Thread-safe: the block's thread appends, a supervisor thread flushes (`wait` tells it when
    there is something to flush). Appending costs the block about a microsecond. Batches are
    saved here, or handed to `writer` (a helper process) so that saving and broadcasting do
    not compete with the block for the GIL.
    """

    #: Longest log line kept, in characters; the rest is cut (a block may log anything).
    max_message = 16_384
    #: Set (backend.engine.event_writer) to save in a helper process instead of this one.
    writer: EventWriter | None = None

    def __init__(self, *, run_id: int, step_id: int, node_id: str, max_batch: int = 1000) -> None:
        self.run_id, self.step_id, self.node_id = run_id, step_id, node_id
        self.max_batch = max_batch
        self._lock = threading.Lock()
        self._pending: list[tuple[str, dict[str, Any]]] = []
        self._progress: float | None = None
        self._ready = threading.Event()
        self._flushing = threading.Lock()

    def log(self, message: str, level: str = "info") -> None:
        """Queue a log line."""
        level = level if level in LEVELS else "info"
        text = str(message)
        if len(text) > self.max_message:
            text = text[: self.max_message] + " [cut]"
        if "\x00" in text:  # PostgreSQL text cannot hold NUL
            text = text.replace("\x00", "\\x00")
        self._append("log", {"level": level, "message": text})

    def metric(self, key: str, value: float, index: int | None = None) -> None:
        """Queue a metric value."""
        self._append("metric", {"key": str(key), "value": float(value), "index": index})

    def progress(self, fraction: float) -> None:
        """Remember the latest progress; it is written on the next flush."""
        with self._lock:
            self._progress = min(1.0, max(0.0, float(fraction)))
        self._ready.set()

    def _append(self, kind: str, data: dict[str, Any]) -> None:
        data["at"] = datetime.now(UTC)
        with self._lock:
            self._pending.append((kind, data))
        self._ready.set()

    @property
    def backlog(self) -> int:
        """Events waiting to be flushed."""
        return len(self._pending)

    def wait(self, timeout: float) -> bool:
        """Block until something was queued since the last flush (True) or `timeout` passes."""
        return self._ready.wait(timeout)

    def flush(self, wait: bool = True) -> int:
        """Persist what is queued (in batches) and broadcast it; returns events written.

        With a writer and ``wait=False``, returns once the batches are handed over; otherwise
        once they are saved. One flush at a time (the supervisor's and the block's last one may
        overlap), so that sequence numbers follow the order the events were queued in.
        """
        with self._flushing:
            written = 0
            while (batch := self._take()) is not None:
                if self.writer is not None:
                    self.writer.submit(batch)
                else:
                    save_batch(batch)
                written += len(batch.events)
            if self.writer is not None and wait:
                self.writer.sync()
            return written

    def _take(self) -> Batch | None:
        with self._lock:
            events, self._pending = self._pending[: self.max_batch], self._pending[self.max_batch :]
            progress, self._progress = self._progress, None
            if not self._pending:
                self._ready.clear()
        if not events and progress is None:
            return None
        return Batch(self.run_id, self.step_id, self.node_id, events, progress)


def _persist(batch: Batch) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = []
    logs: list[tuple[Any, ...]] = []
    metrics: list[tuple[Any, ...]] = []
    run_id, step_id, node = batch.run_id, batch.step_id, batch.node_id
    with transaction.atomic():
        first = allocate_seq(run_id, len(batch.events)) if batch.events else 0
        for seq, (kind, data) in enumerate(batch.events, start=first):
            if kind == "log":
                logs.append((run_id, step_id, seq, data["level"], data["message"], data["at"]))
                events.append(log_event(run_id=run_id, node=node, seq=seq, **data))
            else:
                point = (data["key"], data["value"], data["index"], data["at"])
                metrics.append((run_id, step_id, seq, *point))
                events.append(metric_event(run_id=run_id, node=node, seq=seq, **data))
        _copy_rows(LogEntry, _LOG_COLUMNS, logs)
        _copy_rows(MetricPoint, _METRIC_COLUMNS, metrics)
        if batch.progress is not None:
            StepRun.objects.filter(pk=step_id, status="running").update(progress=batch.progress)
            last = first + len(batch.events) - 1 if batch.events else current_seq(run_id)
            events.append(
                {"type": "progress", "run": run_id, "node": node, "seq": last,
                 "progress": batch.progress}
            )  # fmt: skip
    return events


def copy_step_metrics(*, run: Run, step: StepRun, source: StepRun) -> None:
    """Give a cached step the metric points of the step whose outputs it reuses, so the run's
    record (metric charts, comparisons) is as complete as if the step had run.

    They become new events of `run`, numbered after its latest and broadcast once the
    transaction commits. The caller holds the run's lock; ``run.last_seq`` is kept current so
    that status events stamped after this one follow them.
    """
    points = list(source.metrics.order_by("seq").values_list("key", "value", "index", "created_at"))
    if not points:
        return
    first = allocate_seq(run.pk, len(points))
    run.last_seq = first + len(points) - 1
    rows, events = [], []
    for seq, (key, value, index, at) in enumerate(points, start=first):
        rows.append((run.pk, step.pk, seq, key, value, index, at))
        events.append(
            metric_event(
                run_id=run.pk, node=step.node_id, seq=seq, key=key, value=value, index=index, at=at
            )
        )
    _copy_rows(MetricPoint, _METRIC_COLUMNS, rows)
    groups = [run_group(run.pk)]
    transaction.on_commit(lambda: broadcast(groups, events))


_LOG_COLUMNS = ("run", "step", "seq", "level", "message", "created_at")
_METRIC_COLUMNS = ("run", "step", "seq", "key", "value", "index", "created_at")


def _copy_rows(model: type[Model], fields: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
    """Insert `rows` (values of `fields`, in order) with COPY: far cheaper than bulk_create's
    model instances for thousands of small rows."""
    if not rows:
        return
    quote = connection.ops.quote_name
    columns = ", ".join(quote(model._meta.get_field(name).column) for name in fields)
    with (
        connection.cursor() as cursor,
        cursor.copy(f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row(row)
