"""What every domain's endpoints share: the workspace-scoped base view, the error format,
pagination, upload limits and WebSocket token authentication."""
