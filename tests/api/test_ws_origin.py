"""The WebSocket Origin check: CSRF's rule (scheme, host and port), through the whole ASGI
application and on its own."""

from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import async_to_sync
from channels.testing import WebsocketCommunicator

from backend.api.ws_auth import origin_trusted
from backend.asgi import application
from tests.api.test_consumers import make_run, token_of
from tests.conftest import Team


async def connects(path: str, headers: list[tuple[bytes, bytes]]) -> bool:
    """Whether the handshake with `headers` is accepted."""
    communicator = WebsocketCommunicator(application, path, headers)
    connected, _ = await communicator.connect()
    await communicator.disconnect()
    return connected


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("host", "origin", "accepted"),
    [
        (b"testserver:9000", b"http://testserver:9000", True),  # its own origin
        (b"testserver:9000", b"http://testserver:9001", False),  # another port, same host
        (b"testserver:9000", b"https://testserver:9000", False),  # another scheme
        (b"testserver:9000", b"http://testserver", False),  # the default port is another
        (b"testserver:9000", b"http://127.0.0.1:8000", True),  # in CSRF_TRUSTED_ORIGINS
        (b"evil.example.com:9000", b"http://evil.example.com:9000", False),  # not allowed host
    ],
)
def test_origin_decides_the_handshake(
    team: Team, host: bytes, origin: bytes, accepted: bool
) -> None:
    run = make_run(team)
    path = f"/ws/runs/{run.pk}/?token={token_of(team.viewer)}"
    headers = [(b"host", host), (b"origin", origin)]
    assert async_to_sync(connects)(path, headers) is accepted


def scope(origin: str | None, host: str = "app.test:8443", **extra: Any) -> dict[str, Any]:
    headers = [(b"host", host.encode())]
    if origin is not None:
        headers.append((b"origin", origin.encode()))
    headers += [(k.encode(), v.encode()) for k, v in extra.pop("headers", {}).items()]
    return {"type": "websocket", "headers": headers, **extra}


@pytest.mark.parametrize(
    ("origin", "extra", "trusted"),
    [
        ("http://app.test:8443", {}, True),
        ("https://app.test:8443", {}, False),
        ("https://app.test:8443", {"scheme": "wss"}, True),
        ("http://app.test:8443", {"scheme": "wss"}, False),
        ("http://app.test:8444", {}, False),
        ("http://app.test", {}, False),
        (None, {}, False),
        ("null", {}, False),
        ("http://app.test:8443.evil.com", {}, False),
    ],
)
def test_own_origin_needs_scheme_host_and_port(
    settings: Any, origin: str | None, extra: dict[str, Any], trusted: bool
) -> None:
    settings.ALLOWED_HOSTS = ["app.test"]
    settings.CSRF_TRUSTED_ORIGINS = []
    assert origin_trusted(scope(origin, **extra)) is trusted


@pytest.mark.parametrize(
    ("origin", "trusted"),
    [
        ("https://ui.example.com", True),
        ("https://a.ui.example.com", True),
        ("http://ui.example.com", False),
        ("https://ui.example.com:8443", False),
        ("https://deep.example.com", True),
        ("https://example.com.evil.org", False),
        ("http://other.example.org", False),
    ],
)
def test_trusted_origins_are_those_of_csrf(settings: Any, origin: str, trusted: bool) -> None:
    settings.ALLOWED_HOSTS = ["app.test"]
    settings.CSRF_TRUSTED_ORIGINS = ["https://ui.example.com", "https://*.example.com"]
    assert origin_trusted(scope(origin)) is trusted


def test_a_proxy_header_says_the_scheme_when_configured(settings: Any) -> None:
    settings.ALLOWED_HOSTS = ["app.test"]
    settings.CSRF_TRUSTED_ORIGINS = []
    behind = scope("https://app.test:8443", headers={"x-forwarded-proto": "https"})
    assert not origin_trusted(behind)  # the header is not trusted unless configured
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    assert origin_trusted(behind)
    assert not origin_trusted(scope("http://app.test:8443", headers={"x-forwarded-proto": "https"}))
