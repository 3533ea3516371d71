"""What is stored: datasets, pipelines and their versions, runs and their steps, artifacts,
logs and metrics, registered model versions with their stage history, the API keys that call
them, and a capped log of prediction requests.

Every row belongs to one workspace (directly, or through its run or pipeline), and every query
the API makes is scoped to the workspaces the caller is a member of.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q

from backend.workspaces.models import Workspace


def empty_graph() -> dict[str, Any]:
    """The graph of a new pipeline."""
    return {"nodes": [], "edges": []}


class Dataset(models.Model):
    """An uploaded CSV or Parquet file, stored once per workspace by content hash."""

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        PARQUET = "parquet", "Parquet"

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="datasets")
    name = models.CharField(max_length=200)
    original_filename = models.CharField(max_length=255)
    format = models.CharField(max_length=10, choices=Format.choices)
    #: sha256 of the uploaded bytes: the same file uploaded twice is one dataset.
    content_hash = models.CharField(max_length=64)
    #: Key of the normalised Parquet copy in the artifact store.
    storage_key = models.CharField(max_length=64)
    size_bytes = models.BigIntegerField()
    row_count = models.BigIntegerField()
    #: ``[{"name": ..., "dtype": ..., "nulls": ...}, ...]``
    schema = models.JSONField(default=list)
    #: ``{"columns": [...], "rows": [[...], ...]}``: the first rows, JSON-safe.
    preview = models.JSONField(default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "content_hash"], name="unique_dataset_hash_per_workspace"
            )
        ]
        indexes = [models.Index(fields=["workspace", "-created_at"])]

    def __str__(self) -> str:
        return self.name


class Pipeline(models.Model):
    """A named pipeline with an editable draft graph; ``revision`` guards concurrent saves."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="pipelines")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True, default="")
    graph = models.JSONField(default=empty_graph)
    revision = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "name"], name="unique_pipeline_name_per_workspace"
            )
        ]
        indexes = [models.Index(fields=["workspace", "-updated_at"])]

    def __str__(self) -> str:
        return self.name


class ImmutableModel(models.Model):
    """A row that is written once: saving an existing row raises."""

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise ValueError(f"{type(self).__name__} rows are immutable once created")
        super().save(*args, **kwargs)


class PipelineVersion(ImmutableModel):
    """An immutable snapshot of a pipeline's graph; runs always execute one."""

    pipeline = models.ForeignKey(Pipeline, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    graph = models.JSONField()
    message = models.CharField(max_length=500, blank=True, default="")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pipeline", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["pipeline", "number"], name="unique_version_number_per_pipeline"
            )
        ]

    def __str__(self) -> str:
        return f"{self.pipeline} v{self.number}"


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


class Stage(models.TextChoices):
    """Where a model version is in its life."""

    NONE = "none", "None"
    STAGING = "staging", "Staging"
    PRODUCTION = "production", "Production"
    ARCHIVED = "archived", "Archived"


class ModelVersion(models.Model):
    """Version n of a registered model name in a workspace, with its stage and metrics."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="models")
    name = models.CharField(max_length=200)
    version = models.PositiveIntegerField()
    stage = models.CharField(max_length=12, choices=Stage.choices, default=Stage.NONE)
    artifact = models.ForeignKey(
        Artifact, null=True, blank=True, on_delete=models.RESTRICT, related_name="model_versions"
    )  # RESTRICT: deleting the workspace (which cascades to both) is still possible.
    run = models.ForeignKey(
        Run, null=True, blank=True, on_delete=models.SET_NULL, related_name="model_versions"
    )
    metrics = models.JSONField(default=dict, blank=True)
    #: ``[{"name": ..., "dtype": ...}, ...]``: the raw columns predict expects.
    signature = models.JSONField(default=list, blank=True)
    #: Run, pipeline version, dataset hashes and block versions it came from.
    lineage = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    stage_changed_at = models.DateTimeField(null=True, blank=True)
    stage_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    #: Per-feature statistics of the raw training rows (bins, proportions), the baseline of the
    #: drift report; computed the first time drift is asked for, then kept.
    training_stats = models.JSONField(null=True, blank=True)
    #: Serving totals, added to in batches by the prediction recorder.
    request_count = models.PositiveBigIntegerField(default=0)
    error_count = models.PositiveBigIntegerField(default=0)
    predicted_rows = models.PositiveBigIntegerField(default=0)
    last_request_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["workspace", "name", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "name", "version"], name="unique_model_version"
            ),
            models.UniqueConstraint(
                fields=["workspace", "name"],
                condition=Q(stage="production"),
                name="one_production_version_per_model",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.version} ({self.stage})"


class StageTransition(ImmutableModel):
    """One change of a model version's stage: from what, to what, by whom and when."""

    model_version = models.ForeignKey(
        ModelVersion, on_delete=models.CASCADE, related_name="transitions"
    )
    from_stage = models.CharField(max_length=12, choices=Stage.choices)
    to_stage = models.CharField(max_length=12, choices=Stage.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)
    #: Why, when it was a consequence of another change (e.g. "version 3 went to production").
    reason = models.CharField(max_length=200, blank=True, default="")

    class Meta:
        ordering = ["model_version", "-changed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.model_version}: {self.from_stage} -> {self.to_stage}"


class ApiKey(models.Model):
    """A secret an application sends as ``Authorization: Api-Key <key>`` to call predict.

    Scoped to one workspace and to one model name (or, with an empty ``model_name``, to every
    model of the workspace). Only a hash of the key is kept; the key is shown once, on creation.
    """

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="api_keys")
    name = models.CharField(max_length=100)
    #: The key's public start (``trb_`` and 8 hex digits): shown in lists, used to look it up.
    prefix = models.CharField(max_length=16, unique=True)
    #: sha256 of the whole key. Keys are 256-bit random, so a fast hash is enough.
    secret_hash = models.CharField(max_length=64)
    #: The model the key may call; empty: every model of the workspace.
    model_name = models.CharField(max_length=200, blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    #: Updated at most once a minute, so that a busy key does not write on every request.
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["workspace", "-created_at"])]
        verbose_name = "API key"

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}...)"

    @property
    def is_active(self) -> bool:
        """Whether the key may still be used."""
        return self.revoked_at is None


class PredictionLog(models.Model):
    """One predict request to a model version: outcome, latency and a sample of its rows.

    Capped: the recorder keeps the newest rows of each version only, so the table stays small
    however much traffic a model gets; the totals live on the ModelVersion.
    """

    model_version = models.ForeignKey(
        ModelVersion, on_delete=models.CASCADE, related_name="prediction_logs"
    )
    created_at = models.DateTimeField()
    ok = models.BooleanField(default=True)
    #: HTTP status the request was answered with.
    status = models.PositiveSmallIntegerField(default=200)
    error_code = models.CharField(max_length=50, blank=True, default="")
    error = models.CharField(max_length=500, blank=True, default="")
    rows = models.PositiveIntegerField(default=0)
    latency_ms = models.FloatField()
    #: Up to a few dozen of the request's rows, as sent: the sample the drift report reads.
    inputs = models.JSONField(default=list, blank=True)
    api_key = models.ForeignKey(
        ApiKey, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["model_version", "-id"], name="predictionlog_recent_idx")]

    def __str__(self) -> str:
        outcome = "ok" if self.ok else self.error_code or "error"
        return f"{self.model_version} {self.rows} rows {outcome} {self.latency_ms:.1f} ms"
