"""Reading datasets."""

from __future__ import annotations

from django.db.models import QuerySet

from backend.errors import NotFoundError
from backend.pipelines.models import (
    Dataset,
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
