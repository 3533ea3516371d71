"""WebSocket routes: a run's live events, and a workspace's status changes."""

from django.urls import URLPattern, path

from backend.pipelines.runs.consumers import RunEventsConsumer, WorkspaceEventsConsumer

websocket_urlpatterns: list[URLPattern] = [
    path("ws/runs/<int:run_id>/", RunEventsConsumer.as_asgi()),
    path("ws/workspaces/<slug:slug>/", WorkspaceEventsConsumer.as_asgi()),
]
