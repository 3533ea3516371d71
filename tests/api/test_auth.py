"""Signing in: API tokens, sessions with CSRF, and no password ever in a response.

These tests keep Django's real password hasher (PBKDF2), so that "no hash in any response" is
checked against what a hash really looks like.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from backend.workspaces.models import AuthToken, Workspace
from backend.workspaces.tokens import key_hash
from tests.conftest import Team
from tests.factories import PASSWORD, PipelineFactory, UserFactory

TOKEN_URL = "/api/v1/auth/token/"
LOGIN_URL = "/api/v1/auth/login/"
LOGOUT_URL = "/api/v1/auth/logout/"
ME_URL = "/api/v1/auth/me/"


def assert_json_error(response: Any, status: int) -> dict[str, Any]:
    """The response is `status` with a JSON body carrying a non-empty message."""
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json"), response.content[:200]
    body = response.json()
    assert isinstance(body.get("message"), str) and body["message"].strip()
    return body


def csrf_client() -> APIClient:
    """A browser-like client: CSRF enforced, with the csrftoken cookie from GET auth/me/."""
    client = APIClient(enforce_csrf_checks=True)
    response = client.get(ME_URL)
    assert_json_error(response, 401)
    assert client.cookies["csrftoken"].value
    return client


def csrf_header(client: APIClient) -> dict[str, str]:
    return {"HTTP_X_CSRFTOKEN": client.cookies["csrftoken"].value}


def signed_in(client: APIClient, username: str) -> APIClient:
    response = client.post(
        LOGIN_URL,
        {"username": username, "password": PASSWORD},
        format="json",
        **csrf_header(client),
    )
    assert response.status_code == 200, response.content
    return client


# ---------------------------------------------------------------------------------------- tokens


def test_token_for_username_and_password_authenticates_requests(team: Team) -> None:
    response = APIClient().post(
        TOKEN_URL, {"username": "editor", "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200, response.content
    key = response.json()["token"]
    stored = AuthToken.objects.get(user=team.editor)
    # Only the key's hash is kept, and the answer says which token it is.
    assert stored.key_hash == key_hash(key) and key not in stored.key_hash
    assert response.json()["id"] == stored.pk
    assert response.json()["prefix"] == stored.prefix and key.startswith(stored.prefix)

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    me = client.get(ME_URL)
    assert me.status_code == 200
    assert me.json()["username"] == "editor"
    listed = client.get("/api/v1/workspaces/").json()
    assert [w["slug"] for w in listed["results"]] == [team.workspace.slug]


def test_each_token_request_makes_another_token_and_both_work(team: Team) -> None:
    def ask() -> str:
        return (
            APIClient()
            .post(TOKEN_URL, {"username": "owner", "password": PASSWORD}, format="json")
            .json()["token"]
        )

    first, second = ask(), ask()
    assert first != second
    assert AuthToken.objects.filter(user=team.owner).count() == 2
    for key in (first, second):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        assert client.get(ME_URL).json()["username"] == "owner"


@pytest.mark.parametrize(
    "credentials",
    [
        {"username": "editor", "password": "wrong password"},
        {"username": "editor", "password": PASSWORD.upper()},
        {"username": "nobody", "password": PASSWORD},
    ],
    ids=["wrong-password", "wrong-case", "unknown-user"],
)
@pytest.mark.parametrize("url", [TOKEN_URL, LOGIN_URL])
def test_wrong_credentials_are_refused_with_the_same_message(
    team: Team, url: str, credentials: dict[str, str]
) -> None:
    response = APIClient().post(url, credentials, format="json")
    body = assert_json_error(response, 400)
    assert body["code"] == "invalid_credentials"
    assert body["field"] == "password"
    # The same answer for a wrong password and an unknown user: no probing for usernames.
    assert body["message"] == "wrong username or password"
    assert "token" not in body
    assert credentials["password"] not in response.content.decode()
    assert not AuthToken.objects.exists()
    assert "sessionid" not in response.cookies


def test_inactive_user_cannot_get_a_token(team: Team) -> None:
    get_user_model().objects.filter(pk=team.editor.pk).update(is_active=False)
    response = APIClient().post(
        TOKEN_URL, {"username": "editor", "password": PASSWORD}, format="json"
    )
    assert assert_json_error(response, 400)["code"] == "invalid_credentials"
    assert not AuthToken.objects.exists()


@pytest.mark.parametrize(
    ("payload", "field"),
    [({"username": "editor"}, "password"), ({"password": PASSWORD}, "username")],
)
def test_token_request_missing_a_field_names_it(
    team: Team, payload: dict[str, str], field: str
) -> None:
    body = assert_json_error(APIClient().post(TOKEN_URL, payload, format="json"), 400)
    assert body["field"] == field


@pytest.mark.parametrize(
    "header",
    ["Token not-a-real-key", "Token", "Token a b", "Bearer something"],
)
def test_bad_authorization_header_is_401_json(team: Team, header: str) -> None:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    response = client.get("/api/v1/workspaces/")
    if header.startswith("Bearer"):
        # Not our scheme: treated as no credentials at all.
        body = assert_json_error(response, 401)
        assert body["code"] == "not_authenticated"
    else:
        body = assert_json_error(response, 401)
        assert body["code"] == "authentication_failed"
    assert "Authorization: Token" in body["message"]


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/api/v1/workspaces/"),
        ("post", "/api/v1/workspaces/"),
        ("get", "/api/v1/blocks/"),
        ("post", LOGOUT_URL),
        ("get", ME_URL),
    ],
)
def test_anonymous_gets_401_json(method: str, url: str, db: None) -> None:
    response = getattr(APIClient(), method)(url, {"name": "x"}, format="json")
    assert_json_error(response, 401)
    assert not Workspace.objects.exists()


# -------------------------------------------------------------------------------------- sessions


def test_session_login_sets_a_session_and_me_answers(team: Team) -> None:
    client = csrf_client()
    response = client.post(
        LOGIN_URL,
        {"username": "viewer", "password": PASSWORD},
        format="json",
        **csrf_header(client),
    )
    assert response.status_code == 200, response.content
    assert response.json()["username"] == "viewer"
    assert response.cookies["sessionid"].value
    me = client.get(ME_URL)
    assert me.status_code == 200
    assert me.json()["username"] == "viewer"
    workspaces = client.get("/api/v1/workspaces/")
    assert workspaces.status_code == 200
    assert workspaces.json()["results"][0]["role"] == "viewer"


@pytest.mark.parametrize("token", [None, "x" * 32, "forged-token-of-the-wrong-length"])
def test_session_login_without_a_valid_csrf_token_is_refused(team: Team, token: str | None) -> None:
    client = csrf_client()
    headers = {} if token is None else {"HTTP_X_CSRFTOKEN": token}
    response = client.post(
        LOGIN_URL, {"username": "viewer", "password": PASSWORD}, format="json", **headers
    )
    body = assert_json_error(response, 403)
    assert "CSRF" in body["message"]
    assert "sessionid" not in response.cookies
    assert_json_error(client.get(ME_URL), 401)


def test_session_login_without_the_csrf_cookie_is_refused(team: Team) -> None:
    client = APIClient(enforce_csrf_checks=True)
    response = client.post(
        LOGIN_URL,
        {"username": "viewer", "password": PASSWORD},
        format="json",
        HTTP_X_CSRFTOKEN="x" * 32,
    )
    body = assert_json_error(response, 403)
    assert "CSRF" in body["message"]


def test_session_write_needs_the_csrf_header(team: Team) -> None:
    client = signed_in(csrf_client(), "editor")
    refused = client.post("/api/v1/workspaces/", {"name": "Via session"}, format="json")
    body = assert_json_error(refused, 403)
    assert "CSRF" in body["message"]
    assert not Workspace.objects.filter(name="Via session").exists()

    accepted = client.post(
        "/api/v1/workspaces/", {"name": "Via session"}, format="json", **csrf_header(client)
    )
    assert accepted.status_code == 201, accepted.content
    assert Workspace.objects.filter(name="Via session").exists()


def test_session_reads_need_no_csrf_header(team: Team) -> None:
    client = signed_in(csrf_client(), "viewer")
    assert client.get(team.url("members/")).status_code == 200


def test_token_requests_need_no_csrf(team: Team) -> None:
    client = APIClient(enforce_csrf_checks=True)
    key = client.post(
        TOKEN_URL, {"username": "editor", "password": PASSWORD}, format="json"
    ).json()["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    response = client.post("/api/v1/workspaces/", {"name": "Via token"}, format="json")
    assert response.status_code == 201, response.content


def test_logout_needs_csrf_and_ends_the_session(team: Team) -> None:
    client = signed_in(csrf_client(), "editor")
    assert_json_error(client.post(LOGOUT_URL), 403)
    assert client.get(ME_URL).status_code == 200
    response = client.post(LOGOUT_URL, **csrf_header(client))
    assert response.status_code == 204
    assert_json_error(client.get(ME_URL), 401)


# ------------------------------------------------------------------------------------- passwords


def _keys(value: Any) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in _keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in _keys(v)}
    return set()


def _token(team: Team) -> Any:
    return APIClient().post(TOKEN_URL, {"username": "owner", "password": PASSWORD}, format="json")


def _login(team: Team) -> Any:
    client = csrf_client()
    return client.post(
        LOGIN_URL,
        {"username": "owner", "password": PASSWORD},
        format="json",
        **csrf_header(client),
    )


def _member_add(team: Team) -> Any:
    UserFactory(username="newbie")
    return team.client("owner").post(
        team.url("members/"),
        {"username": "newbie", "role": "viewer", "password": PASSWORD},
        format="json",
    )


def _dataset_upload(team: Team) -> Any:
    upload = SimpleUploadedFile("d.csv", b"a,b\n1,2\n", content_type="text/csv")
    return team.client("owner").post(team.url("datasets/"), {"file": upload}, format="multipart")


def _pipeline(team: Team) -> Any:
    pipeline = PipelineFactory(workspace=team.workspace, created_by=team.owner)
    return team.client("viewer").get(team.url(f"pipelines/{pipeline.pk}/"))


RESPONSES: dict[str, Callable[[Team], Any]] = {
    "auth-token": _token,
    "auth-login": _login,
    "auth-me": lambda team: team.client("owner").get(ME_URL),
    "workspace-list": lambda team: team.client("owner").get("/api/v1/workspaces/"),
    "workspace-detail": lambda team: team.client("owner").get(team.url()),
    "workspace-create": lambda team: team.client("owner").post(
        "/api/v1/workspaces/", {"name": "New"}, format="json"
    ),
    "member-list": lambda team: team.client("viewer").get(team.url("members/")),
    "member-add": _member_add,
    "member-change": lambda team: team.client("owner").patch(
        team.url("members/viewer/"), {"role": "editor"}, format="json"
    ),
    "dataset-upload": _dataset_upload,
    "pipeline-detail": _pipeline,
}


@pytest.mark.parametrize("name", RESPONSES)
def test_no_password_or_hash_in_any_response(team: Team, name: str) -> None:
    # The stored hashes really are PBKDF2, so looking for "pbkdf2" below means something.
    assert team.owner.password.startswith("pbkdf2_")
    response = RESPONSES[name](team)
    assert 200 <= response.status_code < 300, response.content
    text = response.content.decode()
    assert PASSWORD not in text
    assert "pbkdf2" not in text.lower()
    assert "password" not in _keys(json.loads(text))
