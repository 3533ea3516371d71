"""WebSocket routes. The run stream (ws/runs/<id>/) arrives with the live-events work."""

from django.urls import URLPattern

websocket_urlpatterns: list[URLPattern] = []
