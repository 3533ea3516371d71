"""Uploads against the real ASGI server: nothing before authentication or the size cap can make
it buffer a body, and other requests keep answering while a body streams in or is parsed.

Memory is the server process's resident set (psutil), sampled while the body is being sent.
"""

from __future__ import annotations

import json
import select
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import psutil
import pytest
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.hashers import PBKDF2PasswordHasher, make_password
from django.contrib.sessions.backends.db import SessionStore

from tests.conftest import Team, api_token
from tests.factories import PASSWORD
from tests.servers import asgi_server

pytestmark = [pytest.mark.usefixtures("transactional_db")]

MB = 1024 * 1024
#: The server's UPLOAD_MAX_BYTES in this module.
UPLOAD_LIMIT = 100 * MB
#: What the server may grow by while a refused or streamed body is sent (the issue's bound).
GROWTH_LIMIT = 50 * MB
#: A refused body must be answered long before it is all sent: what socket buffers can hold.
SENT_BEFORE_ANSWER = 64 * MB
BOUNDARY = "tributary-test-boundary"
CHUNK = b"0123456789abcdef\n" * (MB // 17)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: Any) -> None:
    """Real PBKDF2 is for tests/api/test_auth.py; here it would only make the team slow."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@dataclass
class Server:
    """The running ASGI server: its URL and its process."""

    url: str
    process: psutil.Process

    @property
    def address(self) -> tuple[str, int]:
        """(host, port) to connect a socket to."""
        parts = urlsplit(self.url)
        return parts.hostname or "127.0.0.1", parts.port or 80


@dataclass
class RssSampler:
    """The server's peak resident memory above its level when sampling started."""

    process: psutil.Process
    baseline: int = 0
    peak: int = 0
    stop: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self) -> None:
        self.baseline = self.peak = self.process.memory_info().rss

    def run(self) -> None:
        """Sample every few milliseconds until `stop` is set."""
        while not self.stop.is_set():
            self.peak = max(self.peak, self.process.memory_info().rss)
            time.sleep(0.005)

    @property
    def growth(self) -> int:
        """Peak growth in bytes."""
        return self.peak - self.baseline


