"""Admin for everything pipelines store. Versions, finished runs and records are read-only;
a model version's stage changes through the registry service, so it is recorded."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.urls import URLPattern, path

from backend.engine.workers import worker_snapshot
from backend.pipelines.models import (
    RUN_FINISHED,
    ApiKey,
    Artifact,
    Dataset,
    LogEntry,
    MetricPoint,
    ModelVersion,
    Pipeline,
    PipelineVersion,
    PredictionLog,
    Run,
    RunEvent,
    StageTransition,
    StepRun,
)
from backend.pipelines.registry.keys import api_key_revoke
from backend.pipelines.registry.services import model_version_set_stage
from backend.pipelines.runs.waiting import queue_summaries


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


@admin.register(RunEvent)
class RunEventAdmin(ReadOnlyAdmin):
    """Status and progress events, in the run's one sequence with its logs and metrics."""

    list_display = ["run", "seq", "type", "node", "payload", "created_at"]
    list_filter = ["type"]


class StageTransitionInline(admin.TabularInline):
    """A version's stage history."""

    model = StageTransition
    extra = 0
    fields = ["from_stage", "to_stage", "changed_by", "changed_at", "reason"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ModelVersion)
class ModelVersionAdmin(admin.ModelAdmin):
    """Registered model versions; the stage is the only thing to change here, and changing it
    goes through the registry (recorded, one production version per model)."""

    list_display = [
        "name",
        "version",
        "stage",
        "workspace",
        "created_at",
        "stage_changed_at",
        "request_count",
        "error_count",
    ]
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
        "stage_changed_by",
        "request_count",
        "error_count",
        "predicted_rows",
        "last_request_at",
        "training_stats",
    ]
    inlines = [StageTransitionInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # versions are registered by the publish block

    def save_model(
        self, request: HttpRequest, obj: ModelVersion, form: ModelForm, change: bool
    ) -> None:
        if change and "stage" in form.changed_data:
            model_version_set_stage(model_version=obj, stage=obj.stage, user=request.user)


@admin.register(StageTransition)
class StageTransitionAdmin(ReadOnlyAdmin):
    """Every stage change of every model version."""

    list_display = ["model_version", "from_stage", "to_stage", "changed_by", "changed_at"]
    list_filter = ["to_stage", "model_version__workspace"]
    search_fields = ["model_version__name", "reason"]


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    """API keys: shown by prefix (the secret itself is never stored), renamed or revoked here;
    created through the API, which shows the secret once."""

    list_display = [
        "name",
        "prefix",
        "workspace",
        "model_name",
        "created_by",
        "created_at",
        "last_used_at",
        "revoked_at",
    ]
    list_filter = ["workspace", ("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "prefix", "model_name"]
    fields = [
        "name",
        "prefix",
        "workspace",
        "model_name",
        "created_by",
        "created_at",
        "last_used_at",
        "revoked_at",
        "revoked_by",
    ]
    readonly_fields = [f for f in fields if f != "name"]
    actions = ["revoke"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # the API creates keys, and shows the secret once

    @admin.action(description="Revoke the selected API keys")
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiKey]) -> None:
        keys = [key for key in queryset if key.revoked_at is None]
        for key in keys:
            api_key_revoke(api_key=key, user=request.user)
        self.message_user(request, f"revoked {len(keys)} API key(s)", messages.SUCCESS)


@admin.register(PredictionLog)
class PredictionLogAdmin(ReadOnlyAdmin):
    """Recent predict requests per model version (capped; the totals are on the version)."""

    list_display = [
        "model_version",
        "created_at",
        "ok",
        "status",
        "rows",
        "latency_ms",
        "error_code",
        "api_key",
    ]
    list_filter = ["ok", "status", "model_version__workspace"]
    search_fields = ["model_version__name", "error"]


def operations_admin_view(request: HttpRequest) -> TemplateResponse:
    """Online workers with their queues, current steps and GPUs, and the queues' depths.

    Staff see every step (the admin already shows every run), linked to its run's admin page.
    """
    snapshot = worker_snapshot()
    steps = {
        s.pk: s
        for s in StepRun.objects.filter(
            pk__in=[i for w in snapshot.workers for i in w.active_step_ids]
        ).select_related("run__workspace")
    }
    workers = [
        {
            "name": w.name,
            "queues": w.queues,
            "concurrency": w.concurrency,
            "idle": w.idle,
            "task_count": w.task_count,
            "devices": w.devices or (),
            "steps": [
                {"run_id": s.run_id, "node_id": s.node_id, "workspace": s.run.workspace.slug}
                for s in (steps.get(i) for i in w.active_step_ids)
                if s is not None
            ],
        }
        for w in snapshot.workers
    ]
    queues = [vars(q) for q in queue_summaries(snapshot)]
    context = {
        **admin.site.each_context(request),
        "title": "Workers and queues",
        "broker_error": snapshot.error,
        "timeout": f"{snapshot.timeout:g}",
        "workers": workers,
        "queues": queues,
    }
    return TemplateResponse(request, "admin/operations.html", context)


def _admin_urls_with_operations(get_urls: Callable[[], list[URLPattern]]) -> Callable[[], list]:
    """The admin site's URLs with the workers-and-queues page (staff only) in front."""

    def urls() -> list:
        page = admin.site.admin_view(operations_admin_view)
        return [path("operations/", page, name="operations"), *get_urls()]

    return urls


admin.site.get_urls = _admin_urls_with_operations(admin.site.get_urls)  # type: ignore[method-assign]
# The index links to the page (the template adds one row above the apps).
admin.site.index_template = "admin/tributary_index.html"
