"""Top-level routes: the API, its schema and docs, the admin, and the browser app."""

from django.conf import settings
from django.contrib import admin
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import include, path, re_path
from django.views.decorators.csrf import ensure_csrf_cookie
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from backend.operations import urls as operations_urls


def api_not_found(request: HttpRequest, rest: str = "") -> JsonResponse:
    """Unknown API paths answer JSON, not the browser app."""
    return JsonResponse(
        {"message": f"no API endpoint at {request.path}", "code": "not_found"}, status=404
    )


@ensure_csrf_cookie
def frontend(request: HttpRequest, rest: str = "") -> HttpResponse:
    """The browser app's index.html for every client-side route."""
    index = settings.FRONTEND_DIST / "index.html"
    if not index.is_file():
        return HttpResponse(
            "The browser app is not built yet: run `make run` (or `npm run build` in frontend/).",
            status=503,
            content_type="text/plain",
        )
    return HttpResponse(index.read_bytes(), content_type="text/html")


api_v1 = [
    path("", include("backend.workspaces.urls")),
    path("", include("backend.pipelines.urls")),
    path("", include(operations_urls.api_urlpatterns)),
]

urlpatterns = [
    *operations_urls.root_urlpatterns,
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    re_path(r"^api/(?P<rest>.*)$", api_not_found),
    path("admin/", admin.site.urls),
    re_path(r"^(?!static/)(?P<rest>.*)$", frontend),
]
