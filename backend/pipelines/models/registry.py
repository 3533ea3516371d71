"""The model registry: model versions, their stage history, API keys and prediction logs."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from backend.pipelines.models.base import ImmutableModel
from backend.pipelines.models.runs import Artifact, Run
from backend.workspaces.models import Workspace


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
