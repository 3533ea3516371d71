"""Routes for the catalogue, datasets, pipelines, versions, runs and models (under /api/v1/)."""

from django.urls import path

from backend.pipelines.datasets import api as datasets
from backend.pipelines.design import api as design
from backend.pipelines.registry import api as registry
from backend.pipelines.runs import api as runs

W = "workspaces/<slug:slug>/"
P = W + "pipelines/<int:pipeline_id>/"
M = W + "models/<str:name>/"
MV = M + "versions/<int:version>/"

urlpatterns = [
    path("blocks/", design.BlockCatalogueView.as_view(), name="block-list"),
    path(W + "datasets/", datasets.DatasetListView.as_view(), name="dataset-list"),
    path(
        W + "datasets/<int:dataset_id>/",
        datasets.DatasetDetailView.as_view(),
        name="dataset-detail",
    ),
    path(
        W + "datasets/<int:dataset_id>/preview/",
        datasets.DatasetPreviewView.as_view(),
        name="dataset-preview",
    ),
    path(W + "pipelines/", design.PipelineListView.as_view(), name="pipeline-list"),
    path(P, design.PipelineDetailView.as_view(), name="pipeline-detail"),
    path(P + "validate/", design.PipelineValidateView.as_view(), name="pipeline-validate"),
    path(P + "versions/", design.VersionListView.as_view(), name="version-list"),
    path(P + "versions/<int:number>/", design.VersionDetailView.as_view(), name="version-detail"),
    path(
        P + "versions/<int:number>/restore/",
        design.VersionRestoreView.as_view(),
        name="version-restore",
    ),
    path(P + "runs/", runs.PipelineRunsView.as_view(), name="pipeline-runs"),
    path(W + "runs/", runs.RunListView.as_view(), name="run-list"),
    path(W + "runs/<int:run_id>/", runs.RunDetailView.as_view(), name="run-detail"),
    path(W + "runs/<int:run_id>/cancel/", runs.RunCancelView.as_view(), name="run-cancel"),
    path(W + "runs/<int:run_id>/logs/", runs.RunLogsView.as_view(), name="run-logs"),
    path(W + "runs/<int:run_id>/metrics/", runs.RunMetricsView.as_view(), name="run-metrics"),
    path(
        W + "artifacts/<int:artifact_id>/",
        runs.ArtifactDetailView.as_view(),
        name="artifact-detail",
    ),
    path(
        W + "artifacts/<int:artifact_id>/preview/",
        runs.ArtifactPreviewView.as_view(),
        name="artifact-preview",
    ),
    path(
        W + "artifacts/<int:artifact_id>/download/",
        runs.ArtifactDownloadView.as_view(),
        name="artifact-download",
    ),
    path(W + "models/", registry.ModelListView.as_view(), name="model-list"),
    path(M + "versions/", registry.ModelVersionListView.as_view(), name="model-version-list"),
    path(MV, registry.ModelVersionDetailView.as_view(), name="model-version-detail"),
    path(M + "predict/", registry.ModelPredictView.as_view(), name="model-predict"),
    path(MV + "score/", registry.ModelVersionScoreView.as_view(), name="model-version-score"),
    path(
        MV + "monitoring/",
        registry.ModelVersionMonitoringView.as_view(),
        name="model-version-monitoring",
    ),
    path(MV + "drift/", registry.ModelVersionDriftView.as_view(), name="model-version-drift"),
    path(W + "api-keys/", registry.ApiKeyListView.as_view(), name="api-key-list"),
    path(W + "api-keys/<int:key_id>/", registry.ApiKeyDetailView.as_view(), name="api-key-detail"),
]
