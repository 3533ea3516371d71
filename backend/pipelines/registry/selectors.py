"""Reading model versions (by number or by stage) and API keys."""

from __future__ import annotations

from django.db.models import BooleanField, Count, ExpressionWrapper, Max, Q, QuerySet, Sum

from backend.errors import NotFoundError
from backend.pipelines.models import (
    ApiKey,
    ModelVersion,
    Stage,
)
from backend.workspaces.models import Workspace


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
