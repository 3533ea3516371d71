"""The model registry: model versions and stages, registration, API keys, predict, batch
scoring, monitoring and drift."""
