"""ASGI entry point: HTTP through Django, WebSockets through Channels."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings")
# Django must be set up before anything imports models (the WebSocket routes do).
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

from backend.api.request_guard import RequestGuard  # noqa: E402
from backend.api.ws_auth import TokenAuthMiddleware, TrustedOriginValidator  # noqa: E402
from backend.engine.warmup import warm_serving  # noqa: E402
from backend.pipelines.runs.routing import websocket_urlpatterns  # noqa: E402

# The first predict should not pay for importing scikit-learn and the model formats.
warm_serving()

application = ProtocolTypeRouter(
    {
        # Authentication and body limits are decided from the headers, before Django reads a body.
        "http": RequestGuard(django_asgi_app),
        # A foreign Origin (CSRF's rule: scheme, host and port) is refused first; then the
        # session cookie, or an API token, says who.
        "websocket": TrustedOriginValidator(
            AuthMiddlewareStack(TokenAuthMiddleware(URLRouter(websocket_urlpatterns)))
        ),
    }
)
