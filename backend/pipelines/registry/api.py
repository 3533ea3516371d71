"""REST endpoints for the model registry, predict, batch scoring, monitoring and API keys.

Thin. Predict is the one hot path: it resolves the version in one query per request (so a stage
change is honoured by the next request), takes the model from the process's cache, and leaves
monitoring to the batched recorder.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from django.core.handlers.asgi import ASGIRequest
from django.db import close_old_connections, connections
from django.http import HttpRequest, HttpResponseBase
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.authentication import SessionAuthentication
from rest_framework.request import Request
from rest_framework.response import Response

from backend.api.authentication import ApiTokenAuthentication
from backend.api.parsers import JSONParser
from backend.api.throttling import PredictApiKeyThrottle
from backend.api.views import WorkspaceView
from backend.errors import NotFoundError, UserError
from backend.operations.metrics import predict_observed
from backend.pipelines.datasets.selectors import dataset_get
from backend.pipelines.datasets.serializers import DatasetSerializer
from backend.pipelines.models import ApiKey, ModelVersion
from backend.pipelines.registry import keys, monitoring
from backend.pipelines.registry.auth import ApiKeyAuthentication
from backend.pipelines.registry.selectors import (
    api_key_get,
    api_key_list,
    model_summary_list,
    model_version_get,
    model_version_list,
    model_version_resolve,
)
from backend.pipelines.registry.serializers import (
    ApiKeyCreatedSerializer,
    ApiKeyCreateSerializer,
    ApiKeySerializer,
    DriftSerializer,
    ModelSummarySerializer,
    ModelVersionDetailSerializer,
    ModelVersionSerializer,
    MonitoringSerializer,
    PredictRequestSerializer,
    PredictResponseSerializer,
    ScoreRequestSerializer,
    StageUpdateSerializer,
)
from backend.pipelines.registry.services import (
    model_version_score,
    model_version_set_stage,
    served_model,
)
from backend.pipelines.registry.serving.rows import check_body
from backend.workspaces.models import Role


class ModelListView(WorkspaceView):
    """The registered models of the workspace, with their latest and production versions."""

    @extend_schema(responses=ModelSummarySerializer(many=True))
    def get(self, request: Request, slug: str) -> Response:
        models = model_summary_list(workspace=self.workspace(slug))
        return self.paginated(models, ModelSummarySerializer)


class ModelVersionListView(WorkspaceView):
    """The versions of a model, newest first."""

    @extend_schema(responses=ModelVersionSerializer(many=True))
    def get(self, request: Request, slug: str, name: str) -> Response:
        versions = model_version_list(workspace=self.workspace(slug), name=name)
        if not versions.exists():
            raise NotFoundError(f"model '{name}' not found in this workspace", field="model")
        versions = versions.select_related("created_by", "stage_changed_by")
        return self.paginated(versions, ModelVersionSerializer)


class ModelVersionDetailView(WorkspaceView):
    """A model version with its stage history; PATCH ``{"stage"}`` moves it (editor).

    Promoting a version to production archives the one that was there.
    """

    @extend_schema(responses=ModelVersionDetailSerializer)
    def get(self, request: Request, slug: str, name: str, version: int) -> Response:
        found = model_version_get(workspace=self.workspace(slug), name=name, version=version)
        return Response(ModelVersionDetailSerializer(found).data)

    @extend_schema(request=StageUpdateSerializer, responses=ModelVersionDetailSerializer)
    def patch(self, request: Request, slug: str, name: str, version: int) -> Response:
        workspace = self.workspace(slug, Role.EDITOR)
        found = model_version_get(workspace=workspace, name=name, version=version)
        data = StageUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        model_version_set_stage(
            model_version=found, stage=data.validated_data["stage"], user=request.user
        )
        found = model_version_get(workspace=workspace, name=name, version=version)
        return Response(ModelVersionDetailSerializer(found).data)


#: Predict requests under ASGI run on these long-lived threads. Django's ASGI handler gives each
#: request a new thread, hence a new database connection (~10 ms, more than a prediction); these
#: threads keep theirs, as a WSGI worker's would.
SERVING_THREADS = 8


_serving_threads = ThreadPoolExecutor(SERVING_THREADS, thread_name_prefix="predict")


def _on_serving_thread(call: Callable[[], HttpResponseBase]) -> HttpResponseBase:
    def run() -> HttpResponseBase:
        close_old_connections()  # what request_started does for a request thread
        try:
            return call()
        finally:
            close_old_connections()  # and request_finished

    return _serving_threads.submit(run).result()


def serving_threads_close() -> None:
    """Close the serving threads' database connections (before the database goes away)."""
    gate = threading.Barrier(SERVING_THREADS)

    def close() -> None:
        gate.wait(timeout=10)  # every thread takes exactly one of these
        connections.close_all()

    for done in [_serving_threads.submit(close) for _ in range(SERVING_THREADS)]:
        done.result()


