"""The JSON of each event of a run, and the channel-layer groups they are sent to."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from backend.pipelines.models import Run, StepRun

LEVELS = ("debug", "info", "warning", "error")


def run_group(run_id: int) -> str:
    """Channel-layer group of one run's live events."""
    return f"run.{run_id}"


def workspace_group(workspace_id: int) -> str:
    """Channel-layer group of a workspace's run and step status changes."""
    return f"workspace.{workspace_id}"


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


def progress_event(*, run_id: int, node: str, seq: int, progress: float) -> dict[str, Any]:
    """The JSON of a step's progress."""
    return {"type": "progress", "run": run_id, "node": node, "seq": seq, "progress": progress}
