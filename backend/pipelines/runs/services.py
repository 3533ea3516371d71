"""Starting and cancelling runs.

A run of the draft snapshots it as a version (or reuses the latest, when unchanged), validates
that version once against the workspace, and hands the validated plan to the engine, all in one
transaction: an invalid draft leaves neither a version nor a run behind.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from backend.engine import runs as engine_runs
from backend.engine.plan import plan_run
from backend.pipelines.design.selectors import version_get
from backend.pipelines.design.services import graph_check, version_snapshot
from backend.pipelines.models import Pipeline, Run


@transaction.atomic
def run_start(
    *,
    pipeline: Pipeline,
    user: AbstractBaseUser | None,
    version_number: int | None = None,
    use_cache: bool = True,
    from_node: str | None = None,
    parameters: dict[str, Any] | None = None,
) -> Run:
    """Run version `version_number` of `pipeline`, or a snapshot of its draft when None.

    ``from_node`` re-runs that node and everything downstream and reuses the rest;
    ``use_cache=False`` runs every step.
    """
    if version_number is None:
        version = version_snapshot(pipeline=pipeline, user=user)
    else:
        version = version_get(pipeline=pipeline, number=version_number)
    graph = graph_check(workspace=pipeline.workspace, graph=version.graph)
    plan = plan_run(
        version=version,
        graph=graph,
        use_cache=use_cache,
        from_node=from_node,
        parameters=parameters,
    )
    return engine_runs.run_launch(plan=plan, user=user)


def run_cancel(*, run: Run) -> Run:
    """Stop a run: queued and pending steps at once, running ones at their next check."""
    return engine_runs.run_cancel(run=run)
