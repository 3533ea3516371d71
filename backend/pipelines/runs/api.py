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

from backend.api.parsers import check_text
from backend.api.views import AFTER_SEQ, PREVIEW_LIMIT, IntQuery, WorkspaceView
from backend.blocks.tables import preview_rows
from backend.engine.artifacts import default_store
from backend.errors import UserError
from backend.pipelines.design.selectors import pipeline_get
from backend.pipelines.models import LogLevel
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

#: ``?pipeline=<id>``: only that pipeline's runs.
PIPELINE_FILTER = IntQuery("pipeline", 0, 1, 2**62, "only the runs of this pipeline")


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
        parameters=[PIPELINE_FILTER.parameter],
        responses=RunListSerializer(many=True),
    )
    def get(self, request: Request, slug: str) -> Response:
        workspace = self.workspace(slug)
        pipeline = None
        if "pipeline" in request.query_params:
            pipeline_id = PIPELINE_FILTER.read(request)
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
            AFTER_SEQ.parameter,
            OpenApiParameter("node", str, required=False),
            OpenApiParameter("level", str, required=False, enum=LogLevel.values),
        ],
        responses=LogEntrySerializer(many=True),
    )
    def get(self, request: Request, slug: str, run_id: int) -> Response:
        run = run_get(workspace=self.workspace(slug), run_id=run_id)
        after = AFTER_SEQ.read(request)
        node = check_text(request.query_params.get("node", ""), field="node")
        level = request.query_params.get("level")
        if level and level not in LogLevel.values:
            raise UserError(f"level must be one of {', '.join(LogLevel.values)}", field="level")
        logs = log_list(run=run, after=after, node=node or None, level=level or None)
        return self.paginated(logs, LogEntrySerializer)


class RunMetricsView(WorkspaceView):
    """A run's metric points after ``?after=<seq>``."""

    @extend_schema(
        parameters=[AFTER_SEQ.parameter],
        responses=MetricPointSerializer(many=True),
    )
    def get(self, request: Request, slug: str, run_id: int) -> Response:
        run = run_get(workspace=self.workspace(slug), run_id=run_id)
        after = AFTER_SEQ.read(request)
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
        parameters=[PREVIEW_LIMIT.parameter],
        responses=OpenApiTypes.OBJECT,
    )
    def get(self, request: Request, slug: str, artifact_id: int) -> Response:
        artifact = artifact_get(workspace=self.workspace(slug), artifact_id=artifact_id)
        store = default_store()
        limit = PREVIEW_LIMIT.read(request)
        if artifact.kind == "table":
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

    #: File extension and media type per artifact kind; anything else is plain bytes.
    FORMATS = {
        "table": ("parquet", "application/vnd.apache.parquet"),
        "model": ("zip", "application/zip"),
        "metrics": ("json", "application/json"),
        "figure": ("json", "application/json"),
    }
    BYTES = ("bin", "application/octet-stream")

    @extend_schema(
        responses={
            (200, media_type): OpenApiTypes.BINARY
            for media_type in sorted({m for _, m in [*FORMATS.values(), BYTES]})
        }
    )
    def get(self, request: Request, slug: str, artifact_id: int) -> FileResponse:
        artifact = artifact_get(workspace=self.workspace(slug), artifact_id=artifact_id)
        name = f"artifact-{artifact.pk}-{artifact.port or artifact.kind}"
        extension, media_type = self.FORMATS.get(artifact.kind, self.BYTES)
        return FileResponse(
            default_store().open(artifact.digest),
            as_attachment=True,
            filename=f"{name}.{extension}",
            content_type=media_type,
        )
