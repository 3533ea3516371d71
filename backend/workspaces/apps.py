"""Django app config for workspaces."""

from django.apps import AppConfig


class WorkspacesConfig(AppConfig):
    """Teams, their members and roles."""

    name = "backend.workspaces"
    label = "workspaces"
    default_auto_field = "django.db.models.BigAutoField"
