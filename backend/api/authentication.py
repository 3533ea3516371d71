"""``Authorization: Token <key>``: a user's API token (backend/workspaces/tokens.py)."""

from __future__ import annotations

from typing import Any

from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from backend.errors import UserError
from backend.workspaces import tokens
from backend.workspaces.models import AuthToken


class ApiTokenAuthentication(TokenAuthentication):
    """DRF's token scheme over the tokens that expire and can be revoked.

    The header is parsed by DRF (so a malformed one is refused the same way); the key is
    checked by `tokens.token_check`. ``request.auth`` is the AuthToken row, which is how
    logout knows which token to revoke.
    """

    def authenticate_credentials(self, key: str) -> tuple[Any, AuthToken]:
        try:
            token = tokens.token_check(key=key)
        except UserError as exc:
            raise exceptions.AuthenticationFailed(exc.message) from None
        return token.user, token
