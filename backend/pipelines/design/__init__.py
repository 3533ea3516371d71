"""Pipeline design: pipelines, their draft graph, validation against the workspace, versions,
and the block catalogue."""
