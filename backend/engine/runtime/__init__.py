"""The step runtime: the context a block runs with, the capture of its logging and warnings,
and the supervisor thread beside it."""
