"""Starting and cancelling runs: a validated plan becomes a run with its steps, and the
steps that are ready are sent.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from backend.blocks import get_block
from backend.engine.events.payloads import run_status_event, step_status_event
from backend.engine.events.store import record_events
from backend.engine.graph import topological_order
from backend.engine.plan import RunPlan
from backend.engine.scheduling import advance, finish_if_done
from backend.errors import ConflictError
from backend.pipelines.models import (
    Run,
    StepRun,
    StepStatus,
)


@transaction.atomic
def run_launch(*, plan: RunPlan, user: AbstractBaseUser | None) -> Run:
    """Create the run of `plan` with one pending step per node, and send the ready ones."""
    version = plan.version
    run = Run.objects.create(
        workspace_id=version.pipeline.workspace_id,
        pipeline_id=version.pipeline_id,
        version=version,
        created_by=user,
        parameters=plan.run_parameters(),
    )
    steps = []
    for node_id in topological_order(plan.graph):
        block = get_block(plan.graph.node(node_id).block)
        steps.append(
            StepRun(
                run=run,
                node_id=node_id,
                block_key=block.key,
                block_version=block.version,
                queue=block.queue,
                max_attempts=block.retries + 1,
            )
        )
    StepRun.objects.bulk_create(steps)
    run = Run.objects.select_for_update().get(pk=run.pk)
    advance(run, plan.graph, events=[run_status_event(run)])
    return run


@transaction.atomic
def run_cancel(*, run: Run) -> Run:
    """Stop a run: queued and pending steps at once, running ones at their next check."""
    run = Run.objects.select_for_update(of=("self",)).select_related("version").get(pk=run.pk)
    if run.is_finished:
        raise ConflictError(f"run {run.pk} already {run.status}; nothing to cancel", field="run")
    run.cancel_requested = True
    run.save(update_fields=["cancel_requested"])
    now = timezone.now()
    events = []
    for step in run.steps.select_for_update().filter(
        status__in=[StepStatus.PENDING, StepStatus.QUEUED]
    ):
        step.status, step.finished_at = StepStatus.CANCELLED, now
        step.save(update_fields=["status", "finished_at"])
        events.append(step_status_event(step))
    finish_if_done(run, events)
    record_events(run, events)
    return run