class ModelPredictView(WorkspaceView):
    """Predict rows with a model: by default its production version, else its newest.

    Members (viewer and up) call it with their token or session; applications with an API key
    of the workspace (``Authorization: Api-Key <key>``).
    """

    authentication_classes = [ApiTokenAuthentication, ApiKeyAuthentication, SessionAuthentication]
    parser_classes = [JSONParser]
    #: Calls per API key (PREDICT_THROTTLE_RATE): 429 with Retry-After beyond it.
    throttle_classes = [PredictApiKeyThrottle]

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if isinstance(request, ASGIRequest):
            return _on_serving_thread(
                lambda: super(ModelPredictView, self).dispatch(request, *args, **kwargs)
            )
        return super().dispatch(request, *args, **kwargs)

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        self.started = time.perf_counter()
        super().initial(request, *args, **kwargs)

    def get_authenticate_header(self, request: Request) -> str:
        return "Token, Api-Key"

    def handle_exception(self, exc: Exception) -> Response:
        response = super().handle_exception(exc)
        if response.status_code == status.HTTP_401_UNAUTHORIZED:
            response["WWW-Authenticate"] = self.get_authenticate_header(self.request)
        return response

    @extend_schema(
        request=PredictRequestSerializer,
        responses=PredictResponseSerializer,
    )
    def post(self, request: Request, slug: str, name: str) -> Response:
        api_key = request.auth if isinstance(request.auth, ApiKey) else None
        if api_key is not None:
            keys.api_key_allows(api_key=api_key, workspace_slug=slug, model_name=name)
            workspace_id = api_key.workspace_id
        else:
            workspace_id = self.workspace(slug).pk
        body = request.data
        check_body(body)
        version, stage, probabilities = _version_choice(body)
        found = model_version_resolve(
            workspace_id=workspace_id, name=name, version=version, stage=stage
        )
        try:
            served = served_model(model_version=found)
            batch = served.parse(body)
            result = served.predict(batch.frame, probabilities=probabilities)
        except UserError as exc:
            self._record(found, api_key, ok=False, status=exc.status, error=exc)
            raise
        self._record(found, api_key, ok=True, rows=len(batch.frame), inputs=batch.rows)
        result["model_version"] = found.version
        return Response(result)

    def _record(self, found: ModelVersion, api_key: ApiKey | None, **outcome: Any) -> None:
        error: UserError | None = outcome.pop("error", None)
        seconds = time.perf_counter() - self.started
        predict_observed(
            workspace=self.kwargs["slug"], model=found.name, seconds=seconds, ok=not error
        )
        monitoring.recorder.record(
            monitoring.PredictionRecord(
                model_version_id=found.pk,
                created_at=timezone.now(),
                latency_ms=seconds * 1000,
                api_key_id=api_key.pk if api_key else None,
                user_id=None if api_key else self.request.user.pk,
                error_code=error.code if error else "",
                error=error.message if error else "",
                status=outcome.pop("status", 200),
                rows=outcome.pop("rows", 0),
                **outcome,
            )
        )


