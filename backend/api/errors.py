"""One exception handler that turns every error into a JSON body with a message.

Body shape: ``{"message": str, "code": str, <place>..., "fields": {...}, "errors": [...]}``:
``fields`` maps a request field to its problems, ``errors`` lists graph problems by node/port.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from backend.errors import UserError


class ErrorSerializer(serializers.Serializer):
    """The body of every 4xx answer: a message that says how to fix it, a code, the place at
    fault, per-field problems (validation) and per-node problems (graphs)."""

    message = serializers.CharField()
    code = serializers.CharField()
    field = serializers.CharField(required=False)
    node = serializers.CharField(required=False)
    port = serializers.CharField(required=False)
    column = serializers.CharField(required=False)
    line = serializers.IntegerField(required=False)
    row = serializers.IntegerField(required=False)
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()), required=False
    )
    errors = serializers.ListField(child=serializers.DictField(), required=False)


def _flatten(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    """Flatten DRF's nested error detail into ``{"a.b": ["msg", ...]}``."""
    if isinstance(detail, dict):
        out: dict[str, list[str]] = {}
        for key, value in detail.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            out.update(_flatten(value, name))
        return out
    if isinstance(detail, list):
        if all(not isinstance(item, (dict, list)) for item in detail):
            return {prefix or "non_field_errors": [str(item) for item in detail]}
        out = {}
        for index, item in enumerate(detail):
            if item:
                out.update(_flatten(item, f"{prefix}[{index}]" if prefix else str(index)))
        return out
    return {prefix or "non_field_errors": [str(detail)]}


def _validation_body(exc: exceptions.ValidationError) -> dict[str, Any]:
    fields = _flatten(exc.detail)
    first_field, problems = next(iter(fields.items()))
    general = first_field == "non_field_errors"
    message = problems[0] if general else f"{first_field}: {problems[0]}"
    body: dict[str, Any] = {"message": message, "code": "invalid", "fields": fields}
    if first_field != "non_field_errors":
        body["field"] = first_field
    return body


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF exception handler: JSON with a message for every error a client can cause."""
    if isinstance(exc, UserError):
        return Response(exc.as_dict(), status=exc.status)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, ObjectDoesNotExist):
        # A row that was there when the view looked it up, deleted by a concurrent request.
        exc = exceptions.NotFound("it no longer exists: it was deleted while this request ran")
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = _validation_body(exc)
    elif isinstance(exc, exceptions.APIException):
        detail = exc.detail
        message = str(detail) if not isinstance(detail, (dict, list)) else "Request failed."
        response.data = {"message": message, "code": getattr(detail, "code", exc.default_code)}
    if response.status_code == status.HTTP_401_UNAUTHORIZED:
        response.data["message"] = (
            f"{response.data['message']} Send 'Authorization: Token <key>' "
            "(from POST /api/v1/auth/token/) or sign in."
        )
    return response
