"""Routes for operators: probes and metrics at the site root, workers and queues under the API."""

from django.urls import URLPattern, URLResolver, path

from backend.operations import api as operations_api
from backend.operations import health, metrics

#: Served at the site root (/healthz, /readyz, /metrics).
root_urlpatterns: list[URLPattern | URLResolver] = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("metrics", metrics.metrics_view, name="metrics"),
]

#: Served under /api/v1/ (the operations page's data).
api_urlpatterns: list[URLPattern | URLResolver] = [
    path("operations/", operations_api.OperationsView.as_view(), name="operations"),
    path(
        "workspaces/<slug:slug>/runs/<int:run_id>/waiting/",
        operations_api.RunWaitingView.as_view(),
        name="run-waiting",
    ),
]
