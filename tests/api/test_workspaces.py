"""Workspaces and members: listing, creating, renaming, deleting, and managing roles."""

from __future__ import annotations

from typing import Any

import pytest

from backend.pipelines.models import (
    Artifact,
    Dataset,
    ModelVersion,
    Pipeline,
    PipelineVersion,
    Run,
    StepRun,
)
from backend.workspaces.models import Membership, Role, Workspace
from tests.conftest import Team, token_client
from tests.factories import (
    MembershipFactory,
    PipelineFactory,
    PipelineVersionFactory,
    UserFactory,
    WorkspaceFactory,
)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: Any) -> None:
    """Users are made by the dozen here; real PBKDF2 is for tests/api/test_auth.py."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def role_of(team: Team, username: str) -> str | None:
    membership = Membership.objects.filter(
        workspace=team.workspace, user__username=username
    ).first()
    return membership.role if membership else None


def test_list_shows_only_my_workspaces_with_my_role(team: Team) -> None:
    response = team.client("viewer").get("/api/v1/workspaces/")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    assert [(w["slug"], w["role"]) for w in body["results"]] == [(team.workspace.slug, "viewer")]
    outsider = team.client("outsider").get("/api/v1/workspaces/").json()
    assert [w["name"] for w in outsider["results"]] == ["Elsewhere"]


def test_list_is_paginated(team: Team) -> None:
    for n in range(3):
        MembershipFactory(workspace=WorkspaceFactory(name=f"Extra {n}"), user=team.editor)
    page = team.client("editor").get("/api/v1/workspaces/?page_size=2").json()
    assert page["count"] == 4
    assert len(page["results"]) == 2
    assert page["previous"] is None and "page=2" in page["next"]
    last = team.client("editor").get(page["next"]).json()
    assert len(last["results"]) == 2 and last["next"] is None


def test_create_makes_the_caller_owner(team: Team) -> None:
    response = team.client("outsider").post(
        "/api/v1/workspaces/", {"name": "  Fraud Team  "}, format="json"
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["name"] == "Fraud Team"
    assert body["slug"] == "fraud-team"
    assert body["role"] == "owner"
    workspace = Workspace.objects.get(slug="fraud-team")
    assert list(workspace.memberships.values_list("user__username", "role")) == [
        ("outsider", "owner")
    ]


def test_create_with_a_slug_that_exists_gets_a_numbered_one(team: Team) -> None:
    WorkspaceFactory(name="x", slug="fraud")
    response = team.client("owner").post("/api/v1/workspaces/", {"name": "Fraud"}, format="json")
    assert response.status_code == 201
    assert response.json()["slug"] == "fraud-2"


@pytest.mark.parametrize(
    ("payload", "status", "field"),
    [
        ({"name": "   "}, 400, "name"),
        ({}, 400, "name"),
        ({"name": "x" * 121}, 400, "name"),
        ({"name": "Taken", "slug": "taken"}, 409, "slug"),
        ({"name": "Caps", "slug": "Has-Caps"}, 400, "slug"),
        ({"name": "Spaces", "slug": "has spaces"}, 400, "slug"),
    ],
)
def test_create_refuses_bad_input(
    team: Team, payload: dict[str, Any], status: int, field: str
) -> None:
    WorkspaceFactory(name="Taken", slug="taken")
    before = Workspace.objects.count()
    response = team.client("owner").post("/api/v1/workspaces/", payload, format="json")
    assert response.status_code == status, response.json()
    body = response.json()
    assert body["field"] == field
    assert body["message"]
    assert Workspace.objects.count() == before


def test_a_name_already_in_my_workspaces_is_refused_on_create_and_rename(team: Team) -> None:
    owner = team.client("owner")
    response = owner.post(
        "/api/v1/workspaces/", {"name": team.workspace.name.upper()}, format="json"
    )
    assert response.status_code == 409, response.json()
    assert response.json()["field"] == "name"
    assert team.workspace.slug in response.json()["message"]

    other = owner.post("/api/v1/workspaces/", {"name": "Other"}, format="json").json()
    renamed = owner.patch(
        f"/api/v1/workspaces/{other['slug']}/", {"name": team.workspace.name}, format="json"
    )
    assert renamed.status_code == 409 and renamed.json()["field"] == "name"
    assert Workspace.objects.get(slug=other["slug"]).name == "Other"
    # Someone with no workspace of that name may use it; renaming to its own name is no change.
    assert (
        team.client("outsider")
        .post("/api/v1/workspaces/", {"name": team.workspace.name}, format="json")
        .status_code
        == 201
    )
    assert owner.patch(team.url(), {"name": team.workspace.name}, format="json").status_code == 200


def test_owner_renames_workspace_and_slug_stays(team: Team) -> None:
    slug = team.workspace.slug
    response = team.client("owner").patch(team.url(), {"name": "Renamed"}, format="json")
    assert response.status_code == 200
    assert response.json()["name"] == "Renamed"
    assert response.json()["slug"] == slug
    team.workspace.refresh_from_db()
    assert (team.workspace.name, team.workspace.slug) == ("Renamed", slug)


def test_rename_to_blank_is_refused(team: Team) -> None:
    name = team.workspace.name
    response = team.client("owner").patch(team.url(), {"name": " "}, format="json")
    assert response.status_code == 400
    assert response.json()["field"] == "name"
    team.workspace.refresh_from_db()
    assert team.workspace.name == name


def test_owner_deletes_workspace_with_everything_in_it(team: Team) -> None:
    pipeline = PipelineFactory(workspace=team.workspace)
    version = PipelineVersionFactory(pipeline=pipeline, number=1)
    run = Run.objects.create(workspace=team.workspace, pipeline=pipeline, version=version)
    step = StepRun.objects.create(run=run, node_id="iris", block_key="ingest.sample")
    artifact = Artifact.objects.create(
        workspace=team.workspace, step=step, port="model", kind="model", digest="0" * 64
    )
    ModelVersion.objects.create(
        workspace=team.workspace, name="churn", version=1, artifact=artifact, run=run
    )
    response = team.client("owner").delete(team.url())
    assert response.status_code == 204
    assert not Workspace.objects.filter(pk=team.workspace.pk).exists()
    for model in (Pipeline, PipelineVersion, Run, StepRun, Artifact, ModelVersion, Dataset):
        assert not model.objects.exists(), model.__name__
    # The other workspace is untouched.
    assert Workspace.objects.filter(name="Elsewhere").exists()


@pytest.mark.parametrize("role", ["owner", "editor", "viewer"])
def test_any_member_lists_members_without_secrets(team: Team, role: str) -> None:
    response = team.client(role).get(team.url("members/"))
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3
    assert [(m["user"]["username"], m["role"]) for m in body["results"]] == [
        ("editor", "editor"),
        ("owner", "owner"),
        ("viewer", "viewer"),
    ]
    assert all("password" not in m["user"] for m in body["results"])


def test_owner_adds_a_member(team: Team) -> None:
    UserFactory(username="newbie")
    response = team.client("owner").post(
        team.url("members/"), {"username": "newbie", "role": "editor"}, format="json"
    )
    assert response.status_code == 201, response.json()
    assert response.json()["user"]["username"] == "newbie"
    assert response.json()["role"] == "editor"
    assert role_of(team, "newbie") == "editor"
    # The new member sees the workspace now.
    listed = token_client(UserFactory(username="newbie")).get("/api/v1/workspaces/").json()
    assert team.workspace.slug in [w["slug"] for w in listed["results"]]


@pytest.mark.parametrize(
    ("payload", "status", "field"),
    [
        ({"username": "nobody", "role": "viewer"}, 404, "username"),
        ({"username": "viewer", "role": "editor"}, 409, "username"),
        ({"username": "newbie", "role": "admin"}, 400, "role"),
        ({"username": "newbie"}, 400, "role"),
        ({"role": "viewer"}, 400, "username"),
    ],
)
def test_add_member_refuses_bad_input(
    team: Team, payload: dict[str, Any], status: int, field: str
) -> None:
    UserFactory(username="newbie")
    before = sorted(Membership.objects.values_list("workspace_id", "user_id", "role"))
    response = team.client("owner").post(team.url("members/"), payload, format="json")
    assert response.status_code == status, response.json()
    assert response.json()["field"] == field
    assert response.json()["message"]
    assert sorted(Membership.objects.values_list("workspace_id", "user_id", "role")) == before


def test_owner_changes_a_role(team: Team) -> None:
    response = team.client("owner").patch(
        team.url("members/viewer/"), {"role": "editor"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["role"] == "editor"
    assert role_of(team, "viewer") == "editor"


def test_change_role_refuses_unknown_role_and_unknown_member(team: Team) -> None:
    client = team.client("owner")
    bad_role = client.patch(team.url("members/viewer/"), {"role": "king"}, format="json")
    assert bad_role.status_code == 400
    assert bad_role.json()["field"] == "role"
    not_member = client.patch(team.url("members/outsider/"), {"role": "editor"}, format="json")
    assert not_member.status_code == 404
    assert not_member.json()["field"] == "username"
    assert role_of(team, "viewer") == "viewer"
    assert role_of(team, "outsider") is None


def test_owner_removes_a_member(team: Team) -> None:
    response = team.client("owner").delete(team.url("members/editor/"))
    assert response.status_code == 204
    assert role_of(team, "editor") is None
    assert team.client("editor").get(team.url()).status_code == 404


@pytest.mark.parametrize(
    ("method", "payload"),
    [("patch", {"role": "editor"}), ("patch", {"role": "viewer"}), ("delete", None)],
)
def test_last_owner_cannot_be_demoted_or_removed(
    team: Team, method: str, payload: dict[str, str] | None
) -> None:
    response = getattr(team.client("owner"), method)(
        team.url("members/owner/"), payload, format="json"
    )
    assert response.status_code == 409, response.json()
    body = response.json()
    assert body["field"] == "role"
    assert "at least one owner" in body["message"]
    assert role_of(team, "owner") == "owner"


@pytest.mark.parametrize(
    ("method", "payload", "after"),
    [("patch", {"role": "viewer"}, "viewer"), ("delete", None, None)],
)
def test_an_owner_can_step_down_when_another_owner_remains(
    team: Team, method: str, payload: dict[str, str] | None, after: str | None
) -> None:
    Membership.objects.filter(workspace=team.workspace, user=team.editor).update(role=Role.OWNER)
    response = getattr(team.client("owner"), method)(
        team.url("members/owner/"), payload, format="json"
    )
    assert response.status_code in (200, 204), response.content
    assert role_of(team, "owner") == after
    assert role_of(team, "editor") == "owner"
    # The remaining owner is now the last one.
    last = team.client("editor").delete(team.url("members/editor/"))
    assert last.status_code == 409
    assert role_of(team, "editor") == "owner"
