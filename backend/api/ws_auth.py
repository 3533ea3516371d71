"""API-token authentication for WebSockets, next to the session cookie.

Browsers sign in with the session cookie (Channels' AuthMiddlewareStack). Other clients send
their API token (``POST /api/v1/auth/token/``) in one of two ways:

- the subprotocols ``token, <key>`` (``new WebSocket(url, ["token", key])``); the server
  accepts with the subprotocol ``token`` and never echoes the key. Preferred: the key stays out
  of URLs, and so out of access logs;
- the query string ``?token=<key>``.

A token that is given but not valid (unknown, expired, revoked) leaves the connection
anonymous, even with a session cookie, so a client learns at once that its token is wrong.

Before any of that, `TrustedOriginValidator` refuses a handshake whose Origin is not the site's
own or a trusted one, by the rule CSRF uses for a POST (scheme, host and port all count): a
browser sends the session cookie with a WebSocket from any page, so without it a page on
another port or scheme of the same host could read a run.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

from channels.db import database_sync_to_async
from channels.middleware import BaseMiddleware
from channels.security.websocket import WebsocketDenier
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.http.request import is_same_domain, split_domain_port, validate_host

from backend.errors import UserError
from backend.workspaces import tokens

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
    """The active user owning live API token `key`, else AnonymousUser."""
    try:
        return tokens.token_check(key=key).user
    except UserError:
        return AnonymousUser()


class TokenAuthMiddleware(BaseMiddleware):
    """Sets ``scope["user"]`` from an API token when the handshake carries one.

    Goes inside AuthMiddlewareStack, so that without a token the session's user stands.
    """

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        key = token_from_scope(scope)
        if key is not None:
            scope = dict(scope, user=await user_for_token(key))
        return await super().__call__(scope, receive, send)


def _header(scope: dict[str, Any], name: bytes) -> str | None:
    for key, value in scope.get("headers") or []:
        if key == name:
            return value.decode("latin1")
    return None


def _own_origin(scope: dict[str, Any]) -> str | None:
    """``scheme://host[:port]`` of the site as the handshake reached it, as Django's
    CsrfViewMiddleware builds it for a request (None when the Host is not an allowed one)."""
    host = _header(scope, b"host")
    if not host or not validate_host(split_domain_port(host)[0], settings.ALLOWED_HOSTS):
        return None
    secure = scope.get("scheme") in ("wss", "https")
    proxy = getattr(settings, "SECURE_PROXY_SSL_HEADER", None)
    if proxy:
        header, value = proxy
        forwarded = _header(scope, header.removeprefix("HTTP_").replace("_", "-").lower().encode())
        if forwarded is not None:
            secure = forwarded.split(",")[0].strip() == value
    return f"{'https' if secure else 'http'}://{host}"


def origin_trusted(scope: dict[str, Any]) -> bool:
    """Whether the handshake's Origin may open a WebSocket: the site's own origin, one of
    CSRF_TRUSTED_ORIGINS, or a subdomain a ``scheme://*.domain`` entry there names. Scheme,
    host and port must all match; no Origin at all is refused, as a browser always sends one."""
    origin = _header(scope, b"origin")
    if not origin or origin == "null":
        return False
    if origin == _own_origin(scope) or origin in settings.CSRF_TRUSTED_ORIGINS:
        return True
    try:
        parsed = urlsplit(origin)
    except ValueError:
        return False
    for trusted in settings.CSRF_TRUSTED_ORIGINS:
        if "*" not in trusted:
            continue
        pattern = urlsplit(trusted)
        if pattern.scheme == parsed.scheme and is_same_domain(
            parsed.netloc, pattern.netloc.lstrip("*")
        ):
            return True
    return False


class TrustedOriginValidator:
    """ASGI middleware that closes a WebSocket handshake from an untrusted Origin (403)."""

    def __init__(self, application: Any) -> None:
        self.application = application

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        if scope["type"] == "websocket" and not origin_trusted(scope):
            return await WebsocketDenier.as_asgi()(scope, receive, send)
        return await self.application(scope, receive, send)
