"""REST endpoints for runs: start, list, follow (logs, metrics), cancel, and their artifacts."""

from __future__ import annotations

import json

import pyarrow.parquet as pq
from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from backend.api.views import PREVIEW_DEFAULT, PREVIEW_MAX, WorkspaceView, int_param
from backend.blocks.tables import preview_rows
from backend.engine.artifacts import default_store
from backend.pipelines.design.selectors import pipeline_get
from backend.pipelines.runs.selectors import artifact_get, log_list, metric_list, run_get, run_list
from backend.pipelines.runs.serializers import (
    ArtifactSerializer,
    LogEntrySerializer,
    MetricPointSerializer,
    RunListSerializer,
    RunSerializer,
    RunStartSerializer,
)
from backend.pipelines.runs.services import run_cancel, run_start
from backend.workspaces.models import Role


class PipelineRunsView(WorkspaceView):
    """Start a run of a pipeline (the draft, snapshotted, unless a version is given); list its
    runs."""

    @extend_schema(responses=RunListSerializer(many=True))
    def get(self, request: Request, slug: str, pipeline_id: int) -> Response:
        workspace = self.workspace(slug)
        pipeline = pipeline_get(workspace=workspace, pipeline_id=pipeline_id)
        runs = run_list(workspace=workspace, pipeline=pipeline)
        return self.paginated(runs, RunListSerializer)

    @extend_schema(request=RunStartSerializer, responses={201: RunSerializer})
    def post(self, request: Request, slug: str, pipeline_id: int) -> Response:
        workspace = self.workspace(slug, Role.EDITOR)
        pipeline = pipeline_get(workspace=workspace, pipeline_id=pipeline_id)
        data = RunStartSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        run = run_start(
            pipeline=pipeline,
            user=request.user,
            version_number=data.validated_data.get("version"),
            use_cache=data.validated_data["use_cache"],
            from_node=data.validated_data.get("from_node") or None,
            parameters=data.validated_data.get("parameters") or {},
        )
        run = run_get(workspace=workspace, run_id=run.pk)
        return Response(RunSerializer(run).data, status=status.HTTP_201_CREATED)


class RunListView(WorkspaceView):
    """Runs of the workspace, newest first (``?pipeline=<id>`` for one pipeline)."""

    @extend_schema(
        parameters=[OpenApiParameter("pipeline", int, required=False)],
        responses=RunListSerializer(many=True),
    )
    def get(self, request: Request, slug: str) -> Response:
        workspace = self.workspace(slug)
        pipeline = None
        if "pipeline" in request.query_params:
            pipeline_id = int_param(request, "pipeline", 0, low=1, high=2**62)
            pipeline = pipeline_get(workspace=workspace, pipeline_id=pipeline_id)
        runs = run_list(workspace=workspace, pipeline=pipeline)
        return self.paginated(runs, RunListSerializer)


class RunDetailView(WorkspaceView):
    """A run's status and its steps."""

    @extend_schema(responses=RunSerializer)
    def get(self, request: Request, slug: str, run_id: int) -> Response:
        run = run_get(workspace=self.workspace(slug), run_id=run_id)
        return Response(RunSerializer(run).data)


class RunLogsView(WorkspaceView):
    """A run's log lines after ``?after=<seq>``, optionally ``&node=`` and ``&level=``."""

    @extend_schema(
        parameters=[
            OpenApiParameter("after", int, required=False),
            OpenApiParameter("node", str, required=False),
            OpenApiParameter("level", str, required=False),
        ],
        responses=LogEntrySerializer(many=True),
    )
    def get(self, request: Request, slug: str, run_id: int) -> Response:
        run = run_get(workspace=self.workspace(slug), run_id=run_id)
        after = int_param(request, "after", 0, low=0, high=2**62)
        logs = log_list(
            run=run,
            after=after,
            node=request.query_params.get("node"),
            level=request.query_params.get("level"),
        )
        return self.paginated(logs, LogEntrySerializer)


class RunMetricsView(WorkspaceView):
    """A run's metric points after ``?after=<seq>``."""

    @extend_schema(
        parameters=[OpenApiParameter("after", int, required=False)],
        responses=MetricPointSerializer(many=True),
    )
    def get(self, request: Request, slug: str, run_id: int) -> Response:
        run = run_get(workspace=self.workspace(slug), run_id=run_id)
        after = int_param(request, "after", 0, low=0, high=2**62)
        return self.paginated(metric_list(run=run, after=after), MetricPointSerializer)


class RunCancelView(WorkspaceView):
    """Cancel a run: queued steps stop at once, running ones at their next check."""

    @extend_schema(request=None, responses=RunSerializer)
    def post(self, request: Request, slug: str, run_id: int) -> Response:
        workspace = self.workspace(slug, Role.EDITOR)
        run = run_get(workspace=workspace, run_id=run_id)
        run_cancel(run=run)
        return Response(RunSerializer(run_get(workspace=workspace, run_id=run_id)).data)


class ArtifactDetailView(WorkspaceView):
    """An artifact's record: kind, size, and metadata (schema, lineage, metrics...)."""

    @extend_schema(responses=ArtifactSerializer)
    def get(self, request: Request, slug: str, artifact_id: int) -> Response:
        artifact = artifact_get(workspace=self.workspace(slug), artifact_id=artifact_id)
        return Response(ArtifactSerializer(artifact).data)


class ArtifactPreviewView(WorkspaceView):
    """What a person wants to see of an artifact: a table's first rows and column statistics,
    a metrics dict, or a figure's data."""

    @extend_schema(
        parameters=[OpenApiParameter("limit", int, required=False)],
        responses=OpenApiTypes.OBJECT,
    )
    def get(self, request: Request, slug: str, artifact_id: int) -> Response:
        artifact = artifact_get(workspace=self.workspace(slug), artifact_id=artifact_id)
        store = default_store()
        if artifact.kind == "table":
            limit = int_param(request, "limit", PREVIEW_DEFAULT, low=1, high=PREVIEW_MAX)
            # Only the first row group is read, so a large table (or a remote one) stays cheap.
            with store.open(artifact.digest) as handle:
                parquet = pq.ParquetFile(handle)
                batch = next(parquet.iter_batches(batch_size=limit), None)
            body = (
                preview_rows(batch.to_pandas(), limit)
                if batch is not None
                else {"columns": [c.name for c in parquet.schema_arrow], "rows": []}
            )
            body.update(
                kind="table",
                row_count=artifact.metadata.get("rows"),
                stats=artifact.metadata.get("stats", []),
                target=artifact.metadata.get("target"),
                lineage=artifact.metadata.get("lineage", []),
            )
            return Response(body)
        if artifact.kind in ("metrics", "figure"):
            with store.open(artifact.digest) as handle:
                return Response({"kind": artifact.kind, "data": json.loads(handle.read())})
        return Response({"kind": artifact.kind, "metadata": artifact.metadata})


class ArtifactDownloadView(WorkspaceView):
    """The artifact's stored bytes (Parquet, model archive or JSON)."""

    EXTENSIONS = {"table": "parquet", "model": "zip", "metrics": "json", "figure": "json"}

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    def get(self, request: Request, slug: str, artifact_id: int) -> FileResponse:
        artifact = artifact_get(workspace=self.workspace(slug), artifact_id=artifact_id)
        name = f"artifact-{artifact.pk}-{artifact.port or artifact.kind}"
        return FileResponse(
            default_store().open(artifact.digest),
            as_attachment=True,
            filename=f"{name}.{self.EXTENSIONS.get(artifact.kind, 'bin')}",
        )
