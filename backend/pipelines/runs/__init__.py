"""Runs: starting and cancelling them, their records (logs, metrics, artifacts), and the live
streams that follow them."""
