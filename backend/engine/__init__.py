"""The engine: executes pipeline versions on Celery workers. It knows the models and the blocks,
never a service, selector or view of the web side (docs/architecture.md)."""
