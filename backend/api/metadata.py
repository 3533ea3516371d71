"""OPTIONS answered with DRF's metadata on every view.

DRF's SimpleMetadata describes the POST and PUT fields from ``view.get_serializer()``, which
fails on a view without a ``serializer_class``; most views here validate with serializers of
their own, per method. (Kept free of ``rest_framework.views``: DRF imports it from there.)
"""

from __future__ import annotations

from typing import Any

from rest_framework.metadata import SimpleMetadata
from rest_framework.request import Request


class Metadata(SimpleMetadata):
    """DRF's OPTIONS metadata; the fields of POST and PUT only where a view declares a
    ``serializer_class`` (the OpenAPI schema at /api/schema/ describes every body)."""

    def determine_actions(self, request: Request, view: Any) -> dict[str, Any]:
        """The writable fields per method, for views with a ``serializer_class``."""
        if getattr(view, "serializer_class", None) is None:
            return {}
        return super().determine_actions(request, view)
