"""API tokens of users: made by signing in or on the tokens page, checked on every request.

A key looks like ``trt_1a2b3c4d_<43 random characters>``; the part up to the second underscore
is its prefix, kept in clear for lists. The whole key is stored only as its sha256 and looked up
by it (the random part carries 256 bits, so a slow hash would add latency to every request and
no safety). Keys made before these tokens existed (40 hex digits) were imported the same way by
the migration and work until they expire. The key is returned once, by `token_create`.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q, QuerySet
from django.utils import timezone

from backend.errors import NotFoundError, UserError
from backend.workspaces.models import AuthToken

KEY_PREFIX = "trt_"
#: last_used_at is written at most this often per token.
TOUCH_EVERY = timedelta(seconds=60)


def key_hash(key: str) -> str:
    """The stored form of `key`."""
    return hashlib.sha256(key.encode()).hexdigest()


def token_lifetime() -> timedelta:
    """How long a new token lives at most (``TOKEN_TTL_HOURS``)."""
    return timedelta(hours=settings.TOKEN_TTL_HOURS)


def token_create(
    *, user: AbstractBaseUser, name: str, lifetime: timedelta | None = None
) -> tuple[AuthToken, str]:
    """A new token for `user`, living `lifetime` (at most, and by default, the configured
    lifetime); returns the row and the key, which is not stored and cannot be shown again.

    The user's tokens that have expired or were revoked are deleted on the way, so that signing
    in often does not pile up rows."""
    name = name.strip()
    if not name:
        raise UserError("name the token after the script or machine that will use it", field="name")
    longest = token_lifetime()
    if lifetime is None or lifetime > longest:
        lifetime = longest
    now = timezone.now()
    AuthToken.objects.filter(user=user).filter(
        Q(expires_at__lte=now) | Q(revoked_at__isnull=False)
    ).delete()
    prefix = f"{KEY_PREFIX}{secrets.token_hex(4)}"
    key = f"{prefix}_{secrets.token_urlsafe(32)}"
    row = AuthToken.objects.create(
        user=user, name=name[:100], prefix=prefix, key_hash=key_hash(key), expires_at=now + lifetime
    )
    return row, key


def token_check(*, key: str) -> AuthToken:
    """The live token `key` is, with its user; UserError (401) for any other string, saying
    whether the token expired or was revoked so that a client knows to sign in again."""
    found = AuthToken.objects.select_related("user").filter(key_hash=key_hash(key)).first()
    if found is None or not found.user.is_active:
        raise UserError("this token is not valid", status=401, code="authentication_failed")
    now = timezone.now()
    if found.revoked_at is not None:
        raise UserError(
            f"token {found.prefix} was revoked on {found.revoked_at:%Y-%m-%d %H:%M} UTC; "
            "sign in again for a new one",
            status=401,
            code="authentication_failed",
        )
    if found.expires_at <= now:
        raise UserError(
            f"token {found.prefix} expired on {found.expires_at:%Y-%m-%d %H:%M} UTC; "
            "sign in again for a new one",
            status=401,
            code="authentication_failed",
        )
    if found.last_used_at is None or now - found.last_used_at > TOUCH_EVERY:
        AuthToken.objects.filter(pk=found.pk).update(last_used_at=now)
        found.last_used_at = now
    return found


def token_list(*, user: AbstractBaseUser) -> QuerySet[AuthToken]:
    """`user`'s tokens that still work, newest first."""
    return AuthToken.objects.filter(
        user=user, revoked_at__isnull=True, expires_at__gt=timezone.now()
    ).order_by("-created_at", "-id")


def token_get(*, user: AbstractBaseUser, token_id: int) -> AuthToken:
    """`user`'s live token `token_id`; 404 for another's, so that ids cannot be probed."""
    found = token_list(user=user).filter(pk=token_id).first()
    if found is None:
        raise NotFoundError(f"you have no token {token_id}", field="id")
    return found


def token_revoke(*, token: AuthToken) -> AuthToken:
    """Revoke `token` for good (revoking a revoked token changes nothing)."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        AuthToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
            revoked_at=token.revoked_at
        )
    return token
