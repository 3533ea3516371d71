"""Authentication by model API key, for the predict endpoint."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.authentication import (
    BaseAuthentication,
    get_authorization_header,
)
from rest_framework.request import Request

from backend.errors import UserError
from backend.pipelines.models import ApiKey
from backend.pipelines.registry import keys


class ApiKeyCaller:
    """Who calls when a request carries an API key: an application, not a user account."""

    is_authenticated = True
    is_anonymous = False
    pk = None

    def __init__(self, api_key: ApiKey) -> None:
        self.api_key = api_key
        self.username = f"api-key:{api_key.prefix}"

    def __str__(self) -> str:
        return self.username


class ApiKeyAuthentication(BaseAuthentication):
    """``Authorization: Api-Key <key>``: a workspace's API key (see backend/pipelines/api_keys)."""

    #: The scheme in the Authorization header.
    keyword = "Api-Key"

    def authenticate(self, request: Request) -> tuple[ApiKeyCaller, ApiKey] | None:
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword.lower().encode():
            return None
        if len(parts) != 2:
            raise UserError(
                "send 'Authorization: Api-Key <key>' with the key as it was shown on creation",
                status=401,
                code="authentication_failed",
            )
        key = keys.api_key_check(key=parts[1].decode("latin-1"))
        return ApiKeyCaller(key), key

    def authenticate_header(self, request: Request) -> str:
        return self.keyword


class ApiKeyScheme(OpenApiAuthenticationExtension):
    """How the OpenAPI schema describes ApiKeyAuthentication."""

    target_class = ApiKeyAuthentication
    name = "apiKeyAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "An API key of the workspace: 'Api-Key <key>'.",
        }
