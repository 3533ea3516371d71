"""Reads of pipelines, datasets, runs and their records, always scoped to one workspace."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import connection, transaction
from django.db.models import BooleanField, Count, ExpressionWrapper, Max, Q, QuerySet, Sum

from backend.blocks.schema import TableSchema
from backend.engine.events import log_event, metric_event, run_status_event, step_status_event
from backend.errors import NotFoundError
from backend.pipelines.models import (
    ApiKey,
    Artifact,
    Dataset,
    LogEntry,
    MetricPoint,
    ModelVersion,
    Pipeline,
    PipelineVersion,
    Run,
    Stage,
    StepRun,
)
from backend.workspaces.models import Workspace


def dataset_list(*, workspace: Workspace) -> QuerySet[Dataset]:
    """The datasets of a workspace, newest first."""
    return Dataset.objects.filter(workspace=workspace).order_by("-created_at", "-id")


def dataset_get(*, workspace: Workspace, dataset_id: int) -> Dataset:
    """One dataset of the workspace, or 404."""
    dataset = Dataset.objects.filter(workspace=workspace, pk=dataset_id).first()
    if dataset is None:
        raise NotFoundError(f"dataset {dataset_id} not found in this workspace", field="dataset")
    return dataset


class WorkspaceSchemaEnv:
    """Answers graph validation's questions about a workspace's datasets."""

    def __init__(self, workspace: Workspace) -> None:
        self.workspace = workspace

    def dataset_schema(self, dataset_id: int) -> TableSchema:
        """The dataset's schema; LookupError when it is not in the workspace."""
        row = (
            Dataset.objects.filter(workspace=self.workspace, pk=dataset_id)
            .values_list("schema", flat=True)
            .first()
        )
        if row is None:
            raise LookupError(dataset_id)
        return TableSchema.from_pairs(row)


def pipeline_list(*, workspace: Workspace) -> QuerySet[Pipeline]:
    """The pipelines of a workspace, most recently edited first."""
    return Pipeline.objects.filter(workspace=workspace).order_by("-updated_at", "-id")


def pipeline_get(*, workspace: Workspace, pipeline_id: int) -> Pipeline:
    """One pipeline of the workspace, or 404."""
    pipeline = Pipeline.objects.filter(workspace=workspace, pk=pipeline_id).first()
    if pipeline is None:
        raise NotFoundError(f"pipeline {pipeline_id} not found in this workspace", field="pipeline")
    return pipeline


def version_list(*, pipeline: Pipeline) -> QuerySet[PipelineVersion]:
    """A pipeline's versions, newest first."""
    return PipelineVersion.objects.filter(pipeline=pipeline).select_related("author")


def version_get(*, pipeline: Pipeline, number: int) -> PipelineVersion:
    """Version `number` of a pipeline, or 404."""
    version = PipelineVersion.objects.filter(pipeline=pipeline, number=number).first()
    if version is None:
        raise NotFoundError(f"pipeline {pipeline.pk} has no version {number}", field="version")
    return version


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
    """A run's log and metric events numbered after `after` up to `upto`, in order."""
    span = {"run_id": run_id, "seq__gt": after, "seq__lte": upto}
    logs = LogEntry.objects.filter(**span).values(*_LOG_FIELDS)
    metrics = MetricPoint.objects.filter(**span).values(*_METRIC_FIELDS)
    events = _log_events(run_id, logs) + _metric_events(run_id, metrics)
    return sorted(events, key=lambda event: event["seq"])


def artifact_get(*, workspace: Workspace, artifact_id: int) -> Artifact:
    """One artifact of the workspace, or 404."""
    artifact = Artifact.objects.filter(workspace=workspace, pk=artifact_id).first()
    if artifact is None:
        raise NotFoundError(f"artifact {artifact_id} not found in this workspace", field="artifact")
    return artifact


def model_version_list(*, workspace: Workspace, name: str | None = None) -> QuerySet[ModelVersion]:
    """Registered model versions of a workspace, by name then newest version first."""
    versions = ModelVersion.objects.filter(workspace=workspace)
    if name is not None:
        versions = versions.filter(name=name)
    return versions.order_by("name", "-version")


def model_summary_list(*, workspace: Workspace) -> QuerySet[ModelVersion]:
    """One row per registered model name: version count, latest and production version."""
    return (
        ModelVersion.objects.filter(workspace=workspace)
        .values("name")
        .annotate(
            versions=Count("id"),
            latest_version=Max("version"),
            production_version=Max("version", filter=Q(stage=Stage.PRODUCTION)),
            updated_at=Max("created_at"),
            requests=Sum("request_count"),
        )
        .order_by("name")
    )


def model_version_get(*, workspace: Workspace, name: str, version: int) -> ModelVersion:
    """Version `version` of model `name` in the workspace, or 404."""
    found = (
        ModelVersion.objects.filter(workspace=workspace, name=name, version=version)
        .select_related("artifact", "created_by", "stage_changed_by")
        .first()
    )
    if found is None:
        raise _model_not_found(workspace.pk, name, f"model '{name}' has no version {version}")
    return found


def model_version_resolve(
    *, workspace_id: int, name: str, version: int | None = None, stage: str | None = None
) -> ModelVersion:
    """The version a predict request means, in one query: version `version`; else the newest
    in `stage`; else the production version, or the newest when none is in production."""
    versions = ModelVersion.objects.filter(workspace_id=workspace_id, name=name)
    if version is not None:
        versions, missing = versions.filter(version=version), f"has no version {version}"
    elif stage is not None:
        versions, missing = versions.filter(stage=stage), f"has no version in {stage}"
    else:
        missing = "has no versions"
    in_production = ExpressionWrapper(Q(stage=Stage.PRODUCTION), output_field=BooleanField())
    found = (
        versions.select_related("artifact")
        .only("id", "name", "version", "stage", "workspace_id", "artifact__digest")
        .order_by(in_production.desc(), "-version")
        .first()
    )
    if found is None:
        raise _model_not_found(workspace_id, name, f"model '{name}' {missing}")
    return found


def _model_not_found(workspace_id: int, name: str, message: str) -> NotFoundError:
    if not ModelVersion.objects.filter(workspace_id=workspace_id, name=name).exists():
        return NotFoundError(f"model '{name}' not found in this workspace", field="model")
    return NotFoundError(message, field="version")


def api_key_list(*, workspace: Workspace) -> QuerySet[ApiKey]:
    """The API keys of a workspace, revoked ones included, newest first."""
    return ApiKey.objects.filter(workspace=workspace).select_related("created_by", "revoked_by")


def api_key_get(*, workspace: Workspace, key_id: int) -> ApiKey:
    """One API key of the workspace, or 404."""
    key = ApiKey.objects.filter(workspace=workspace, pk=key_id).first()
    if key is None:
        raise NotFoundError(f"API key {key_id} not found in this workspace", field="api_key")
    return key
