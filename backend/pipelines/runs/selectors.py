"""Reading runs, their logs, metrics and artifacts, and the snapshot a live stream starts from."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import connection, transaction
from django.db.models import QuerySet

from backend.engine.events.payloads import (
    log_event,
    metric_event,
    run_status_event,
    step_status_event,
)
from backend.errors import NotFoundError
from backend.pipelines.models import (
    Artifact,
    LogEntry,
    MetricPoint,
    Pipeline,
    Run,
    RunEvent,
    StepRun,
)
from backend.workspaces.models import Workspace


def run_list(*, workspace: Workspace, pipeline: Pipeline | None = None) -> QuerySet[Run]:
    """Runs of a workspace (or of one pipeline), newest first, with what a list shows of each
    (pipeline name, version number, author) joined in, not fetched per run."""
    runs = (
        Run.objects.filter(workspace=workspace)
        .select_related("pipeline", "version", "created_by")
        # A list needs neither graph, and each can be large.
        .defer("pipeline__graph", "version__graph")
    )
    if pipeline is not None:
        runs = runs.filter(pipeline=pipeline)
    return runs.order_by("-created_at", "-id")


def run_get(*, workspace: Workspace, run_id: int) -> Run:
    """One run of the workspace with its steps, or 404."""
    run = (
        Run.objects.filter(workspace=workspace, pk=run_id)
        .select_related("version", "pipeline", "created_by")
        .prefetch_related("steps__outputs", "steps__cached_from")
        .first()
    )
    if run is None:
        raise NotFoundError(f"run {run_id} not found in this workspace", field="run")
    return run


def log_list(
    *, run: Run, after: int = 0, node: str | None = None, level: str | None = None
) -> QuerySet[LogEntry]:
    """A run's log lines after sequence number `after`, optionally for one node or level."""
    logs = LogEntry.objects.filter(run=run, seq__gt=after).select_related("step")
    if node:
        logs = logs.filter(step__node_id=node)
    if level:
        logs = logs.filter(level=level)
    return logs.order_by("seq")


def metric_list(*, run: Run, after: int = 0) -> QuerySet[MetricPoint]:
    """A run's metric points after sequence number `after`."""
    return MetricPoint.objects.filter(run=run, seq__gt=after).select_related("step").order_by("seq")


def access_run(*, user: AbstractBaseUser | AnonymousUser, run_id: int) -> Run:
    """A run of a workspace `user` is a member of (any role), or 404 for everyone else."""
    run = None
    if user.is_authenticated:
        run = Run.objects.filter(pk=run_id, workspace__memberships__user=user).first()
    if run is None:
        raise NotFoundError(f"run {run_id} not found in your workspaces", field="run")
    return run


@contextlib.contextmanager
def _one_snapshot() -> Iterator[None]:
    """Reads inside see one consistent database snapshot (unless already in a transaction)."""
    if connection.in_atomic_block:
        yield
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        yield


_LOG_FIELDS = ("seq", "level", "message", "created_at", "step__node_id")


_METRIC_FIELDS = ("seq", "key", "value", "index", "created_at", "step__node_id")


def _log_events(run_id: int, rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        log_event(
            run_id=run_id,
            node=row["step__node_id"],
            seq=row["seq"],
            level=row["level"],
            message=row["message"],
            at=row["created_at"],
        )
        for row in rows
    ]


def _metric_events(run_id: int, rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        metric_event(
            run_id=run_id,
            node=row["step__node_id"],
            seq=row["seq"],
            key=row["key"],
            value=row["value"],
            index=row["index"],
            at=row["created_at"],
        )
        for row in rows
    ]


def run_snapshot(
    *, run_id: int, log_lines: int = 200, metric_points: int = 10_000
) -> dict[str, Any]:
    """A run's live state as of one sequence number: run and step statuses with progress, the
    last `log_lines` log lines and the latest `metric_points` metric values (oldest first).

    ``seq`` is the run's last sequence number at that moment: every log line and metric value
    numbered up to it is included (within the limits), none after it. ``earlier_logs`` and
    ``earlier_metrics`` say whether older entries were left out (``GET .../logs/?after=0``).
    """
    with _one_snapshot():
        run = Run.objects.get(pk=run_id)
        steps = list(StepRun.objects.filter(run_id=run_id).order_by("id"))
        logs = LogEntry.objects.filter(run_id=run_id).order_by("-seq").values(*_LOG_FIELDS)
        newest_logs = list(logs[: log_lines + 1])
        metrics = MetricPoint.objects.filter(run_id=run_id).order_by("-seq")
        newest_metrics = list(metrics.values(*_METRIC_FIELDS)[: metric_points + 1])
    return {
        **run_status_event(run),
        "type": "snapshot",
        "seq": run.last_seq,
        "steps": [step_status_event(step) for step in steps],
        "logs": _log_events(run_id, reversed(newest_logs[:log_lines])),
        "earlier_logs": len(newest_logs) > log_lines,
        "metrics": _metric_events(run_id, reversed(newest_metrics[:metric_points])),
        "earlier_metrics": len(newest_metrics) > metric_points,
    }


def run_events_between(*, run_id: int, after: int, upto: int) -> list[dict[str, Any]]:
    """A run's events numbered after `after` up to `upto`, in order: what a live stream missed."""
    span = {"run_id": run_id, "seq__gt": after, "seq__lte": upto}
    logs = LogEntry.objects.filter(**span).values(*_LOG_FIELDS)
    metrics = MetricPoint.objects.filter(**span).values(*_METRIC_FIELDS)
    others = [event.as_event() for event in RunEvent.objects.filter(**span)]
    events = _log_events(run_id, logs) + _metric_events(run_id, metrics) + others
    return sorted(events, key=lambda event: event["seq"])


def artifact_get(*, workspace: Workspace, artifact_id: int) -> Artifact:
    """One artifact of the workspace, or 404."""
    artifact = Artifact.objects.filter(workspace=workspace, pk=artifact_id).first()
    if artifact is None:
        raise NotFoundError(f"artifact {artifact_id} not found in this workspace", field="artifact")
    return artifact
