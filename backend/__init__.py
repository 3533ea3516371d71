"""Tributary: a web-based no-code designer for machine-learning pipelines."""

from workers.celery import app as celery_app

__all__ = ["celery_app"]
