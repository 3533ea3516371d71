"""REST endpoints for the block catalogue, pipelines, their validation and versions.

Thin: each view checks access, validates the request's shape with a serializer, and hands over
to a service or selector.
"""

from __future__ import annotations

from django.db.models import Max
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.api.views import WorkspaceView
from backend.pipelines.design.selectors import (
    block_catalogue,
    pipeline_get,
    pipeline_list,
    version_get,
    version_list,
)
from backend.pipelines.design.serializers import (
    BlockSerializer,
    PipelineCreateSerializer,
    PipelineListSerializer,
    PipelineSerializer,
    PipelineUpdateSerializer,
    RestoreSerializer,
    ValidateRequestSerializer,
    ValidationResultSerializer,
    VersionCreateSerializer,
    VersionSerializer,
)
from backend.pipelines.design.services import (
    graph_validate,
    pipeline_create,
    pipeline_delete,
    pipeline_update,
    version_create,
    version_restore,
)
from backend.workspaces.models import Role


class BlockCatalogueView(APIView):
    """The block catalogue: the editor's palette, with ports and config JSON Schemas."""

    @extend_schema(responses=BlockSerializer(many=True))
    def get(self, request: Request) -> Response:
        return Response(block_catalogue())


class PipelineListView(WorkspaceView):
    """List pipelines; create one with a name and a draft graph."""

    @extend_schema(responses=PipelineListSerializer(many=True))
    def get(self, request: Request, slug: str) -> Response:
        pipelines = pipeline_list(workspace=self.workspace(slug)).annotate(
            latest_version_number=Max("versions__number")
        )
        return self.paginated(pipelines, PipelineListSerializer)

    @extend_schema(request=PipelineCreateSerializer, responses={201: PipelineSerializer})
    def post(self, request: Request, slug: str) -> Response:
        workspace = self.workspace(slug, Role.EDITOR)
        data = PipelineCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        pipeline = pipeline_create(workspace=workspace, user=request.user, **data.validated_data)
        return Response(PipelineSerializer(pipeline).data, status=status.HTTP_201_CREATED)


class PipelineDetailView(WorkspaceView):
    """Read a pipeline; save its draft (PATCH with the current ``revision``); delete it."""

    @extend_schema(responses=PipelineSerializer)
    def get(self, request: Request, slug: str, pipeline_id: int) -> Response:
        pipeline = pipeline_get(workspace=self.workspace(slug), pipeline_id=pipeline_id)
        return Response(PipelineSerializer(pipeline).data)

    @extend_schema(request=PipelineUpdateSerializer, responses=PipelineSerializer)
    def patch(self, request: Request, slug: str, pipeline_id: int) -> Response:
        workspace = self.workspace(slug, Role.EDITOR)
        pipeline = pipeline_get(workspace=workspace, pipeline_id=pipeline_id)
        data = PipelineUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        pipeline = pipeline_update(pipeline=pipeline, **data.validated_data)
        return Response(PipelineSerializer(pipeline).data)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, slug: str, pipeline_id: int) -> Response:
        workspace = self.workspace(slug, Role.EDITOR)
        pipeline_delete(pipeline=pipeline_get(workspace=workspace, pipeline_id=pipeline_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


class PipelineValidateView(WorkspaceView):
    """Check whether the draft (or a graph sent in the body) can run."""

    @extend_schema(request=ValidateRequestSerializer, responses=ValidationResultSerializer)
    def post(self, request: Request, slug: str, pipeline_id: int) -> Response:
        workspace = self.workspace(slug)
        pipeline = pipeline_get(workspace=workspace, pipeline_id=pipeline_id)
        data = ValidateRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        graph = data.validated_data.get("graph", pipeline.graph)
        issues = graph_validate(workspace=workspace, graph=graph)
        return Response({"valid": not issues, "errors": [i.as_dict() for i in issues]})


class VersionListView(WorkspaceView):
    """List a pipeline's versions; snapshot the draft as a new version (it must validate)."""

    @extend_schema(responses=VersionSerializer(many=True))
    def get(self, request: Request, slug: str, pipeline_id: int) -> Response:
        pipeline = pipeline_get(workspace=self.workspace(slug), pipeline_id=pipeline_id)
        return self.paginated(version_list(pipeline=pipeline), VersionSerializer)

    @extend_schema(request=VersionCreateSerializer, responses={201: VersionSerializer})
    def post(self, request: Request, slug: str, pipeline_id: int) -> Response:
        workspace = self.workspace(slug, Role.EDITOR)
        pipeline = pipeline_get(workspace=workspace, pipeline_id=pipeline_id)
        data = VersionCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        version = version_create(
            pipeline=pipeline, user=request.user, message=data.validated_data["message"]
        )
        return Response(VersionSerializer(version).data, status=status.HTTP_201_CREATED)


class VersionDetailView(WorkspaceView):
    """One version of a pipeline."""

    @extend_schema(responses=VersionSerializer)
    def get(self, request: Request, slug: str, pipeline_id: int, number: int) -> Response:
        pipeline = pipeline_get(workspace=self.workspace(slug), pipeline_id=pipeline_id)
        version = version_get(pipeline=pipeline, number=number)
        return Response(VersionSerializer(version).data)


class VersionRestoreView(WorkspaceView):
    """Make a version's graph the draft again."""

    @extend_schema(request=RestoreSerializer, responses=PipelineSerializer)
    def post(self, request: Request, slug: str, pipeline_id: int, number: int) -> Response:
        workspace = self.workspace(slug, Role.EDITOR)
        pipeline = pipeline_get(workspace=workspace, pipeline_id=pipeline_id)
        version = version_get(pipeline=pipeline, number=number)
        data = RestoreSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        pipeline = version_restore(
            pipeline=pipeline, version=version, revision=data.validated_data["revision"]
        )
        return Response(PipelineSerializer(pipeline).data)
