"""Base view for endpoints under ``workspaces/<slug>/`` and the query parameters they share."""

from __future__ import annotations

from typing import Any

from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from backend.errors import UserError
from backend.workspaces.models import Role, Workspace
from backend.workspaces.selectors import access_workspace

PREVIEW_DEFAULT, PREVIEW_MAX = 50, 1000


class WorkspaceView(GenericAPIView):
    """Base for endpoints under workspaces/<slug>/: access checks in one place."""

    def workspace(self, slug: str, role: str = Role.VIEWER) -> Workspace:
        """The workspace if the caller has at least `role` in it (404 / 403 otherwise)."""
        return access_workspace(user=self.request.user, slug=slug, role=role)

    def paginated(self, queryset: Any, serializer: type) -> Response:
        """A page of `queryset` rendered with `serializer`."""
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(serializer(page, many=True).data)


def int_param(request: Request, name: str, default: int, *, low: int, high: int) -> int:
    """The integer query parameter `name` within [low, high], or `default` when absent."""
    raw = request.query_params.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise UserError(f"{name} must be an integer", field=name) from None
    if not low <= value <= high:
        raise UserError(f"{name} must be between {low} and {high}", field=name)
    return value
