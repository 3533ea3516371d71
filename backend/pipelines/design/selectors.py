"""Reading pipelines and their versions, and the datasets graph validation sees."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from backend.blocks import all_blocks, describe_block
from backend.blocks.schema import TableSchema
from backend.errors import NotFoundError
from backend.pipelines.models import (
    Dataset,
    Pipeline,
    PipelineVersion,
)
from backend.workspaces.models import Workspace


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


def block_catalogue() -> list[dict[str, Any]]:
    """The block catalogue as the editor's palette shows it: every registered block with its
    ports and config JSON Schema."""
    return [describe_block(block) for block in all_blocks()]
