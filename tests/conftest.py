"""Shared fixtures: users with roles in a workspace, and API clients for them.

The database and Redis are real: `make test` points DATABASE_URL and REDIS_URL at servers on
127.0.0.1 or at embedded ones (backend/devservices.py); pytest-django creates a test database.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pytest
import redis
from django.conf import settings as django_settings
from rest_framework.test import APIClient

from backend.workspaces.models import Role, Workspace
from backend.workspaces.tokens import token_create
from tests.factories import MembershipFactory, UserFactory, WorkspaceFactory


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix: None) -> None:
    """A test database per pytest process, so that concurrent runs never drop each other's."""
    from django.conf import settings

    test = settings.DATABASES["default"].setdefault("TEST", {})
    base = test.get("NAME") or f"test_{settings.DATABASES['default']['NAME']}"
    test["NAME"] = f"{base}_{os.getpid()}"


@pytest.fixture(autouse=True)
def artifact_root(settings: pytest.FixtureRequest, tmp_path: Path) -> Path:
    """Every test gets its own artifact store folder."""
    root = tmp_path / "artifacts"
    settings.ARTIFACT_ROOT = root
    return root


@pytest.fixture(autouse=True)
def throttle_counters_cleared() -> None:
    """Every test starts with no failed sign-ins or predict calls counted (the counters live
    in the shared Redis cache; a flush would take Celery's and Channels' keys with them)."""
    prefix = django_settings.CACHES["default"].get("KEY_PREFIX", "")
    client = redis.Redis.from_url(django_settings.CACHES["default"]["LOCATION"])
    try:
        stale = list(client.scan_iter(match=f"{prefix}:*throttle_*", count=1000))
        if stale:
            client.delete(*stale)
    finally:
        client.close()


def api_token(user: object) -> str:
    """The key of a new API token of `user`."""
    return token_create(user=user, name="test")[1]  # type: ignore[arg-type]


def token_client(user: object | None) -> APIClient:
    """An API client that authenticates with a token of `user` (anonymous when None)."""
    client = APIClient()
    if user is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Token {api_token(user)}")
    return client


@dataclass
class Team:
    """A workspace with one user per role, an outsider, and a client for each."""

    workspace: Workspace
    owner: object
    editor: object
    viewer: object
    outsider: object

    def client(self, who: str) -> APIClient:
        """A token-authenticated client for 'owner', 'editor', 'viewer', 'outsider' or 'anon'."""
        return token_client(None if who == "anon" else getattr(self, who))

    def url(self, path: str = "") -> str:
        """An API URL under this workspace."""
        return f"/api/v1/workspaces/{self.workspace.slug}/{path}"


@pytest.fixture
def team(db: None) -> Team:
    """A workspace with an owner, an editor and a viewer, plus a user who is not a member."""
    workspace = WorkspaceFactory()
    members = {
        role: MembershipFactory(
            workspace=workspace, role=role, user=UserFactory(username=role)
        ).user
        for role in (Role.OWNER, Role.EDITOR, Role.VIEWER)
    }
    outsider = UserFactory(username="outsider")
    # The outsider has a workspace of their own, so 404s are not just "no memberships at all".
    MembershipFactory(workspace=WorkspaceFactory(name="Elsewhere"), user=outsider, role=Role.OWNER)
    return Team(
        workspace=workspace,
        owner=members[Role.OWNER],
        editor=members[Role.EDITOR],
        viewer=members[Role.VIEWER],
        outsider=outsider,
    )
