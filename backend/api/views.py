"""Base view for endpoints under ``workspaces/<slug>/`` and the query parameters they share."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from drf_spectacular.utils import OpenApiParameter
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


@dataclass(frozen=True)
class IntQuery:
    """An integer query parameter: read with its bounds enforced, and documented with the same
    bounds, so the schema and the code cannot disagree."""

    name: str
    default: int
    low: int
    high: int
    description: str = ""

    def read(self, request: Request) -> int:
        """The value sent, or the default; a 400 naming the parameter when out of bounds."""
        return int_param(request, self.name, self.default, low=self.low, high=self.high)

    @property
    def parameter(self) -> OpenApiParameter:
        """The parameter as the OpenAPI schema describes it."""
        return OpenApiParameter(
            self.name,
            {"type": "integer", "minimum": self.low, "maximum": self.high},
            required=False,
            description=self.description or f"default {self.default}",
        )


#: How many rows a table preview shows.
PREVIEW_LIMIT = IntQuery(
    "limit", PREVIEW_DEFAULT, 1, PREVIEW_MAX, f"rows to show (default {PREVIEW_DEFAULT})"
)
#: The sequence number after which to list a run's events (0: from the start).
AFTER_SEQ = IntQuery("after", 0, 0, 2**62, "only what comes after this sequence number")
