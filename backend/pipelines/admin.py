"""Admin for everything pipelines store. Versions, finished runs and records are read-only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from backend.pipelines.models import (
    RUN_FINISHED,
    Artifact,
    Dataset,
    LogEntry,
    MetricPoint,
    ModelVersion,
    Pipeline,
    PipelineVersion,
    Run,
    StepRun,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows written by the system: viewable, never edited or added by hand."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Dataset)
class DatasetAdmin(admin.ModelAdmin):
    """Uploaded datasets."""

    list_display = ["name", "workspace", "format", "row_count", "size_bytes", "created_at"]
    list_filter = ["format", "workspace"]
    search_fields = ["name", "original_filename", "content_hash"]
    readonly_fields = [
        "workspace",
        "original_filename",
        "format",
        "content_hash",
        "storage_key",
        "size_bytes",
        "row_count",
        "schema",
        "preview",
        "created_by",
        "created_at",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # datasets come in through the upload endpoint, which checks them


class VersionInline(admin.TabularInline):
    """A pipeline's versions, listed read-only."""

    model = PipelineVersion
    extra = 0
    fields = ["number", "message", "author", "created_at"]
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Pipeline)
class PipelineAdmin(admin.ModelAdmin):
    """Pipelines and their drafts."""

    list_display = ["name", "workspace", "revision", "updated_at", "created_by"]
    list_filter = ["workspace"]
    search_fields = ["name", "description"]
    readonly_fields = ["revision", "created_at", "updated_at", "created_by"]
    inlines = [VersionInline]


@admin.register(PipelineVersion)
class PipelineVersionAdmin(ReadOnlyAdmin):
    """Immutable snapshots."""

    list_display = ["pipeline", "number", "message", "author", "created_at"]
    list_filter = ["pipeline__workspace"]
    search_fields = ["pipeline__name", "message"]


class StepInline(admin.TabularInline):
    """A run's steps."""

    model = StepRun
    extra = 0
    fields = ["node_id", "block_key", "status", "attempt", "worker", "started_at", "finished_at"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Run)
class RunAdmin(admin.ModelAdmin):
    """Runs; finished ones cannot be changed."""

    list_display = [
        "id",
        "pipeline",
        "version",
        "status",
        "created_by",
        "created_at",
        "finished_at",
    ]
    list_filter = ["status", "workspace"]
    search_fields = ["pipeline__name", "error"]
    date_hierarchy = "created_at"
    inlines = [StepInline]
    readonly_fields = ["workspace", "pipeline", "version", "created_by", "created_at", "last_seq"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # runs are started through the API, which validates and queues them

    def has_change_permission(self, request: HttpRequest, obj: Run | None = None) -> bool:
        if obj is not None and obj.status in RUN_FINISHED:
            return False
        return super().has_change_permission(request, obj)


@admin.register(StepRun)
class StepRunAdmin(ReadOnlyAdmin):
    """Steps of runs."""

    list_display = ["node_id", "run", "block_key", "status", "attempt", "queue", "worker"]
    list_filter = ["status", "queue", "block_key"]
    search_fields = ["node_id", "block_key", "worker", "error_message"]


@admin.register(Artifact)
class ArtifactAdmin(ReadOnlyAdmin):
    """Content-addressed outputs."""

    list_display = ["id", "kind", "port", "step", "size_bytes", "digest", "created_at"]
    list_filter = ["kind", "workspace"]
    search_fields = ["digest"]


@admin.register(LogEntry)
class LogEntryAdmin(ReadOnlyAdmin):
    """Log lines."""

    list_display = ["run", "seq", "step", "level", "message", "created_at"]
    list_filter = ["level"]
    search_fields = ["message"]


@admin.register(MetricPoint)
class MetricPointAdmin(ReadOnlyAdmin):
    """Metric values."""

    list_display = ["run", "seq", "step", "key", "value", "index"]
    search_fields = ["key"]


@admin.register(ModelVersion)
class ModelVersionAdmin(admin.ModelAdmin):
    """Registered model versions; the stage is the only thing to change here."""

    list_display = ["name", "version", "stage", "workspace", "created_at", "stage_changed_at"]
    list_filter = ["stage", "workspace"]
    search_fields = ["name"]
    readonly_fields = [
        "workspace",
        "name",
        "version",
        "artifact",
        "run",
        "metrics",
        "signature",
        "lineage",
        "created_by",
        "created_at",
        "stage_changed_at",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # versions are registered by the publish block
