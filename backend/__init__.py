"""Tributary: a web-based no-code designer for machine-learning pipelines."""
