"""Evaluate blocks: score a model on a held-out table; metrics and figures."""
