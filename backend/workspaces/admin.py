"""Admin for workspaces, memberships and API tokens; its login throttled like the API's."""

from django.contrib import admin

from backend.api.throttling import throttle_sign_ins
from backend.workspaces.models import AuthToken, Membership, Workspace

# The admin's password form is counted with the same failed sign-ins as POST auth/token/ and
# auth/login/, so that it is no side door for guessing. AdminSite.get_urls routes `self.login`,
# and this module is imported (admin autodiscovery) before the URLs are built.
admin.site.login = throttle_sign_ins(admin.site.login)  # type: ignore[method-assign]


class MembershipInline(admin.TabularInline):
    """Members edited on the workspace page."""

    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Workspace)
class WorkspaceAdmin(admin.ModelAdmin):
    """Workspaces with their member count."""

    list_display = ["name", "slug", "member_count", "created_by", "created_at"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["created_at"]
    inlines = [MembershipInline]

    @admin.display(description="members")
    def member_count(self, workspace: Workspace) -> int:
        return workspace.memberships.count()


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    """Who is in which workspace with which role."""

    list_display = ["user", "workspace", "role", "created_at"]
    list_filter = ["role", "workspace"]
    search_fields = ["user__username", "workspace__name", "workspace__slug"]
    autocomplete_fields = ["user", "workspace"]


@admin.register(AuthToken)
class AuthTokenAdmin(admin.ModelAdmin):
    """Users' API tokens: who has which, until when; never their keys (only hashes are kept)."""

    list_display = [
        "name",
        "prefix",
        "user",
        "created_at",
        "last_used_at",
        "expires_at",
        "revoked_at",
    ]
    list_filter = ["revoked_at"]
    search_fields = ["user__username", "name", "prefix"]
    readonly_fields = ["user", "prefix", "key_hash", "created_at", "last_used_at"]
    fields = [
        "user",
        "name",
        "prefix",
        "key_hash",
        "created_at",
        "last_used_at",
        "expires_at",
        "revoked_at",
    ]

    def has_add_permission(self, request: object) -> bool:
        # A key is made by the user who will hold it (POST auth/tokens/), and shown to them once.
        return False
