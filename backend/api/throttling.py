"""Throttles: failed sign-ins per client address and per username, predict calls per API key.

Counting is in fixed windows of the rate's period, with the cache's atomic increment (Redis
INCR), instead of DRF's list of timestamps that is read, changed and written back: concurrent
requests overwrite each other's entries there, so a guesser sending in parallel would never be
stopped. A refused request gets 429 with ``Retry-After`` (the seconds left in the window) and
the usual JSON error body.

Sign-ins count failures, not attempts. Each attempt takes one unit of both counters before the
password is looked at, which is what makes the limit hold under concurrency, and gives both
back when the password was right or when the attempt was refused. So a user who types the
right password is refused only while the counters are spent: by failures from their own
address (``sign_in_address``), or by failures for their username from anywhere
(``sign_in_username``). The second is the one a stranger can spend for them, by guessing their
password; that is the price of stopping guessing spread over many addresses, and it lasts at
most the rest of one window. A success does not reset the counters, so that an attacker's
budget does not refill each time the user signs in.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
from collections.abc import Callable
from typing import Any

from django.core.cache import BaseCache, caches
from django.http import HttpRequest, HttpResponse, JsonResponse
from rest_framework import exceptions
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from backend.pipelines.models import ApiKey


@functools.cache
def counters() -> BaseCache:
    """The cache the counters live in, one client for the process.

    Django's ``caches`` makes a client per request context under ASGI, and the Redis cache a
    connection pool per client: a new connection to Redis for every request. redis-py's pool
    is thread-safe (and starts afresh in a forked child), so one is shared instead.
    """
    return caches.create_connection("default")


class WindowRateThrottle(SimpleRateThrottle):
    """A DRF rate throttle that counts in fixed windows with an atomic increment.

    Subclasses set `scope` (its rate is ``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"][scope]``,
    from the environment in settings; empty or missing: no limit) and `get_cache_key`.
    """

    #: Key of the rate in DEFAULT_THROTTLE_RATES, and first part of the counter's cache key.
    scope: str = ""

    @property  # type: ignore[override]
    def cache(self) -> BaseCache:
        """Where the counts are kept (the ``default`` cache: Redis)."""
        return counters()

    def __init__(self) -> None:
        super().__init__()
        self.window_key: str | None = None
        self.seconds_left: float | None = None

    def get_rate(self) -> str | None:
        # Read when the throttle is made, not when DRF's module is imported, so that a
        # changed setting applies (DRF binds THROTTLE_RATES at import).
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope) or None

    def allow_request(self, request: Any, view: Any) -> bool:
        """Count this request; False once the window's count is over the rate."""
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        return self.take()

    def take(self) -> bool:
        """Add one to the current window's counter (`self.key` set); whether still allowed."""
        now = self.timer()
        start = int(now // self.duration * self.duration)
        self.window_key = f"{self.key}:{start}"
        self.seconds_left = start + self.duration - now
        count = None
        for _ in range(2):  # a second try when the counter expired between add and incr
            self.cache.add(self.window_key, 0, self.duration + 1)
            try:
                count = self.cache.incr(self.window_key)
                break
            except ValueError:
                continue
        return count is None or count <= self.num_requests

    def give_back(self) -> None:
        """Undo this request's `take` (it was not one of the things counted)."""
        if self.window_key is not None:
            # ValueError: the window is over, nothing is left to give back.
            with contextlib.suppress(ValueError):
                self.cache.decr(self.window_key)
            self.window_key = None

    def wait(self) -> float | None:
        """Seconds until the window ends and the count starts again."""
        return self.seconds_left


class SignInAddressThrottle(WindowRateThrottle):
    """Failed sign-ins from one client address, whatever the username."""

    scope = "sign_in_address"

    def get_cache_key(self, request: Any, view: Any) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class SignInUsernameThrottle(WindowRateThrottle):
    """Failed sign-ins for one username, from any address (case and spaces folded)."""

    scope = "sign_in_username"

    def __init__(self, username: str) -> None:
        super().__init__()
        self.username = username

    def get_cache_key(self, request: Any, view: Any) -> str:
        # Hashed: a username may hold anything, and must not make the key long.
        ident = hashlib.sha256(self.username.strip().casefold().encode()).hexdigest()[:32]
        return self.cache_format % {"scope": self.scope, "ident": ident}


class PredictApiKeyThrottle(WindowRateThrottle):
    """Predict calls per API key (``PREDICT_THROTTLE_RATE``). Calls with a user's token or
    session are not counted: members are trusted, applications are given a budget."""

    scope = "predict_api_key"

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        if not isinstance(request.auth, ApiKey):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}


class SignInAttempt:
    """The two sign-in counters for one attempt with `username`.

    `check` before the password is looked at (raises Throttled, a 429, when either counter is
    spent); `succeeded` after a right password gives the units back. An attempt that ends any
    other way stays counted as a failure.
    """

    def __init__(self, request: HttpRequest | Any, username: str) -> None:
        self.request = request
        self.counters = [SignInAddressThrottle(), SignInUsernameThrottle(username)]

    def check(self) -> None:
        """Take a unit of each counter, or raise Throttled naming the one that is spent."""
        refused: list[tuple[WindowRateThrottle, str]] = []
        for counter in self.counters:
            if counter.rate is None:
                continue
            counter.key = counter.get_cache_key(self.request, None)
            if not counter.take():
                refused.append((counter, _refusal(counter)))
        if refused:
            self.succeeded()  # a refused attempt checked no password: not a failure
            wait = max(counter.wait() or 0 for counter, _ in refused)
            raise exceptions.Throttled(wait=wait, detail=refused[0][1])

    def succeeded(self) -> None:
        """The password was right: this attempt is not counted."""
        for counter in self.counters:
            counter.give_back()


def _refusal(counter: WindowRateThrottle) -> str:
    where = (
        "from this address" if isinstance(counter, SignInAddressThrottle) else "for this username"
    )
    return f"Too many failed sign-ins {where}; wait before trying again."


def throttled_response(exc: exceptions.Throttled) -> JsonResponse:
    """The 429 a plain Django view answers, the same as the API's (backend/api/errors.py)."""
    response = JsonResponse({"message": str(exc.detail), "code": "throttled"}, status=429)
    if exc.wait is not None:
        response["Retry-After"] = str(int(exc.wait))
    return response


def throttle_sign_ins(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Wrap a Django form login view (the admin's) with the sign-in counters: a POST is
    refused with 429 while they are spent, and counted unless it signed the user in (a
    redirect with an authenticated user)."""

    @functools.wraps(view)
    def throttled(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method != "POST":
            return view(request, *args, **kwargs)
        attempt = SignInAttempt(request, str(request.POST.get("username", "")))
        try:
            attempt.check()
        except exceptions.Throttled as exc:
            return throttled_response(exc)
        response = view(request, *args, **kwargs)
        if response.status_code in (301, 302, 303) and request.user.is_authenticated:
            attempt.succeeded()
        return response

    return throttled
