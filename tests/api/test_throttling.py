"""Throttles on the real Redis cache: failed sign-ins per address and per username on POST
auth/token/, auth/login/ and the admin login; predict per API key.

The throttles' clock is fixed (and moved by hand), so that no window ends in the middle of a
test and Retry-After has one right value; tests/conftest.py clears the counters before each.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.test import Client, RequestFactory
from rest_framework import exceptions
from rest_framework.test import APIClient

from backend.api.throttling import SignInAttempt, WindowRateThrottle
from backend.pipelines.models import ModelVersion
from tests.api.registry.helpers import ROW, create_key, key_client, predict
from tests.conftest import Team
from tests.factories import PASSWORD, UserFactory
from tests.model_factories import register

TOKEN_URL = "/api/v1/auth/token/"
LOGIN_URL = "/api/v1/auth/login/"
ADMIN_LOGIN_URL = "/admin/login/"
#: 12:00:10 on some day: 3590 s left in the hour's window, 50 s in the minute's.
NOW = 1_800_000_000.0 - 1_800_000_000.0 % 3600 + 10


class Clock:
    """The throttles' time, moved by the test."""

    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> float:
        return self.now


@pytest.fixture(autouse=True)
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """The throttles read this clock instead of the system's."""
    fixed = Clock()
    monkeypatch.setattr(WindowRateThrottle, "timer", staticmethod(fixed))
    return fixed


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: Any) -> None:
    """Throttling is about counting, not hashing: real PBKDF2 is for tests/api/test_auth.py."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def rates(settings: Any) -> Callable[..., None]:
    """Set the throttle rates for this test; a scope not named is off."""

    def set_rates(**rates: str) -> None:
        settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}

    return set_rates


def sign_in(url: str, username: str, password: str, address: str = "10.0.0.1") -> Any:
    """One attempt at `url` from `address`."""
    if url == ADMIN_LOGIN_URL:
        return Client(REMOTE_ADDR=address).post(
            url, {"username": username, "password": password, "next": "/admin/"}
        )
    return APIClient(REMOTE_ADDR=address).post(
        url, {"username": username, "password": password}, format="json"
    )


def assert_throttled(response: Any, seconds: int, where: str) -> None:
    """429 with Retry-After `seconds` and a JSON body in the house shape naming `where`."""
    assert response.status_code == 429, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    assert response["Retry-After"] == str(seconds)
    body = response.json()
    assert body["code"] == "throttled"
    assert f"failed sign-ins {where}" in body["message"]


def succeeded(url: str, response: Any) -> bool:
    if url == ADMIN_LOGIN_URL:
        return response.status_code == 302
    return response.status_code == 200


def failed(url: str, response: Any) -> bool:
    if url == ADMIN_LOGIN_URL:  # the form again, with its error
        return response.status_code == 200 and b"correct username" in response.content
    return response.status_code == 400 and response.json()["code"] == "invalid_credentials"


URLS = pytest.mark.parametrize("url", [TOKEN_URL, LOGIN_URL, ADMIN_LOGIN_URL])


@pytest.fixture
def staff(db: None) -> Any:
    """A user who may sign in to the admin."""
    return UserFactory(username="staff", is_staff=True, is_superuser=True)


@URLS
def test_wrong_passwords_for_one_username_are_throttled_from_any_address(
    url: str, staff: Any, rates: Callable[..., None]
) -> None:
    rates(sign_in_username="3/h")
    for n in range(3):
        assert failed(url, sign_in(url, "staff", f"guess {n}", address=f"10.0.1.{n}"))

    # Spent: even the right password, from a new address, waits for the window to end.
    assert_throttled(sign_in(url, "staff", PASSWORD, "10.0.2.1"), 3590, "for this username")
    assert_throttled(sign_in(url, "STAFF ", PASSWORD, "10.0.2.1"), 3590, "for this username")
    # Another username is not affected.
    UserFactory(username="other", is_staff=True)
    assert succeeded(url, sign_in(url, "other", PASSWORD, "10.0.2.1"))


@URLS
def test_wrong_passwords_from_one_address_are_throttled_for_any_username(
    url: str, staff: Any, rates: Callable[..., None], clock: Clock
) -> None:
    rates(sign_in_address="3/m")
    for username in ("staff", "nobody", "admin"):
        assert failed(url, sign_in(url, username, "wrong"))

    assert_throttled(sign_in(url, "staff", PASSWORD), 50, "from this address")
    # Another address signs in; so does this one once the window is over.
    assert succeeded(url, sign_in(url, "staff", PASSWORD, address="10.0.0.2"))
    clock.now += 50
    assert succeeded(url, sign_in(url, "staff", PASSWORD))


@URLS
def test_right_passwords_are_not_counted(url: str, staff: Any, rates: Callable[..., None]) -> None:
    rates(sign_in_address="2/h", sign_in_username="2/h")
    for _ in range(5):
        assert succeeded(url, sign_in(url, "staff", PASSWORD))
    assert failed(url, sign_in(url, "staff", "wrong"))
    # One failure in: one more is allowed, and then none.
    assert succeeded(url, sign_in(url, "staff", PASSWORD))
    assert failed(url, sign_in(url, "staff", "wrong"))
    assert_throttled(sign_in(url, "staff", PASSWORD), 3590, "from this address")


def test_the_api_and_the_admin_share_the_count(staff: Any, rates: Callable[..., None]) -> None:
    rates(sign_in_username="3/h")
    assert failed(TOKEN_URL, sign_in(TOKEN_URL, "staff", "a"))
    assert failed(LOGIN_URL, sign_in(LOGIN_URL, "staff", "b"))
    assert failed(ADMIN_LOGIN_URL, sign_in(ADMIN_LOGIN_URL, "staff", "c"))
    for url in (TOKEN_URL, LOGIN_URL, ADMIN_LOGIN_URL):
        assert_throttled(sign_in(url, "staff", PASSWORD), 3590, "for this username")


def test_a_refused_attempt_is_not_counted_against_the_other_limit(
    staff: Any, rates: Callable[..., None]
) -> None:
    rates(sign_in_address="2/h", sign_in_username="10/h")
    for _ in range(2):
        assert failed(TOKEN_URL, sign_in(TOKEN_URL, "staff", "wrong"))
    for _ in range(20):  # refused by the address limit: no password looked at
        assert sign_in(TOKEN_URL, "staff", "wrong").status_code == 429
    # The username's count holds the 2 real failures only: 8 more are allowed elsewhere.
    for n in range(8):
        assert failed(TOKEN_URL, sign_in(TOKEN_URL, "staff", "wrong", address=f"10.9.0.{n}"))
    assert sign_in(TOKEN_URL, "staff", PASSWORD, "10.9.1.1").status_code == 429


def test_a_missing_field_is_not_a_failed_sign_in(staff: Any, rates: Callable[..., None]) -> None:
    rates(sign_in_address="1/h")
    for _ in range(3):
        response = APIClient().post(TOKEN_URL, {"username": "staff"}, format="json")
        assert response.status_code == 400 and response.json()["field"] == "password"
    assert succeeded(TOKEN_URL, sign_in(TOKEN_URL, "staff", PASSWORD, "127.0.0.1"))


def test_the_admin_login_page_itself_is_not_throttled(
    staff: Any, rates: Callable[..., None]
) -> None:
    rates(sign_in_address="1/h")
    assert failed(ADMIN_LOGIN_URL, sign_in(ADMIN_LOGIN_URL, "staff", "wrong"))
    assert Client(REMOTE_ADDR="10.0.0.1").get(ADMIN_LOGIN_URL).status_code == 200
    assert sign_in(ADMIN_LOGIN_URL, "staff", "wrong").status_code == 429


def test_concurrent_guesses_cannot_overrun_the_limit(rates: Callable[..., None]) -> None:
    # Many attempts at once, none of them giving its unit back (all wrong): exactly the
    # limit gets through, which a read-then-write count would not ensure.
    rates(sign_in_username="5/h")
    request = RequestFactory().post(TOKEN_URL, REMOTE_ADDR="10.0.0.1")
    allowed: list[int] = []
    start = threading.Barrier(25)

    def guess() -> None:
        start.wait()
        try:
            SignInAttempt(request, "staff").check()
            allowed.append(1)
        except exceptions.Throttled:
            pass

    threads = [threading.Thread(target=guess) for _ in range(25)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(allowed) == 5


def test_an_empty_rate_turns_a_limit_off(staff: Any, rates: Callable[..., None]) -> None:
    rates(sign_in_address="", sign_in_username="")
    for _ in range(15):
        assert failed(TOKEN_URL, sign_in(TOKEN_URL, "staff", "wrong"))
    assert succeeded(TOKEN_URL, sign_in(TOKEN_URL, "staff", PASSWORD))


# --------------------------------------------------------------------------------- predict


@pytest.fixture
def demo(team: Team) -> Iterator[ModelVersion]:
    """The demo model in the team's workspace; the prediction buffer left empty."""
    from backend.pipelines.registry import monitoring

    monitoring.recorder.discard()
    yield register(team.workspace)
    monitoring.recorder.discard()


def test_predict_is_throttled_per_api_key(
    team: Team, demo: ModelVersion, rates: Callable[..., None], clock: Clock
) -> None:
    rates(predict_api_key="3/m")
    first, second = create_key(team)["key"], create_key(team)["key"]
    for _ in range(3):
        assert predict(key_client(first), team, {"instances": [ROW]}).status_code == 200

    refused = predict(key_client(first), team, {"instances": [ROW]})

    assert refused.status_code == 429, refused.content
    assert refused["Retry-After"] == "50"
    assert refused.json()["code"] == "throttled" and refused.json()["message"]
    # Another key has its own budget; members with a token are not counted.
    assert predict(key_client(second), team, {"instances": [ROW]}).status_code == 200
    for _ in range(5):
        assert predict(team.client("viewer"), team, {"instances": [ROW]}).status_code == 200
    clock.now += 50
    assert predict(key_client(first), team, {"instances": [ROW]}).status_code == 200
