"""Writes to workspaces and memberships."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import QuerySet
from django.utils.text import slugify

from backend.errors import ConflictError, NotFoundError, UserError
from backend.workspaces.models import Membership, Role, Workspace


def _unique_slug(name: str) -> str:
    base = slugify(name)[:50] or "workspace"
    slug, n = base, 1
    while Workspace.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def _check_name_free(
    name: str, members: list[AbstractBaseUser] | QuerySet[Any], exclude: Workspace | None = None
) -> None:
    """Refuse a name that a workspace of one of `members` (users or a user query) already has:
    the switcher lists workspaces by name, and two alike could not be told apart."""
    same = Workspace.objects.filter(name__iexact=name, memberships__user__in=members)
    if exclude is not None:
        same = same.exclude(pk=exclude.pk)
    taken = same.first()
    if taken is not None:
        raise ConflictError(
            f"a workspace named '{taken.name}' (/{taken.slug}) is already in your workspaces; "
            "choose another name",
            field="name",
        )


@transaction.atomic
def workspace_create(*, name: str, owner: AbstractBaseUser, slug: str | None = None) -> Workspace:
    """Create a workspace with `owner` as its first owner."""
    name = name.strip()
    if not name:
        raise UserError("name must not be blank", field="name")
    if slug:
        if slugify(slug) != slug:
            raise UserError(
                "slug may contain only lowercase letters, digits, '-' and '_'", field="slug"
            )
        if Workspace.objects.filter(slug=slug).exists():
            raise ConflictError(f"workspace slug '{slug}' is taken; choose another", field="slug")
    _check_name_free(name, [owner])
    workspace = Workspace.objects.create(
        name=name, slug=slug or _unique_slug(name), created_by=owner
    )
    Membership.objects.create(workspace=workspace, user=owner, role=Role.OWNER)
    return workspace


def workspace_update(*, workspace: Workspace, name: str) -> Workspace:
    """Rename a workspace (its slug stays: URLs keep working)."""
    if not name.strip():
        raise UserError("name must not be blank", field="name")
    members = Membership.objects.filter(workspace=workspace).values("user")
    _check_name_free(name.strip(), members, exclude=workspace)
    workspace.name = name.strip()
    workspace.save(update_fields=["name"])
    return workspace


def workspace_delete(*, workspace: Workspace) -> None:
    """Delete a workspace and everything in it."""
    workspace.delete()


def _check_role(role: str) -> Role:
    try:
        return Role(role)
    except ValueError:
        choices = ", ".join(Role.values)
        raise UserError(f"role must be one of: {choices}", field="role") from None


def _check_not_last_owner(membership: Membership) -> None:
    others = Membership.objects.filter(
        workspace_id=membership.workspace_id, role=Role.OWNER
    ).exclude(pk=membership.pk)
    if membership.role == Role.OWNER and not others.exists():
        raise ConflictError(
            "a workspace needs at least one owner; make someone else owner first", field="role"
        )


@transaction.atomic
def member_add(*, workspace: Workspace, username: str, role: str) -> Membership:
    """Give user `username` a role in `workspace`."""
    checked = _check_role(role)
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise NotFoundError(f"no user named '{username}'", field="username")
    if Membership.objects.filter(workspace=workspace, user=user).exists():
        raise ConflictError(
            f"'{username}' is already a member; change their role instead", field="username"
        )
    return Membership.objects.create(workspace=workspace, user=user, role=checked)


@transaction.atomic
def member_change_role(*, membership: Membership, role: str) -> Membership:
    """Change a member's role; the last owner cannot be demoted."""
    checked = _check_role(role)
    locked = Membership.objects.select_for_update().get(pk=membership.pk)
    if checked != Role.OWNER:
        # Lock every owner row so two concurrent demotions cannot both pass the check.
        list(
            Membership.objects.select_for_update().filter(
                workspace_id=locked.workspace_id, role=Role.OWNER
            )
        )
        _check_not_last_owner(locked)
    locked.role = checked
    locked.save(update_fields=["role"])
    return locked


@transaction.atomic
def member_remove(*, membership: Membership) -> None:
    """Remove a member; the last owner cannot be removed."""
    list(
        Membership.objects.select_for_update().filter(
            workspace_id=membership.workspace_id, role=Role.OWNER
        )
    )
    _check_not_last_owner(membership)
    membership.delete()
