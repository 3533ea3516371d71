"""Admin for workspaces and memberships."""

from django.contrib import admin

from backend.workspaces.models import Membership, Workspace


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
