"""API keys: an application calls predict with ``Authorization: Api-Key <key>``, no user account.

A key looks like ``trb_1a2b3c4d_<43 random characters>``: the part up to the second underscore
is its prefix, stored in clear to find the key and to show it in lists; the whole key is stored
only as its sha256 (the random part carries 256 bits, so a slow hash would add latency to every
request and no safety). The key is returned once, by `api_key_create`.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from backend.blocks.publish import MODEL_NAME_PATTERN
from backend.errors import UserError
from backend.pipelines.models import ApiKey
from backend.workspaces.models import Workspace

KEY_PREFIX = "trb_"
_KEY = re.compile(r"^(trb_[0-9a-f]{8})_[A-Za-z0-9_-]{43}$")
#: last_used_at is written at most this often per key.
TOUCH_EVERY = timedelta(seconds=60)


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def api_key_create(
    *, workspace: Workspace, user: AbstractBaseUser | None, name: str, model_name: str = ""
) -> tuple[ApiKey, str]:
    """A new key for `model_name` (empty: every model of the workspace); returns the row and
    the key itself, which is not stored and cannot be shown again."""
    name = name.strip()
    if not name:
        raise UserError("name the key after the application that will use it", field="name")
    model_name = (model_name or "").strip()
    if model_name and not re.match(MODEL_NAME_PATTERN, model_name):
        raise UserError(
            f"'{model_name}' is not a model name (letters, digits, '_', '.', '-')", field="model"
        )
    prefix = f"{KEY_PREFIX}{secrets.token_hex(4)}"
    while ApiKey.objects.filter(prefix=prefix).exists():  # 1 in 4 billion per key
        prefix = f"{KEY_PREFIX}{secrets.token_hex(4)}"
    key = f"{prefix}_{secrets.token_urlsafe(32)}"
    row = ApiKey.objects.create(
        workspace=workspace,
        name=name,
        prefix=prefix,
        secret_hash=_hash(key),
        model_name=model_name,
        created_by=user,
    )
    return row, key


def api_key_revoke(*, api_key: ApiKey, user: AbstractBaseUser | None) -> ApiKey:
    """Revoke a key for good (revoking a revoked key changes nothing)."""
    if api_key.revoked_at is None:
        api_key.revoked_at, api_key.revoked_by = timezone.now(), user
        api_key.save(update_fields=["revoked_at", "revoked_by"])
    return api_key


def api_key_check(*, key: str) -> ApiKey:
    """The active key `key` is, with its workspace; UserError (401) for any other string."""
    match = _KEY.match(key)
    found = (
        ApiKey.objects.select_related("workspace").filter(prefix=match.group(1)).first()
        if match
        else None
    )
    if found is None or not hmac.compare_digest(found.secret_hash, _hash(key)):
        raise UserError("this API key is not valid", status=401, code="authentication_failed")
    if found.revoked_at is not None:
        raise UserError(
            f"API key {found.prefix} was revoked on {found.revoked_at:%Y-%m-%d %H:%M} UTC; "
            "ask a workspace editor for a new one",
            status=401,
            code="authentication_failed",
        )
    now = timezone.now()
    if found.last_used_at is None or now - found.last_used_at > TOUCH_EVERY:
        ApiKey.objects.filter(pk=found.pk).update(last_used_at=now)
        found.last_used_at = now
    return found


def api_key_allows(*, api_key: ApiKey, workspace_slug: str, model_name: str) -> None:
    """Refuse (403) a key used on another workspace or on a model it is not for."""
    if api_key.workspace.slug != workspace_slug:
        raise UserError(
            f"API key {api_key.prefix} belongs to another workspace; use a key of workspace "
            f"'{workspace_slug}'",
            status=403,
            code="permission_denied",
        )
    if api_key.model_name and api_key.model_name != model_name:
        raise UserError(
            f"API key {api_key.prefix} may call model '{api_key.model_name}' only, not "
            f"'{model_name}'",
            status=403,
            code="permission_denied",
        )
