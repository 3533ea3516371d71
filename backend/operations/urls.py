"""Routes for operators: probes and metrics at the site root, workers and queues under the API."""

from django.urls import URLPattern, URLResolver

#: Served at the site root (/healthz, /readyz, /metrics).
root_urlpatterns: list[URLPattern | URLResolver] = []

#: Served under /api/v1/ (the operations page's data).
api_urlpatterns: list[URLPattern | URLResolver] = []
