"""Routes for the catalogue, datasets, pipelines, versions, runs and models (under /api/v1/)."""

from django.urls import path

from backend.pipelines import api, api_models, api_runs

W = "workspaces/<slug:slug>/"
P = W + "pipelines/<int:pipeline_id>/"
M = W + "models/<str:name>/"
MV = M + "versions/<int:version>/"

urlpatterns = [
    path("blocks/", api.BlockCatalogueView.as_view(), name="block-list"),
    path(W + "datasets/", api.DatasetListView.as_view(), name="dataset-list"),
    path(W + "datasets/<int:dataset_id>/", api.DatasetDetailView.as_view(), name="dataset-detail"),
    path(
        W + "datasets/<int:dataset_id>/preview/",
        api.DatasetPreviewView.as_view(),
        name="dataset-preview",
    ),
    path(W + "pipelines/", api.PipelineListView.as_view(), name="pipeline-list"),
    path(P, api.PipelineDetailView.as_view(), name="pipeline-detail"),
    path(P + "validate/", api.PipelineValidateView.as_view(), name="pipeline-validate"),
    path(P + "versions/", api.VersionListView.as_view(), name="version-list"),
    path(P + "versions/<int:number>/", api.VersionDetailView.as_view(), name="version-detail"),
    path(
        P + "versions/<int:number>/restore/",
        api.VersionRestoreView.as_view(),
        name="version-restore",
    ),
    path(P + "runs/", api_runs.PipelineRunsView.as_view(), name="pipeline-runs"),
    path(W + "runs/", api_runs.RunListView.as_view(), name="run-list"),
    path(W + "runs/<int:run_id>/", api_runs.RunDetailView.as_view(), name="run-detail"),
    path(W + "runs/<int:run_id>/cancel/", api_runs.RunCancelView.as_view(), name="run-cancel"),
    path(W + "runs/<int:run_id>/logs/", api_runs.RunLogsView.as_view(), name="run-logs"),
    path(W + "runs/<int:run_id>/metrics/", api_runs.RunMetricsView.as_view(), name="run-metrics"),
    path(
        W + "artifacts/<int:artifact_id>/",
        api_runs.ArtifactDetailView.as_view(),
        name="artifact-detail",
    ),
    path(
        W + "artifacts/<int:artifact_id>/preview/",
        api_runs.ArtifactPreviewView.as_view(),
        name="artifact-preview",
    ),
    path(
        W + "artifacts/<int:artifact_id>/download/",
        api_runs.ArtifactDownloadView.as_view(),
        name="artifact-download",
    ),
    path(W + "models/", api_models.ModelListView.as_view(), name="model-list"),
    path(M + "versions/", api_models.ModelVersionListView.as_view(), name="model-version-list"),
    path(MV, api_models.ModelVersionDetailView.as_view(), name="model-version-detail"),
    path(M + "predict/", api_models.ModelPredictView.as_view(), name="model-predict"),
    path(MV + "score/", api_models.ModelVersionScoreView.as_view(), name="model-version-score"),
    path(
        MV + "monitoring/",
        api_models.ModelVersionMonitoringView.as_view(),
        name="model-version-monitoring",
    ),
    path(MV + "drift/", api_models.ModelVersionDriftView.as_view(), name="model-version-drift"),
    path(W + "api-keys/", api_models.ApiKeyListView.as_view(), name="api-key-list"),
    path(
        W + "api-keys/<int:key_id>/", api_models.ApiKeyDetailView.as_view(), name="api-key-detail"
    ),
]
