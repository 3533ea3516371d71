"""An ASGI guard in front of Django that decides from the headers whether a body may be read.

Django's ASGI handler reads the whole request body before any middleware or view runs, so a
limit checked in a view is checked too late: an anonymous client could make the server receive
and store hundreds of megabytes before being told 401. This guard runs first, on the headers
alone:

- a request to a view that takes uploads (``accepts_uploads = True`` on the view class) is
  authenticated with that view's own DRF authentication classes (API token; session cookie
  with Django's CSRF check) and refused with 401/403 JSON before a byte of the body is read;
  its declared ``Content-Length`` is then held to ``UPLOAD_MAX_BYTES`` (413 JSON);
- every other request's body is held to ``REQUEST_MAX_BYTES``;
- a body that does not declare its length, or sends more than it declared, is cut off with 413
  as soon as it passes the limit.

Refusals close the connection, so the client stops sending. Bodies that are allowed reach
Django in the server's chunks and spill to disk (FILE_UPLOAD_MAX_MEMORY_SIZE), never whole in
memory; the ASGI server must stream them too (uvicorn does; see runstack.ASGI_SERVER).
"""

from __future__ import annotations

import io
import json
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import import_module
from typing import Any

from asgiref.sync import ThreadSensitiveContext, sync_to_async
from django.conf import settings
from django.contrib.auth import get_user
from django.core.exceptions import DisallowedHost
from django.core.handlers.asgi import ASGIRequest
from django.db import connections
from django.http import QueryDict
from django.urls import Resolver404, resolve
from django.utils.datastructures import MultiValueDict
from django.utils.functional import SimpleLazyObject
from rest_framework import exceptions
from rest_framework.request import Request

from backend.api.errors import exception_handler
from backend.api.uploads import upload_limit_error
from backend.errors import TooLargeError, UserError

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

#: The multipart envelope (boundaries, part headers, the name field) around the file itself.
UPLOAD_ENVELOPE_BYTES = 64 * 1024
#: Methods an upload view is authenticated for before its body is read.
UPLOAD_METHODS = {"POST", "PUT", "PATCH"}


@dataclass(frozen=True)
class Refusal:
    """An answer sent instead of calling Django: a status, a JSON body, extra headers."""

    status: int
    body: dict[str, Any]
    headers: tuple[tuple[bytes, bytes], ...] = ()


@lru_cache(maxsize=256)
def _upload_view(path: str) -> type | None:
    """The view class at `path` when it takes uploads (``accepts_uploads = True``), else None.

    Opt-in, not "has a multipart parser": DRF's default parsers include multipart on every
    view, and the sign-in views must be reachable without credentials.
    """
    try:
        match = resolve(path)
    except Resolver404:
        return None
    view = getattr(match.func, "cls", None)
    return view if getattr(view, "accepts_uploads", False) else None


def _declared_length(scope: Scope) -> int | None:
    """The body length the headers declare, or None (chunked, or not a number)."""
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


def _refusal_from(exc: Exception, request: Request | None = None) -> Refusal:
    """The JSON answer Django REST framework would give for `exc` (backend/api/errors.py)."""
    if (
        isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed)
        and request is not None
    ):
        # As APIView.permission_denied: 401 with a challenge when an authenticator offers one.
        first = request.authenticators[0] if request.authenticators else None
        challenge = first.authenticate_header(request) if first is not None else None
        exc.auth_header = challenge  # type: ignore[attr-defined]
        if not challenge:
            exc.status_code = 403
    response = exception_handler(exc, {})
    if response is None:  # not an API error: answer as a generic bad request
        return Refusal(400, {"message": str(exc), "code": "invalid"})
    headers = tuple((k.lower().encode(), str(v).encode()) for k, v in response.items())
    return Refusal(response.status_code, dict(response.data), headers)


def _authenticate(scope: Scope, view: type) -> Refusal | None:
    """Authenticate from the headers alone, as `view` would; a Refusal when it would refuse.

    The request given to DRF has no body: its form data is empty, so CSRF takes its token
    from the X-CSRFToken header (a form field inside the multipart body cannot be read yet).
    """
    try:
        return _check_credentials(scope, view)
    finally:
        # Hand the connection back (to the pool): a refused request never reaches Django's
        # request_finished, and an allowed one opens its own on this thread when it needs it.
        connections.close_all()


