"""The one writer of a run's events: it numbers, saves, and only then broadcasts them.

Every event of a run (log line, metric value, progress, step or run status) gets the run's next
sequence number, allocated on the run row in the transaction that saves it, so the stored order
is the order events happened and the numbers have no gaps. A step's logs, metrics and progress
are buffered and written in batches (a chatty block is not slowed by one INSERT per line); a
status change is saved (as a RunEvent) in the transaction that makes it. Once committed, events
are broadcast to the run's channel-layer group (statuses to the workspace's group too) for live
viewers; a broadcast failure never fails a step, since viewers read what they missed from the
database. In a worker, batches are saved by a helper process (backend.engine.events.writer)
with the functions here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone

from backend.engine.events.broadcast import broadcast
from backend.engine.events.payloads import (
    log_event,
    metric_event,
    progress_event,
    run_group,
    workspace_group,
)
from backend.pipelines.models import LogEntry, MetricPoint, Run, RunEvent, StepRun


def allocate_seq(run_id: int, count: int) -> int:
    """Reserve `count` sequence numbers for a run; returns the first. Call inside a transaction."""
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE pipelines_run SET last_seq = last_seq + %s WHERE id = %s RETURNING last_seq",
            [count, run_id],
        )
        (last,) = cursor.fetchone()
    return int(last) - count + 1


def record_events(run: Run, events: list[dict[str, Any]]) -> None:
    """Number status events after the run's latest event, save them, and broadcast them once
    the transaction commits (to the run's viewers and the workspace's lists).

    The caller holds the run's lock and made the changes the events describe in the same
    transaction, so an event is in the database exactly when its change is. Numbering and
    saving are one statement: a step's status change costs one round trip more, not two.
    """
    if not events:
        return
    last = _number_and_save(run.pk, events)
    run.last_seq = last
    first = last - len(events) + 1
    stamped = [{**event, "seq": seq} for seq, event in enumerate(events, start=first)]
    groups = [run_group(run.pk), workspace_group(run.workspace_id)]
    transaction.on_commit(lambda: broadcast(groups, stamped))


_EVENT_KEYS = ("type", "run", "node", "seq")


def _payload(event: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in event.items() if k not in _EVENT_KEYS}


def _number_and_save(run_id: int, events: list[dict[str, Any]]) -> int:
    """Allocate the events' numbers on the run row and insert them as RunEvent rows, in one
    statement; returns the last number."""
    table, run_table = RunEvent._meta.db_table, Run._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH numbered AS (
                UPDATE {run_table} SET last_seq = last_seq + %(count)s
                WHERE id = %(run)s RETURNING last_seq
            )
            INSERT INTO {table} (run_id, seq, type, node, payload, created_at)
            SELECT %(run)s, numbered.last_seq - %(count)s + e.ord, e.type, e.node, e.payload,
                   %(now)s
            FROM numbered, unnest(%(types)s::text[], %(nodes)s::text[], %(payloads)s::jsonb[])
                WITH ORDINALITY AS e(type, node, payload, ord)
            RETURNING seq
            """,
            {
                "run": run_id,
                "count": len(events),
                "now": timezone.now(),
                "types": [event["type"] for event in events],
                "nodes": [event.get("node") or "" for event in events],
                "payloads": [json.dumps(_payload(event)) for event in events],
            },
        )
        return max(seq for (seq,) in cursor.fetchall())


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


def save_batch_in_transaction(batch: Batch) -> None:
    """Save a batch as part of the caller's transaction (a step's last lines, with its
    outcome), and broadcast it once that commits."""
    events = _persist(batch)
    groups = [run_group(batch.run_id)]
    transaction.on_commit(lambda: broadcast(groups, events))


def batch_saved(batch: Batch) -> bool:
    """Whether the batch's first event is in the database (each event's `at` is unique)."""
    if not batch.events:
        return False
    kind, data = batch.events[0]
    model = LogEntry if kind == "log" else MetricPoint
    return model.objects.filter(step_id=batch.step_id, created_at=data["at"]).exists()


def _persist(batch: Batch) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = []
    logs: list[tuple[Any, ...]] = []
    metrics: list[tuple[Any, ...]] = []
    run_id, step_id, node = batch.run_id, batch.step_id, batch.node_id
    # No savepoint inside a caller's transaction: it is all or nothing with the caller's work.
    with transaction.atomic(savepoint=False):
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
            # Numbered after the batch's lines (the same transaction holds the run row).
            progress = progress_event(run_id=run_id, node=node, seq=0, progress=batch.progress)
            events.append({**progress, "seq": _number_and_save(run_id, [progress])})
    return events


def copy_step_metrics(*, run: Run, step: StepRun, source: StepRun) -> None:
    """Give a cached step the metric points of the step whose outputs it reuses, so the run's
    record (metric charts, comparisons) is as complete as if the step had run.

    They become new events of `run`, numbered after its latest and broadcast once the
    transaction commits. The caller holds the run's lock; ``run.last_seq`` is kept current.
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
