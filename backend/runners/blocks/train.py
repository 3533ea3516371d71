"""Train blocks: fit a model on a table."""
