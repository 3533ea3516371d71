"""REST endpoints for the block catalogue, datasets, pipelines, versions and runs.

Thin: each view checks access through `access_workspace`, validates the request's shape with a
serializer, and hands over to a service or selector.
"""

from __future__ import annotations

from typing import Any

import pyarrow.parquet as pq
from django.conf import settings
from django.db.models import Max
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.blocks import all_blocks, describe_block
from backend.blocks.tables import preview_rows
from backend.engine.artifacts import default_store
from backend.errors import UserError
from backend.pipelines import selectors, services
from backend.pipelines import serializers as s
from backend.pipelines.uploads import upload_limit_error
from backend.workspaces.models import Role, Workspace
from backend.workspaces.selectors import access_workspace

PREVIEW_DEFAULT, PREVIEW_MAX = 50, 1000


class WorkspaceView(GenericAPIView):
    """Base for endpoints under workspaces/<slug>/: access checks in one place."""

    def workspace(self, slug: str, role: str = Role.VIEWER) -> Workspace:
        """The workspace if the caller has at least `role` in it (404 / 403 otherwise)."""
        return access_workspace(user=self.request.user, slug=slug, role=role)

    def paginated(self, queryset: Any, serializer: type) -> Response:
        """A page of `queryset` rendered with `serializer`."""
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(serializer(page, many=True).data)


def _int_param(request: Request, name: str, default: int, *, low: int, high: int) -> int:
    raw = request.query_params.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise UserError(f"{name} must be an integer", field=name) from None
    if not low <= value <= high:
        raise UserError(f"{name} must be between {low} and {high}", field=name)
    return value


class BlockCatalogueView(APIView):
    """The block catalogue: the editor's palette, with ports and config JSON Schemas."""

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request: Request) -> Response:
        return Response([describe_block(block) for block in all_blocks()])


