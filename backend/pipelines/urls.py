"""Routes for the catalogue, datasets, pipelines, versions and runs (under /api/v1/)."""

from django.urls import path

from backend.pipelines import api, api_runs

W = "workspaces/<slug:slug>/"
P = W + "pipelines/<int:pipeline_id>/"

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
]
