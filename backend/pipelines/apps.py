"""Django app config for pipelines."""

from django.apps import AppConfig


class PipelinesConfig(AppConfig):
    """Datasets, pipelines, versions, runs and their records, registered models."""

    name = "backend.pipelines"
    label = "pipelines"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        """Load the block catalogue, with any plugin modules named in BLOCK_PLUGINS."""
        import importlib

        from django.conf import settings

        import backend.blocks  # noqa: F401  (registers the built-in blocks)

        for module in settings.BLOCK_PLUGINS:
            importlib.import_module(module)
