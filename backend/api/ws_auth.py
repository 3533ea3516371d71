"""API-token authentication for WebSockets, next to the session cookie.

Browsers sign in with the session cookie (Channels' AuthMiddlewareStack). Other clients send
their API token (``POST /api/v1/auth/token/``) in one of two ways:

- the subprotocols ``token, <key>`` (``new WebSocket(url, ["token", key])``); the server
  accepts with the subprotocol ``token`` and never echoes the key. Preferred: the key stays out
  of URLs, and so out of access logs;
- the query string ``?token=<key>``.

A token that is given but not valid leaves the connection anonymous, even with a session
cookie, so a client learns at once that its token is wrong.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.middleware import BaseMiddleware
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from rest_framework.authtoken.models import Token

TOKEN_SUBPROTOCOL = "token"


def token_from_scope(scope: dict[str, Any]) -> str | None:
    """The API token a WebSocket handshake carries, or None."""
    protocols = [p.strip() for p in scope.get("subprotocols") or []]
    if len(protocols) >= 2 and protocols[0] == TOKEN_SUBPROTOCOL:
        return protocols[1]
    query = parse_qs(scope.get("query_string", b"").decode("latin1"))
    values = query.get("token")
    return values[0] if values else None


def accepted_subprotocol(scope: dict[str, Any]) -> str | None:
    """The subprotocol to accept the handshake with: ``token`` when the client authenticated
    that way (a browser drops a connection whose offered subprotocol is not echoed)."""
    protocols = [p.strip() for p in scope.get("subprotocols") or []]
    return TOKEN_SUBPROTOCOL if protocols[:1] == [TOKEN_SUBPROTOCOL] else None


@database_sync_to_async
def user_for_token(key: str) -> AbstractBaseUser | AnonymousUser:
    """The active user owning API token `key`, else AnonymousUser."""
    token = Token.objects.select_related("user").filter(key=key).first()
    if token is None or not token.user.is_active:
        return AnonymousUser()
    return token.user


class TokenAuthMiddleware(BaseMiddleware):
    """Sets ``scope["user"]`` from an API token when the handshake carries one.

    Goes inside AuthMiddlewareStack, so that without a token the session's user stands.
    """

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        key = token_from_scope(scope)
        if key is not None:
            scope = dict(scope, user=await user_for_token(key))
        return await super().__call__(scope, receive, send)
