"""Pipeline design: pipelines with their editable draft graph, and immutable versions."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from backend.pipelines.models.base import ImmutableModel
from backend.workspaces.models import Workspace


def empty_graph() -> dict[str, Any]:
    """The graph of a new pipeline."""
    return {"nodes": [], "edges": []}


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