class DatasetListView(WorkspaceView):
    """List datasets; upload one (multipart ``file``, CSV or Parquet)."""

    parser_classes = [MultiPartParser]

    @extend_schema(responses=s.DatasetSerializer(many=True))
    def get(self, request: Request, slug: str) -> Response:
        workspace = self.workspace(slug)
        return self.paginated(selectors.dataset_list(workspace=workspace), s.DatasetSerializer)

    @extend_schema(
        request={"multipart/form-data": s.DatasetUploadSerializer},
        responses={201: s.DatasetSerializer, 200: s.DatasetSerializer},
    )
    def post(self, request: Request, slug: str) -> Response:
        workspace = self.workspace(slug, Role.EDITOR)
        # Refuse an oversized body from its declared length, before reading any of it.
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
        if declared > settings.UPLOAD_MAX_BYTES + 64 * 1024:
            raise upload_limit_error(settings.UPLOAD_MAX_BYTES)
        data = s.DatasetUploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        dataset, created = services.dataset_create(
            workspace=workspace,
            user=request.user,
            upload=data.validated_data["file"],
            name=data.validated_data.get("name", ""),
        )
        return Response(
            s.DatasetSerializer(dataset).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class DatasetDetailView(WorkspaceView):
    """Read, rename or delete a dataset."""

    @extend_schema(responses=s.DatasetSerializer)
    def get(self, request: Request, slug: str, dataset_id: int) -> Response:
        dataset = selectors.dataset_get(workspace=self.workspace(slug), dataset_id=dataset_id)
        return Response(s.DatasetSerializer(dataset).data)

    @extend_schema(request=s.DatasetUpdateSerializer, responses=s.DatasetSerializer)
    def patch(self, request: Request, slug: str, dataset_id: int) -> Response:
        workspace = self.workspace(slug, Role.EDITOR)
        dataset = selectors.dataset_get(workspace=workspace, dataset_id=dataset_id)
        data = s.DatasetUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        dataset = services.dataset_rename(dataset=dataset, name=data.validated_data["name"])
        return Response(s.DatasetSerializer(dataset).data)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, slug: str, dataset_id: int) -> Response:
        workspace = self.workspace(slug, Role.EDITOR)
        services.dataset_delete(
            dataset=selectors.dataset_get(workspace=workspace, dataset_id=dataset_id)
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class DatasetPreviewView(WorkspaceView):
    """The first rows of a dataset (``?limit=``, default 50, at most 1000)."""

    @extend_schema(
        parameters=[OpenApiParameter("limit", int, required=False)],
        responses=s.TablePreviewSerializer,
    )
    def get(self, request: Request, slug: str, dataset_id: int) -> Response:
        dataset = selectors.dataset_get(workspace=self.workspace(slug), dataset_id=dataset_id)
        limit = _int_param(request, "limit", PREVIEW_DEFAULT, low=1, high=PREVIEW_MAX)
        with default_store().open(dataset.storage_key) as handle:
            batch = next(pq.ParquetFile(handle).iter_batches(batch_size=limit), None)
        frame = batch.to_pandas() if batch is not None else None
        body = preview_rows(frame, limit) if frame is not None else {"columns": [], "rows": []}
        body.update(schema=dataset.schema, row_count=dataset.row_count)
        return Response(body)


class PipelineListView(WorkspaceView):
    """List pipelines; create one with a name and a draft graph."""

    @extend_schema(responses=s.PipelineListSerializer(many=True))
    def get(self, request: Request, slug: str) -> Response:
        pipelines = selectors.pipeline_list(workspace=self.workspace(slug)).annotate(
            latest_version_number=Max("versions__number")
        )
        return self.paginated(pipelines, s.PipelineListSerializer)

    @extend_schema(request=s.PipelineCreateSerializer, responses={201: s.PipelineSerializer})
    def post(self, request: Request, slug: str) -> Response:
        workspace = self.workspace(slug, Role.EDITOR)
        data = s.PipelineCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        pipeline = services.pipeline_create(
            workspace=workspace, user=request.user, **data.validated_data
        )
        return Response(s.PipelineSerializer(pipeline).data, status=status.HTTP_201_CREATED)


class PipelineDetailView(WorkspaceView):
    """Read a pipeline; save its draft (PATCH with the current ``revision``); delete it."""

    @extend_schema(responses=s.PipelineSerializer)
    def get(self, request: Request, slug: str, pipeline_id: int) -> Response:
        pipeline = selectors.pipeline_get(workspace=self.workspace(slug), pipeline_id=pipeline_id)
        return Response(s.PipelineSerializer(pipeline).data)

    @extend_schema(
        request=s.PipelineUpdateSerializer, responses={200: s.PipelineSerializer, 409: None}
    )
    def patch(self, request: Request, slug: str, pipeline_id: int) -> Response:
        workspace = self.workspace(slug, Role.EDITOR)
        pipeline = selectors.pipeline_get(workspace=workspace, pipeline_id=pipeline_id)
        data = s.PipelineUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        pipeline = services.pipeline_update(pipeline=pipeline, **data.validated_data)
        return Response(s.PipelineSerializer(pipeline).data)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, slug: str, pipeline_id: int) -> Response:
        workspace = self.workspace(slug, Role.EDITOR)
        services.pipeline_delete(
            pipeline=selectors.pipeline_get(workspace=workspace, pipeline_id=pipeline_id)
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class PipelineValidateView(WorkspaceView):
    """Check whether the draft (or a graph sent in the body) can run."""

    @extend_schema(request=s.ValidateRequestSerializer, responses=s.ValidationResultSerializer)
    def post(self, request: Request, slug: str, pipeline_id: int) -> Response:
        workspace = self.workspace(slug)
        pipeline = selectors.pipeline_get(workspace=workspace, pipeline_id=pipeline_id)
        data = s.ValidateRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        graph = data.validated_data.get("graph", pipeline.graph)
        issues = services.graph_validate(workspace=workspace, graph=graph)
        return Response({"valid": not issues, "errors": [i.as_dict() for i in issues]})


class VersionListView(WorkspaceView):
    """List a pipeline's versions; snapshot the draft as a new version (it must validate)."""

    @extend_schema(responses=s.VersionSerializer(many=True))
    def get(self, request: Request, slug: str, pipeline_id: int) -> Response:
        pipeline = selectors.pipeline_get(workspace=self.workspace(slug), pipeline_id=pipeline_id)
        return self.paginated(selectors.version_list(pipeline=pipeline), s.VersionSerializer)

    @extend_schema(request=s.VersionCreateSerializer, responses={201: s.VersionSerializer})
    def post(self, request: Request, slug: str, pipeline_id: int) -> Response:
        workspace = self.workspace(slug, Role.EDITOR)
        pipeline = selectors.pipeline_get(workspace=workspace, pipeline_id=pipeline_id)
        data = s.VersionCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        version = services.version_create(
            pipeline=pipeline, user=request.user, message=data.validated_data["message"]
        )
        return Response(s.VersionSerializer(version).data, status=status.HTTP_201_CREATED)


class VersionDetailView(WorkspaceView):
    """One version of a pipeline."""

    @extend_schema(responses=s.VersionSerializer)
    def get(self, request: Request, slug: str, pipeline_id: int, number: int) -> Response:
        pipeline = selectors.pipeline_get(workspace=self.workspace(slug), pipeline_id=pipeline_id)
        version = selectors.version_get(pipeline=pipeline, number=number)
        return Response(s.VersionSerializer(version).data)


class VersionRestoreView(WorkspaceView):
    """Make a version's graph the draft again."""

    @extend_schema(request=s.RestoreSerializer, responses=s.PipelineSerializer)
    def post(self, request: Request, slug: str, pipeline_id: int, number: int) -> Response:
        workspace = self.workspace(slug, Role.EDITOR)
        pipeline = selectors.pipeline_get(workspace=workspace, pipeline_id=pipeline_id)
        version = selectors.version_get(pipeline=pipeline, number=number)
        data = s.RestoreSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        pipeline = services.version_restore(
            pipeline=pipeline, version=version, revision=data.validated_data["revision"]
        )
        return Response(s.PipelineSerializer(pipeline).data)
