"""A step attempt's buffer of logs, metrics and progress, flushed in batches."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from typing import Any, Protocol

from backend.engine.events.payloads import LEVELS
from backend.engine.events.store import Batch, save_batch, save_batch_in_transaction


class BatchSink(Protocol):
    """Where a buffer hands its batches when it does not save them itself."""

    def submit(self, batch: Batch) -> None:
        """Take a batch to save, in order; may return before it is saved."""

    def sync(self) -> None:
        """Return once every batch submitted so far is saved."""


class StepEventBuffer:
    """Collects one step attempt's logs, metrics and progress; `flush` persists and sends them.

    Thread-safe: the block's thread appends, a supervisor thread flushes (`wait` tells it when
    there is something to flush). Appending costs the block about a microsecond. Batches are
    saved here, or handed to `writer` (a helper process) so that saving and broadcasting do
    not compete with the block for the GIL.
    """

    #: Longest log line kept, in characters; the rest is cut (a block may log anything).
    max_message = 16_384
    #: Set (to backend.engine.events.writer's EventWriter) to save in a helper process.
    writer: BatchSink | None = None

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

    def flush_in_transaction(self) -> int:
        """Persist what is queued as part of the caller's transaction; returns events written.

        What was handed to the writer is saved first (so the numbers keep the order), then the
        rest here, with the caller's own change (a step's last lines with its outcome, in one
        commit instead of a round trip to the writer and a transaction of their own).
        """
        with self._flushing:
            if self.writer is not None:
                self.writer.sync()
            written = 0
            while (batch := self._take()) is not None:
                save_batch_in_transaction(batch)
                written += len(batch.events)
            return written

    def wake(self) -> None:
        """Wake whoever is in `wait` (the supervisor, when the step is done)."""
        self._ready.set()

    def _take(self) -> Batch | None:
        with self._lock:
            events, self._pending = self._pending[: self.max_batch], self._pending[self.max_batch :]
            progress = None
            if not self._pending:  # the latest progress goes after the events queued before it
                progress, self._progress = self._progress, None
                self._ready.clear()
        if not events and progress is None:
            return None
        return Batch(self.run_id, self.step_id, self.node_id, events, progress)
