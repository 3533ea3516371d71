"""Workspaces (teams) and who belongs to them with which role."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Workspace(models.Model):
    """A team's space; every dataset, pipeline, run and model belongs to exactly one."""

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    """What a member may do: viewers read, editors edit and run, owners manage the team."""

    OWNER = "owner", "Owner"
    EDITOR = "editor", "Editor"
    VIEWER = "viewer", "Viewer"


ROLE_RANK = {Role.VIEWER: 0, Role.EDITOR: 1, Role.OWNER: 2}


class Membership(models.Model):
    """A user's role in a workspace."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.VIEWER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["workspace", "user__username"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "user"], name="unique_member_per_workspace"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.workspace} ({self.role})"

    def allows(self, role: str) -> bool:
        """Whether this membership's role is at least `role`."""
        return ROLE_RANK[Role(self.role)] >= ROLE_RANK[Role(role)]


class AuthToken(models.Model):
    """An API token a user sends as ``Authorization: Token <key>``.

    A user has as many as they create (one per script, machine or sign-in), each with a label.
    Only the sha256 of the key is kept: the key is shown once, when it is made. A token stops
    working when it expires (``TOKEN_TTL_HOURS`` after creation unless asked for sooner) or is
    revoked (by its owner, or by logging out with it).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="auth_tokens"
    )
    name = models.CharField(max_length=100)
    #: The key's public start, shown in lists so that its owner can tell tokens apart.
    prefix = models.CharField(max_length=16)
    #: sha256 of the whole key, which is how a request's key is found. Keys carry 256 random
    #: bits, so a slow hash would only add latency to every request.
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    #: Updated at most once a minute, so that a busy token does not write on every request.
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "-created_at"])]
        verbose_name = "API token"

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}...) of {self.user}"