@pytest.fixture(scope="module")
def server(django_db_setup: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The ASGI server `make run` uses, with a 100 MB upload limit, warmed up so that imports
    do not count as growth."""
    log = tmp_path_factory.mktemp("upload-memory") / "server.log"
    with asgi_server(log, env={"UPLOAD_MAX_BYTES": str(UPLOAD_LIMIT)}) as url:
        port = str(urlsplit(url).port)
        (process,) = [
            child
            for child in psutil.Process().children(recursive=True)
            if port in " ".join(child.cmdline())
        ]
        running = Server(url, process)
        for _ in range(3):
            exchange(running, "GET", "/api/v1/blocks/", b"")
        yield running


def request_head(
    method: str, path: str, length: int | None, headers: dict[str, str] | None = None
) -> bytes:
    """The request line and headers of a multipart request (chunked when `length` is None)."""
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1"]
    lines.append(f"Content-Type: multipart/form-data; boundary={BOUNDARY}")
    if length is None:
        lines.append("Transfer-Encoding: chunked")
    else:
        lines.append(f"Content-Length: {length}")
    lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def multipart(filename: str, content: bytes) -> bytes:
    """A whole multipart body with one file part."""
    return (
        (
            f"--{BOUNDARY}\r\n"
            f'Content-Disposition: form-data; name="file"; filename="{filename}"\r\n'
            "Content-Type: text/csv\r\n\r\n"
        ).encode()
        + content
        + f"\r\n--{BOUNDARY}--\r\n".encode()
    )


def parse_response(raw: bytes) -> tuple[int, dict[str, Any]]:
    """(status, JSON body) of a raw HTTP response."""
    head, _, body = raw.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    return status, json.loads(body) if body.strip() else {}


def exchange(
    server: Server,
    method: str,
    path: str,
    body: bytes,
    headers: dict[str, str] | None = None,
    sent: threading.Event | None = None,
) -> tuple[int, dict[str, Any]]:
    """A whole request and its answer, over a fresh connection that the server closes; `sent`
    is set once the whole request is out."""
    host = "{}:{}".format(*server.address)  # with the port, as Origin checks compare it
    head = [f"{method} {path} HTTP/1.1", f"Host: {host}", "Connection: close"]
    head += [f"Content-Length: {len(body)}"] if method != "GET" else []
    head += [f"{name}: {value}" for name, value in (headers or {}).items()]
    with socket.create_connection(server.address, timeout=120) as sock:
        sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode() + body)
        if sent is not None:
            sent.set()
        raw = b""
        while chunk := sock.recv(65536):
            raw += chunk
    return parse_response(raw)


@dataclass
class Upload:
    """What sending a large body saw: the answer, and how much was sent before it came."""

    status: int | None = None
    body: dict[str, Any] = field(default_factory=dict)
    sent_before_answer: int = 0


def send_large_body(
    server: Server,
    path: str,
    total: int,
    *,
    headers: dict[str, str] | None = None,
    declare_length: bool = True,
    pause_after: int | None = None,
    while_paused: Any = None,
) -> Upload:
    """Send a `total`-byte multipart body without waiting, reading the answer as soon as the
    server gives one. With `pause_after`, stop sending once that many bytes are out, call
    `while_paused()`, then close the connection without finishing the body."""
    upload = Upload()
    sock = socket.create_connection(server.address, timeout=120)
    sock.setblocking(False)
    pending = memoryview(request_head("POST", path, total if declare_length else None, headers))
    sent, raw = 0, b""
    deadline = time.monotonic() + 300  # only catches a hang
    try:
        while time.monotonic() < deadline:
            if pause_after is not None and sent >= pause_after and not pending:
                while_paused()
                return upload
            readable, writable, _ = select.select([sock], [sock] if sent < total else [], [], 1)
            if readable:
                try:
                    chunk = sock.recv(65536)
                except ConnectionError:
                    chunk = b""
                raw += chunk
                if not chunk or (b"\r\n\r\n" in raw and _complete(raw)):
                    upload.sent_before_answer = sent
                    upload.status, upload.body = parse_response(raw)
                    return upload
            if writable:
                if not pending:
                    data = CHUNK[: total - sent]
                    pending = memoryview(
                        data if declare_length else b"%x\r\n%s\r\n" % (len(data), data)
                    )
                    sent += len(data)
                try:
                    pending = pending[sock.send(pending) :]
                except (BrokenPipeError, ConnectionResetError):
                    writable = []  # the server closed: its answer is waiting to be read
        raise AssertionError("the server neither answered nor took the body within 300 s")
    finally:
        sock.close()


def _complete(raw: bytes) -> bool:
    head, _, body = raw.partition(b"\r\n\r\n")
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            return len(body) >= int(line.split(b":", 1)[1])
    return False


def measured(server: Server, send: Any) -> tuple[Any, int]:
    """Run `send()` while sampling the server's memory; (its result, peak growth in bytes)."""
    sampler = RssSampler(server.process)
    thread = threading.Thread(target=sampler.run, daemon=True)
    thread.start()
    try:
        result = send()
    finally:
        sampler.stop.set()
        thread.join()
    return result, sampler.growth


def test_anonymous_300_mb_upload_is_refused_before_its_body_is_read(
    server: Server, team: Team
) -> None:
    upload, growth = measured(
        server, lambda: send_large_body(server, team.url("datasets/"), 300 * MB)
    )
    assert upload.status == 401, upload.body
    assert "Authorization: Token" in upload.body["message"]
    assert upload.sent_before_answer < SENT_BEFORE_ANSWER
    assert growth < GROWTH_LIMIT, f"the server grew by {growth / MB:.0f} MB"


def test_wrong_token_is_refused_before_the_body_is_read(server: Server, team: Team) -> None:
    upload = send_large_body(
        server, team.url("datasets/"), 300 * MB, headers={"Authorization": "Token not-a-key"}
    )
    assert upload.status == 401, upload.body
    assert upload.sent_before_answer < SENT_BEFORE_ANSWER


def session_cookie(user: Any) -> str:
    """The session cookie of `user` signed in (as the browser app has after POST auth/login)."""
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return f"sessionid={session.session_key}"


def test_session_without_csrf_token_is_refused_before_the_body_is_read(
    server: Server, team: Team
) -> None:
    upload = send_large_body(
        server, team.url("datasets/"), 300 * MB, headers={"Cookie": session_cookie(team.editor)}
    )
    assert upload.status == 403, upload.body
    assert "CSRF" in upload.body["message"]
    assert upload.sent_before_answer < SENT_BEFORE_ANSWER


def test_session_with_csrf_header_uploads_as_the_browser_app_does(
    server: Server, team: Team
) -> None:
    csrf = "k" * 32
    headers = {
        "Cookie": f"{session_cookie(team.editor)}; csrftoken={csrf}",
        "X-CSRFToken": csrf,
        "Origin": server.url,
        "Content-Type": f"multipart/form-data; boundary={BOUNDARY}",
    }
    body = multipart("small.csv", b"a,b\n1,2\n3,4\n")
    status, answer = exchange(server, "POST", team.url("datasets/"), body, headers)
    assert status == 201, answer
    assert answer["row_count"] == 2


def test_authenticated_oversized_upload_is_refused_from_its_length(
    server: Server, team: Team
) -> None:
    token = api_token(team.editor)
    upload, growth = measured(
        server,
        lambda: send_large_body(
            server, team.url("datasets/"), 300 * MB, headers={"Authorization": f"Token {token}"}
        ),
    )
    assert upload.status == 413, upload.body
    assert upload.body["code"] == "too_large"
    assert upload.body["field"] == "file"
    assert upload.sent_before_answer < SENT_BEFORE_ANSWER
    assert growth < GROWTH_LIMIT, f"the server grew by {growth / MB:.0f} MB"


def test_upload_without_a_length_is_cut_off_at_the_limit(server: Server, team: Team) -> None:
    token = api_token(team.editor)
    upload, growth = measured(
        server,
        lambda: send_large_body(
            server,
            team.url("datasets/"),
            UPLOAD_LIMIT + 60 * MB,
            headers={"Authorization": f"Token {token}"},
            declare_length=False,
        ),
    )
    assert upload.status == 413, upload.body
    assert upload.body["code"] == "too_large"
    # Cut off once past the limit, not after the whole body.
    assert upload.sent_before_answer < UPLOAD_LIMIT + SENT_BEFORE_ANSWER // 2
    assert growth < GROWTH_LIMIT, f"the server grew by {growth / MB:.0f} MB"


def test_requests_that_need_no_credentials_still_pass_the_guard(server: Server, team: Team) -> None:
    # Signing in posts a body without credentials: only upload views ask for them first.
    team.editor.password = make_password(PASSWORD, hasher=PBKDF2PasswordHasher())  # the server's
    team.editor.save(update_fields=["password"])
    body = json.dumps({"username": team.editor.username, "password": PASSWORD}).encode()
    status, answer = exchange(
        server, "POST", "/api/v1/auth/token/", body, {"Content-Type": "application/json"}
    )
    assert status == 200, answer
    assert answer["token"]


def test_a_json_body_over_the_request_limit_is_refused(server: Server) -> None:
    upload = send_large_body(server, "/api/v1/auth/token/", 300 * MB)
    assert upload.status == 413, upload.body
    assert "REQUEST_MAX_BYTES" in upload.body["message"]
    assert upload.sent_before_answer < SENT_BEFORE_ANSWER


def test_small_request_answers_while_a_large_body_streams_in(server: Server, team: Team) -> None:
    token = api_token(team.editor)
    answers: list[int] = []

    def while_paused() -> None:
        # The big body is unfinished: 80 of its 90 MB are out. A small request answers now.
        answers.append(
            exchange(
                server, "GET", team.url("datasets/"), b"", {"Authorization": f"Token {token}"}
            )[0]
        )

    upload, growth = measured(
        server,
        lambda: send_large_body(
            server,
            team.url("datasets/"),
            90 * MB,
            headers={"Authorization": f"Token {token}"},
            pause_after=80 * MB,
            while_paused=while_paused,
        ),
    )
    assert upload.status is None  # never answered: the body was never finished
    assert answers == [200]
    # 80 MB reached the server, which kept them on disk, not in memory.
    assert growth < GROWTH_LIMIT, f"the server grew by {growth / MB:.0f} MB"


def test_small_request_answers_while_an_upload_is_parsed(server: Server, team: Team) -> None:
    token = api_token(team.editor)
    auth = {"Authorization": f"Token {token}"}
    rows = b"".join(b"%d,%d.5,label%d,%d\n" % (i, i, i % 7, i * 3) for i in range(800_000))
    body = multipart("wide.csv", b"a,b,c,d\n" + rows)
    order: list[str] = []
    uploaded: dict[str, Any] = {}
    body_sent = threading.Event()

    def upload() -> None:
        head = {**auth, "Content-Type": f"multipart/form-data; boundary={BOUNDARY}"}
        uploaded["answer"] = exchange(server, "POST", team.url("datasets/"), body, head, body_sent)
        order.append("upload")

    thread = threading.Thread(target=upload)
    thread.start()
    # Once the whole body is out, the server is reading and parsing it; small requests answer.
    assert body_sent.wait(timeout=300)
    answered = []
    while thread.is_alive() and len(answered) < 3:
        answered.append(exchange(server, "GET", "/api/v1/auth/me/", b"", auth)[0])
        order.append("small")
    thread.join(timeout=300)
    assert uploaded["answer"][0] == 201, uploaded["answer"]
    assert uploaded["answer"][1]["row_count"] == 800_000
    assert answered and set(answered) == {200}
    # At least one small request finished before the upload's answer came.
    assert order[0] == "small", order
