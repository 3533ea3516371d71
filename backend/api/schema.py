"""How the OpenAPI schema and OPTIONS describe the API, so that both tell the truth.

- Every operation documents the error answers its view can really give, each with the one
  error body (``backend.api.errors.ErrorSerializer``): 400 when it reads a body or query
  parameters, 401 and 403 unless it is open to anyone, 404 when its path names something or it
  is a paged list, 409 for signed-in writes, 413 and 415 for bodies, 429 when it is
  throttled.
- A request body is documented in the formats the view declares for itself, else as JSON only.

OPTIONS is answered by ``backend.api.metadata``.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from rest_framework.parsers import JSONParser
from rest_framework.permissions import AllowAny
from rest_framework.settings import api_settings

from backend.api.errors import ErrorSerializer
from backend.api.serializers import RequestSerializer

#: What drf-spectacular says of a response declared without a body (``{401: None}``).
NO_BODY = "No response body"
BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})
WRITE_METHODS = BODY_METHODS | {"DELETE"}


class AutoSchema(SpectacularAutoSchema):
    """drf-spectacular's AutoSchema with the error answers and request formats above."""

    def map_parsers(self) -> list[Any]:
        """The request media types: the view's own parsers, or JSON for the shared default."""
        parsers = self.view.parser_classes
        if list(parsers) == list(api_settings.DEFAULT_PARSER_CLASSES):
            # The default keeps form posts working for Django's test client; clients send JSON.
            parsers = [parser for parser in parsers if issubclass(parser, JSONParser)]
        return list(dict.fromkeys(parser.media_type for parser in parsers))

    def _get_response_bodies(self, direction: str = "response") -> dict[str, Any]:
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        declared = [code for code, response in responses.items() if code >= "400"]
        for code in sorted(set(self.error_statuses()) | set(declared)):
            existing = responses.get(code, {})
            if "content" not in existing:
                error = self._get_response_for_code(ErrorSerializer, code, direction=direction)
                # A description the view gave (what the error means here) is kept.
                description = existing.get("description")
                if description and description != NO_BODY:
                    error["description"] = description
                responses[code] = error
        return responses

    def _map_basic_serializer(self, serializer: Any, direction: str) -> dict[str, Any]:
        schema = super()._map_basic_serializer(serializer, direction)
        if direction == "request" and isinstance(serializer, RequestSerializer):
            schema["additionalProperties"] = False
        return schema

    def error_statuses(self) -> list[str]:
        """The 4xx statuses this operation can answer."""
        codes: set[int] = set()
        has_body = self.method in BODY_METHODS and self.get_request_serializer() is not None
        open_to_anyone = self._open_to_anyone()
        if has_body or self._get_query_parameters():
            codes.add(400)
        if not open_to_anyone:
            codes |= {401, 403}
        if self._get_path_parameters() or self._is_paged():
            codes.add(404)
        if self.method in WRITE_METHODS and not open_to_anyone:
            codes.add(409)
        if has_body:
            # Any body over REQUEST_MAX_BYTES (an upload: UPLOAD_MAX_BYTES) is a 413.
            codes |= {413, 415}
        if self.view.get_throttles():
            codes.add(429)
        return [str(code) for code in sorted(codes)]

    def _get_query_parameters(self) -> list[Any]:
        return [p for p in self._get_parameters() if p.get("in") == "query"]

    def _get_path_parameters(self) -> list[Any]:
        return [p for p in self._get_parameters() if p.get("in") == "path"]

    def _open_to_anyone(self) -> bool:
        permissions = self.view.get_permissions()
        return all(isinstance(permission, AllowAny) for permission in permissions)

    def _is_paged(self) -> bool:
        return self.method == "GET" and self._is_list_view() and self._get_paginator() is not None
