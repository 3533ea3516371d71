"""Publish blocks: register a trained model in the workspace's registry."""
