"""REST endpoints for datasets: list, upload, rename, delete, preview.

Thin: each view checks access, validates the request's shape with a serializer, and hands over
to a service or selector.
"""

from __future__ import annotations

import pyarrow.parquet as pq
from django.conf import settings
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from backend.api.serializers import TablePreviewSerializer
from backend.api.uploads import upload_limit_error
from backend.api.views import PREVIEW_LIMIT, WorkspaceView
from backend.blocks.tables import preview_rows
from backend.engine.artifacts import default_store
from backend.pipelines.datasets.selectors import dataset_get, dataset_list
from backend.pipelines.datasets.serializers import (
    DatasetSerializer,
    DatasetUpdateSerializer,
    DatasetUploadSerializer,
)
from backend.pipelines.datasets.services import dataset_create, dataset_delete, dataset_rename
from backend.workspaces.models import Role


class DatasetListView(WorkspaceView):
    """List datasets; upload one (multipart ``file``, CSV or Parquet)."""

    parser_classes = [MultiPartParser]
    #: The ASGI guard (backend/api/request_guard.py) authenticates a POST here from its headers
    #: and holds it to UPLOAD_MAX_BYTES before the body is read.
    accepts_uploads = True

    @extend_schema(responses=DatasetSerializer(many=True))
    def get(self, request: Request, slug: str) -> Response:
        workspace = self.workspace(slug)
        return self.paginated(dataset_list(workspace=workspace), DatasetSerializer)

    @extend_schema(
        request={"multipart/form-data": DatasetUploadSerializer},
        responses={201: DatasetSerializer, 200: DatasetSerializer},
    )
    def post(self, request: Request, slug: str) -> Response:
        workspace = self.workspace(slug, Role.EDITOR)
        # Refuse an oversized body from its declared length, before reading any of it.
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
        if declared > settings.UPLOAD_MAX_BYTES + 64 * 1024:
            raise upload_limit_error(settings.UPLOAD_MAX_BYTES)
        data = DatasetUploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        dataset, created = dataset_create(
            workspace=workspace,
            user=request.user,
            upload=data.validated_data["file"],
            name=data.validated_data.get("name", ""),
        )
        return Response(
            DatasetSerializer(dataset).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class DatasetDetailView(WorkspaceView):
    """Read, rename or delete a dataset."""

    @extend_schema(responses=DatasetSerializer)
    def get(self, request: Request, slug: str, dataset_id: int) -> Response:
        dataset = dataset_get(workspace=self.workspace(slug), dataset_id=dataset_id)
        return Response(DatasetSerializer(dataset).data)

    @extend_schema(request=DatasetUpdateSerializer, responses=DatasetSerializer)
    def patch(self, request: Request, slug: str, dataset_id: int) -> Response:
        workspace = self.workspace(slug, Role.EDITOR)
        dataset = dataset_get(workspace=workspace, dataset_id=dataset_id)
        data = DatasetUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        dataset = dataset_rename(dataset=dataset, name=data.validated_data["name"])
        return Response(DatasetSerializer(dataset).data)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, slug: str, dataset_id: int) -> Response:
        workspace = self.workspace(slug, Role.EDITOR)
        dataset_delete(dataset=dataset_get(workspace=workspace, dataset_id=dataset_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


class DatasetPreviewView(WorkspaceView):
    """The first rows of a dataset (``?limit=``, default 50, at most 1000)."""

    @extend_schema(
        parameters=[PREVIEW_LIMIT.parameter],
        responses=TablePreviewSerializer,
    )
    def get(self, request: Request, slug: str, dataset_id: int) -> Response:
        dataset = dataset_get(workspace=self.workspace(slug), dataset_id=dataset_id)
        limit = PREVIEW_LIMIT.read(request)
        with default_store().open(dataset.storage_key) as handle:
            batch = next(pq.ParquetFile(handle).iter_batches(batch_size=limit), None)
        frame = batch.to_pandas() if batch is not None else None
        body = preview_rows(frame, limit) if frame is not None else {"columns": [], "rows": []}
        body.update(schema=dataset.schema, row_count=dataset.row_count)
        return Response(body)
