"""Django app config for pipelines."""

from django.apps import AppConfig


class PipelinesConfig(AppConfig):
    """Datasets, pipelines, versions, runs and their records, registered models."""

    name = "backend.pipelines"
    label = "pipelines"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        """Load the block catalogue, with any plugin modules named in BLOCK_PLUGINS, and install
        the model registry as what a block's ``ctx.register_model`` calls."""
        import importlib

        from django.conf import settings

        import backend.blocks  # noqa: F401  (registers the built-in blocks)
        from backend.engine.runtime.context import set_model_registrar
        from backend.pipelines.registry.services import model_version_register

        set_model_registrar(model_version_register)

        for module in settings.BLOCK_PLUGINS:
            importlib.import_module(module)
