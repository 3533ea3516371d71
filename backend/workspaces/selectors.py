"""Reads of workspaces and memberships, with the permission check built in."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet
from rest_framework.exceptions import PermissionDenied

from backend.errors import NotFoundError
from backend.workspaces.models import Membership, Role, Workspace

User = AbstractBaseUser | AnonymousUser


def workspace_list(*, user: User) -> QuerySet[Workspace]:
    """The workspaces `user` is a member of."""
    if not user.is_authenticated:
        return Workspace.objects.none()
    return Workspace.objects.filter(memberships__user=user).distinct()


def membership_get(*, user: User, workspace: Workspace) -> Membership | None:
    """`user`'s membership of `workspace`, or None."""
    if not user.is_authenticated:
        return None
    return Membership.objects.filter(workspace=workspace, user=user).first()


def access_workspace(*, user: User, slug: str, role: str = Role.VIEWER) -> Workspace:
    """The workspace `slug` if `user` is a member with at least `role`.

    Not a member (or no such workspace): 404, so that outsiders cannot probe which workspaces
    exist. A member whose role is too low: 403 with the role needed.
    """
    membership = None
    if user.is_authenticated:
        membership = (
            Membership.objects.select_related("workspace")
            .filter(workspace__slug=slug, user=user)
            .first()
        )
    if membership is None:
        raise NotFoundError(f"workspace '{slug}' not found", field="workspace")
    if not membership.allows(role):
        raise PermissionDenied(
            f"this needs the {role} role in workspace '{slug}'; you are {membership.role}"
        )
    workspace = membership.workspace
    workspace.current_role = membership.role  # type: ignore[attr-defined]
    return workspace


def member_list(*, workspace: Workspace) -> QuerySet[Membership]:
    """The memberships of `workspace` with their users."""
    return (
        Membership.objects.filter(workspace=workspace)
        .select_related("user")
        .order_by("user__username")
    )
