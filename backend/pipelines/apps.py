"""Django app config for pipelines."""

from django.apps import AppConfig


class PipelinesConfig(AppConfig):
    """Datasets, pipelines, versions, runs and their records, registered models."""

    name = "backend.pipelines"
    label = "pipelines"
    default_auto_field = "django.db.models.BigAutoField"
