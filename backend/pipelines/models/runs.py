"""Runs: a version executing, its steps, their artifacts, logs and metric values."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q

from backend.pipelines.models.design import Pipeline, PipelineVersion
from backend.workspaces.models import Workspace


class RunStatus(models.TextChoices):
    """Lifecycle of a run."""

    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"


RUN_FINISHED = (RunStatus.SUCCEEDED, RunStatus.FAILED, RunStatus.CANCELLED)


class Run(models.Model):
    """One execution of a pipeline version."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="runs")
    pipeline = models.ForeignKey(Pipeline, on_delete=models.CASCADE, related_name="runs")
    #: RESTRICT, not PROTECT: a version with runs cannot be deleted on its own, but deleting the
    #: pipeline or workspace (which cascades to both the version and its runs) works.
    version = models.ForeignKey(PipelineVersion, on_delete=models.RESTRICT, related_name="runs")
    status = models.CharField(max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED)
    #: What the run was asked for: use_cache, from_node and user parameters.
    parameters = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True, default="")
    #: Last event sequence number handed out; logs, metrics and statuses share it.
    last_seq = models.BigIntegerField(default=0)
    #: Set by cancel: queued steps stop at once, running ones at their next check.
    cancel_requested = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["workspace", "-created_at"]),
            models.Index(fields=["pipeline", "-created_at"]),
            models.Index(fields=["status"]),
        ]

    def __str__(self) -> str:
        return f"run {self.pk} of {self.pipeline_id} ({self.status})"

    @property
    def is_finished(self) -> bool:
        """Whether the run reached a final status."""
        return self.status in RUN_FINISHED


class StepStatus(models.TextChoices):
    """Lifecycle of one node within a run."""

    PENDING = "pending", "Pending"
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"
    SKIPPED = "skipped", "Skipped"
    CANCELLED = "cancelled", "Cancelled"
    CACHED = "cached", "Cached"


STEP_FINISHED = (
    StepStatus.SUCCEEDED,
    StepStatus.FAILED,
    StepStatus.SKIPPED,
    StepStatus.CANCELLED,
    StepStatus.CACHED,
)


class StepRun(models.Model):
    """One node of a run: its status, its current attempt's lease, timings and outputs."""

    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="steps")
    node_id = models.CharField(max_length=64)
    block_key = models.CharField(max_length=100)
    block_version = models.PositiveIntegerField(default=1)
    queue = models.CharField(max_length=10, default="cpu")
    status = models.CharField(max_length=10, choices=StepStatus.choices, default=StepStatus.PENDING)
    #: Attempt number; also the fencing token of the lease (a stale attempt may not write).
    attempt = models.PositiveIntegerField(default=0)
    max_attempts = models.PositiveIntegerField(default=2)
    worker = models.CharField(max_length=200, blank=True, default="")
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    progress = models.FloatField(default=0.0)
    cache_key = models.CharField(max_length=64, blank=True, default="", db_index=True)
    cached_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    error_message = models.TextField(blank=True, default="")
    error_traceback = models.TextField(blank=True, default="")
    queued_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["run", "id"]
        constraints = [
            models.UniqueConstraint(fields=["run", "node_id"], name="unique_step_per_node_per_run")
        ]
        indexes = [
            # The reaper looks for running steps whose lease ran out.
            models.Index(
                fields=["lease_expires_at"],
                name="step_running_lease_idx",
                condition=Q(status="running"),
            ),
            models.Index(fields=["cache_key", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.node_id} of run {self.run_id} ({self.status})"


class Artifact(models.Model):
    """A content-addressed output in the artifact store: a table, model, metrics or figure."""

    class Kind(models.TextChoices):
        TABLE = "table", "Table"
        MODEL = "model", "Model"
        METRICS = "metrics", "Metrics"
        FIGURE = "figure", "Figure"

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="artifacts")
    step = models.ForeignKey(
        StepRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="outputs"
    )
    port = models.CharField(max_length=64, blank=True, default="")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    #: sha256 of the stored bytes; the key in the artifact store.
    digest = models.CharField(max_length=64, db_index=True)
    size_bytes = models.BigIntegerField(default=0)
    #: Table schema and stats, model task and features, prep lineage, ...
    metadata = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["step", "port"],
                name="unique_artifact_per_step_port",
                condition=Q(step__isnull=False),
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.digest[:12]}"


class LogLevel(models.TextChoices):
    """Severity of a log line."""

    DEBUG = "debug", "Debug"
    INFO = "info", "Info"
    WARNING = "warning", "Warning"
    ERROR = "error", "Error"


class LogEntry(models.Model):
    """One log line of a step, ordered within its run by ``seq``."""

    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="logs")
    step = models.ForeignKey(StepRun, on_delete=models.CASCADE, related_name="logs")
    seq = models.BigIntegerField()
    level = models.CharField(max_length=10, choices=LogLevel.choices, default=LogLevel.INFO)
    message = models.TextField()
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["run", "seq"]
        constraints = [models.UniqueConstraint(fields=["run", "seq"], name="unique_log_seq")]
        verbose_name_plural = "log entries"

    def __str__(self) -> str:
        return f"[{self.seq}] {self.message[:60]}"


class MetricPoint(models.Model):
    """One value of a metric series of a step (e.g. loss at epoch 3)."""

    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="metrics")
    step = models.ForeignKey(StepRun, on_delete=models.CASCADE, related_name="metrics")
    seq = models.BigIntegerField()
    key = models.CharField(max_length=100)
    value = models.FloatField()
    #: The x of the series (epoch, iteration); null for a single value.
    index = models.IntegerField(null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["run", "seq"]
        constraints = [models.UniqueConstraint(fields=["run", "seq"], name="unique_metric_seq")]
        indexes = [models.Index(fields=["step", "key"])]

    def __str__(self) -> str:
        return f"{self.key}={self.value}"


class RunEvent(models.Model):
    """A status or progress event of a run, numbered in the run's one sequence with its log
    lines and metric values, so that a live stream can be replayed from the database in order.
    """

    class Type(models.TextChoices):
        RUN_STATUS = "run.status", "Run status"
        STEP_STATUS = "step.status", "Step status"
        PROGRESS = "progress", "Progress"

    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="events")
    seq = models.BigIntegerField()
    type = models.CharField(max_length=20, choices=Type.choices)
    #: The step's node id; empty for the run's own events.
    node = models.CharField(max_length=64, blank=True)
    #: The event's other fields, as broadcast (status, attempt, progress, error, worker).
    payload = models.JSONField(default=dict)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["run", "seq"]
        constraints = [models.UniqueConstraint(fields=["run", "seq"], name="unique_run_event_seq")]

    def __str__(self) -> str:
        return f"[{self.seq}] {self.type} {self.node}".rstrip()

    def as_event(self) -> dict[str, Any]:
        """The event as it was broadcast."""
        place = {"node": self.node} if self.node else {}
        return {"type": self.type, "run": self.run_id, **place, "seq": self.seq, **self.payload}