def _check_credentials(scope: Scope, view: type) -> Refusal | None:
    """The request as Django's middleware would prepare it (session, lazy user), without its
    body, given to `view`'s authenticators."""
    request = ASGIRequest(scope, io.BytesIO())
    request._post, request._files = QueryDict(), MultiValueDict()  # the body is not read here
    engine = import_module(settings.SESSION_ENGINE)
    request.session = engine.SessionStore(request.COOKIES.get(settings.SESSION_COOKIE_NAME))
    request.user = SimpleLazyObject(lambda: get_user(request))
    drf_request = Request(request, authenticators=[auth() for auth in view.authentication_classes])
    # DRF's CSRF check reads request.POST through this wrapper too: empty, not parsed.
    drf_request._data, drf_request._files = QueryDict(), MultiValueDict()
    drf_request._full_data = drf_request._data
    try:
        request.get_host()
        user = drf_request.user
    except DisallowedHost as exc:
        return Refusal(400, {"message": f"{exc}", "code": "bad_host"})
    except exceptions.APIException as exc:
        return _refusal_from(exc, drf_request)
    if user is None or not user.is_authenticated:
        return _refusal_from(exceptions.NotAuthenticated(), drf_request)
    return None


async def _send_refusal(send: Send, refusal: Refusal) -> None:
    """Send `refusal` as the whole response and ask the server to close the connection, so a
    client still sending a body it was refused stops."""
    body = json.dumps(refusal.body).encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        (b"connection", b"close"),
        *[(k, v) for k, v in refusal.headers if k not in {b"content-type", b"content-length"}],
    ]
    await send({"type": "http.response.start", "status": refusal.status, "headers": headers})
    await send({"type": "http.response.body", "body": body, "more_body": False})


def _too_large(error: TooLargeError | UserError) -> Refusal:
    return Refusal(error.status, error.as_dict())


class RequestGuard:
    """ASGI middleware: authentication and body-size limits decided before the body is read.

    Wraps the HTTP application (Django); see the module docstring for what it refuses.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve one connection: refuse it from its headers, or pass it on with a capped body."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        # One thread-sensitive context for the check and Django's request, so that both run on
        # the same thread.
        async with ThreadSensitiveContext():
            upload = scope.get("method") in UPLOAD_METHODS
            view = _upload_view(scope["path"]) if upload else None
            if view is not None:
                limit = settings.UPLOAD_MAX_BYTES
                too_large = _too_large(upload_limit_error(limit))
                limit += UPLOAD_ENVELOPE_BYTES
                refusal = await sync_to_async(_authenticate)(scope, view)
            else:
                limit = settings.REQUEST_MAX_BYTES
                too_large = _too_large(request_limit_error(limit))
                refusal = None
            declared = _declared_length(scope)
            if refusal is None and declared is not None and declared > limit:
                refusal = too_large
            if refusal is not None:
                await _send_refusal(send, refusal)
                return
            await _CappedBody(self.app, limit, too_large)(scope, receive, send)


def request_limit_error(limit: int) -> TooLargeError:
    """The error for a request body (not an upload) over `limit` bytes."""
    return TooLargeError(
        f"the request body is larger than the limit of {limit} bytes (REQUEST_MAX_BYTES)"
    )


class _CappedBody:
    """Pass a request on, cutting its body off with 413 once more than `limit` bytes arrive."""

    def __init__(self, app: ASGIApp, limit: int, too_large: Refusal) -> None:
        self.app, self.limit, self.too_large = app, limit, too_large
        self.received = 0
        self.refused = False

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def capped_receive() -> Message:
            if self.refused:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                self.received += len(message.get("body", b""))
                if self.received > self.limit:
                    # Django is still reading the body, so it has sent nothing yet; it sees a
                    # disconnect and stops, and the client gets the 413.
                    self.refused = True
                    await _send_refusal(send, self.too_large)
                    return {"type": "http.disconnect"}
            return message

        async def guarded_send(message: Message) -> None:
            if not self.refused:
                await send(message)

        await self.app(scope, capped_receive, guarded_send)