def _version_choice(body: dict[str, Any]) -> tuple[int | None, str | None, bool]:
    version, stage = body.get("version"), body.get("stage")
    probabilities = body.get("probabilities", False)
    if version is not None and (isinstance(version, bool) or not isinstance(version, int)):
        raise UserError("'version' must be a version number, e.g. 3", field="version")
    if version is not None and version < 1:
        raise UserError("'version' must be 1 or more", field="version")
    if stage is not None and stage not in ("staging", "production"):
        raise UserError("'stage' must be 'staging' or 'production'", field="stage")
    if version is not None and stage is not None:
        raise UserError("ask for a 'version' or a 'stage', not both", field="stage")
    if not isinstance(probabilities, bool):
        raise UserError("'probabilities' must be true or false", field="probabilities")
    return version, stage, probabilities


class ModelVersionScoreView(WorkspaceView):
    """Score a dataset with this version into a new dataset (editor)."""

    @extend_schema(
        request=ScoreRequestSerializer,
        responses={201: DatasetSerializer, 200: DatasetSerializer},
    )
    def post(self, request: Request, slug: str, name: str, version: int) -> Response:
        workspace = self.workspace(slug, Role.EDITOR)
        found = model_version_get(workspace=workspace, name=name, version=version)
        data = ScoreRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        dataset = dataset_get(workspace=workspace, dataset_id=data.validated_data["dataset"])
        scored, created = model_version_score(
            model_version=found,
            dataset=dataset,
            user=request.user,
            name=data.validated_data["name"],
            column=data.validated_data["column"],
            probabilities=data.validated_data["probabilities"],
        )
        return Response(
            DatasetSerializer(scored).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class ModelVersionMonitoringView(WorkspaceView):
    """Requests, errors and latency of a version, and a sample of its recent inputs."""

    @extend_schema(responses=MonitoringSerializer)
    def get(self, request: Request, slug: str, name: str, version: int) -> Response:
        found = model_version_get(workspace=self.workspace(slug), name=name, version=version)
        return Response(monitoring.model_version_monitoring(model_version=found))


class ModelVersionDriftView(WorkspaceView):
    """Recent inputs against the training rows: PSI per feature and a drift flag."""

    @extend_schema(responses=DriftSerializer)
    def get(self, request: Request, slug: str, name: str, version: int) -> Response:
        found = model_version_get(workspace=self.workspace(slug), name=name, version=version)
        return Response(monitoring.model_version_drift(model_version=found))


class ApiKeyListView(WorkspaceView):
    """The workspace's API keys (never their secrets); create one (editor), shown once."""

    @extend_schema(responses=ApiKeySerializer(many=True))
    def get(self, request: Request, slug: str) -> Response:
        keys = api_key_list(workspace=self.workspace(slug))
        return self.paginated(keys, ApiKeySerializer)

    @extend_schema(request=ApiKeyCreateSerializer, responses={201: ApiKeyCreatedSerializer})
    def post(self, request: Request, slug: str) -> Response:
        workspace = self.workspace(slug, Role.EDITOR)
        data = ApiKeyCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        row, key = keys.api_key_create(
            workspace=workspace,
            user=request.user,
            name=data.validated_data["name"],
            model_name=data.validated_data.get("model") or "",
        )
        row.key = key  # type: ignore[attr-defined]
        return Response(ApiKeyCreatedSerializer(row).data, status=status.HTTP_201_CREATED)


class ApiKeyDetailView(WorkspaceView):
    """One API key; DELETE revokes it for good (editor). The row stays, for the record."""

    @extend_schema(responses=ApiKeySerializer)
    def get(self, request: Request, slug: str, key_id: int) -> Response:
        key = api_key_get(workspace=self.workspace(slug), key_id=key_id)
        return Response(ApiKeySerializer(key).data)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, slug: str, key_id: int) -> Response:
        workspace = self.workspace(slug, Role.EDITOR)
        key = api_key_get(workspace=workspace, key_id=key_id)
        keys.api_key_revoke(api_key=key, user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
