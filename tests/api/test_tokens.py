"""API tokens: several per user, expiring, revoked by their owner or by logging out with them,
listed without their keys, and the same rules on WebSockets."""

from __future__ import annotations

import importlib
import json
from datetime import timedelta
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from django.apps import apps
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from backend.api.ws_auth import user_for_token
from backend.workspaces.models import AuthToken
from backend.workspaces.tokens import key_hash, token_create
from tests.conftest import Team
from tests.factories import PASSWORD

TOKENS_URL = "/api/v1/auth/tokens/"
ME_URL = "/api/v1/auth/me/"


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: Any) -> None:
    """Tokens are about keys, not password hashes: PBKDF2 is for tests/api/test_auth.py."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def with_key(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def new_token(client: APIClient, **body: Any) -> dict[str, Any]:
    response = client.post(TOKENS_URL, {"name": "laptop", **body}, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def test_tokens_are_listed_without_keys_and_the_one_in_use_is_marked(team: Team) -> None:
    key = token_create(user=team.editor, name="ci")[1]
    client = with_key(key)
    made = new_token(client, name="laptop")
    token_create(user=team.viewer, name="someone else's")

    listed = client.get(TOKENS_URL)

    assert listed.status_code == 200
    results = listed.json()["results"]
    assert [(t["name"], t["current"]) for t in results] == [("laptop", False), ("ci", True)]
    text = listed.content.decode()
    assert made["token"] not in text and key not in text and "hash" not in text
    assert made["token"].startswith(made["prefix"] + "_")
    assert with_key(made["token"]).get(ME_URL).json()["username"] == "editor"


def test_a_session_lists_and_makes_tokens_too(team: Team) -> None:
    client = APIClient()
    client.force_login(team.viewer)
    made = new_token(client, name="from the browser")
    assert [t["current"] for t in client.get(TOKENS_URL).json()["results"]] == [False]
    assert with_key(made["token"]).get(ME_URL).status_code == 200


def test_a_token_expires(team: Team, settings: Any) -> None:
    settings.TOKEN_TTL_HOURS = 2
    client = APIClient()
    made = client.post(
        "/api/v1/auth/token/", {"username": "owner", "password": PASSWORD}, format="json"
    ).json()
    stored = AuthToken.objects.get(pk=made["id"])
    assert timedelta(hours=2) - (stored.expires_at - stored.created_at) < timedelta(seconds=5)
    assert with_key(made["token"]).get(ME_URL).status_code == 200

    AuthToken.objects.filter(pk=stored.pk).update(expires_at=timezone.now() - timedelta(seconds=1))

    response = with_key(made["token"]).get(ME_URL)
    assert response.status_code == 401
    assert "expired" in response.json()["message"] and made["prefix"] in response.json()["message"]
    assert response.json()["code"] == "authentication_failed"
    assert made["id"] not in [
        t["id"] for t in team.client("owner").get(TOKENS_URL).json()["results"]
    ]


def test_a_shorter_life_can_be_asked_for_never_a_longer_one(team: Team, settings: Any) -> None:
    settings.TOKEN_TTL_HOURS = 10
    client = team.client("editor")
    short = AuthToken.objects.get(pk=new_token(client, expires_in_hours=1)["id"])
    long = AuthToken.objects.get(pk=new_token(client, expires_in_hours=1000)["id"])
    assert short.expires_at - short.created_at < timedelta(hours=1, seconds=5)
    assert long.expires_at - long.created_at < timedelta(hours=10, seconds=5)
    assert long.expires_at - long.created_at > timedelta(hours=9)


def test_logout_revokes_the_token_it_was_sent_with(team: Team) -> None:
    used, other = (
        token_create(user=team.editor, name="a")[1],
        token_create(user=team.editor, name="b")[1],
    )

    assert with_key(used).post("/api/v1/auth/logout/").status_code == 204

    response = with_key(used).get(ME_URL)
    assert response.status_code == 401 and "revoked" in response.json()["message"]
    assert with_key(other).get(ME_URL).status_code == 200
    assert AuthToken.objects.get(key_hash=key_hash(used)).revoked_at is not None


def test_revoking_one_of_ones_own_tokens(team: Team) -> None:
    client = team.client("owner")
    made = new_token(client)

    assert client.delete(f"{TOKENS_URL}{made['id']}/").status_code == 204

    assert with_key(made["token"]).get(ME_URL).status_code == 401
    assert made["id"] not in [t["id"] for t in client.get(TOKENS_URL).json()["results"]]
    # Gone from the list, so a second revoke finds nothing.
    assert client.delete(f"{TOKENS_URL}{made['id']}/").status_code == 404


def test_another_users_token_cannot_be_revoked_or_seen(team: Team) -> None:
    made = new_token(team.client("owner"))

    response = team.client("outsider").delete(f"{TOKENS_URL}{made['id']}/")

    assert response.status_code == 404 and response.json()["code"] == "not_found"
    assert with_key(made["token"]).get(ME_URL).json()["username"] == "owner"
    outsiders = team.client("outsider").get(TOKENS_URL).json()["results"]
    assert made["id"] not in [t["id"] for t in outsiders]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "  "}, "name"),
        ({"name": "x" * 101}, "name"),
        ({"expires_in_hours": 0}, "expires_in_hours"),
    ],
)
def test_a_bad_token_request_names_the_field(team: Team, body: dict[str, Any], field: str) -> None:
    response = team.client("editor").post(TOKENS_URL, {"name": "ok", **body}, format="json")
    assert response.status_code == 400, response.content
    assert response.json()["field"] == field
    assert AuthToken.objects.filter(user=team.editor).count() == 1  # the client's own


@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_cannot_list_or_make_tokens(db: None, method: str) -> None:
    response = getattr(APIClient(), method)(TOKENS_URL, {"name": "x"}, format="json")
    assert response.status_code == 401
    assert not AuthToken.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_websockets_accept_live_tokens_only(team: Team) -> None:
    live = token_create(user=team.viewer, name="live")[1]
    revoked_row, revoked = token_create(user=team.viewer, name="revoked")
    AuthToken.objects.filter(pk=revoked_row.pk).update(revoked_at=timezone.now())
    expired_row, expired = token_create(user=team.viewer, name="expired")
    AuthToken.objects.filter(pk=expired_row.pk).update(expires_at=timezone.now())

    assert async_to_sync(user_for_token)(live) == team.viewer
    for key in (revoked, expired, "not-a-token"):
        assert isinstance(async_to_sync(user_for_token)(key), AnonymousUser)


def test_the_migration_carries_over_keys_of_the_old_tokens(team: Team) -> None:
    migration = importlib.import_module("backend.workspaces.migrations.0002_auth_tokens")
    old_key = "0123456789abcdef0123456789abcdef01234567"
    with connection.cursor() as cursor:  # the old table, inside this test's transaction
        cursor.execute(
            "CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY, user_id integer,"
            " created timestamptz)"
        )
        cursor.execute(
            "INSERT INTO authtoken_token VALUES (%s, %s, now())", [old_key, team.editor.pk]
        )

    migration.import_legacy_tokens(apps, connection.schema_editor())

    assert with_key(old_key).get(ME_URL).json()["username"] == "editor"
    stored = AuthToken.objects.get(user=team.editor)
    assert old_key not in json.dumps(list(AuthToken.objects.values()), default=str)
    assert stored.expires_at > timezone.now() + timedelta(days=1)
