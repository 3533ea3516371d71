"""The run state machine: what is ready, what is done, what runs next.

PostgreSQL holds the truth; a Celery message is only a hint to go and look. Every change to a
run's steps happens in a transaction that holds the run's row lock (always taken before any step
row lock), so two finishing steps cannot both dispatch the same successor. There is no polling
scheduler: starting a run sends its ready steps, and each finishing step sends the successors it
made ready, after commit.

Each attempt of a step holds a lease (attempt number as fencing token, heartbeat, deadline). A
worker whose lease was taken over may not write results. The reaper retries a step whose lease
ran out while attempts remain (the cap lives in the database), else fails it.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from backend.blocks import get_block
from backend.engine.artifacts import default_store
from backend.engine.celery import app
from backend.engine.events import (
    copy_step_metrics,
    emit_statuses,
    run_status_event,
    step_status_event,
)
from backend.engine.graph import (
    Graph,
    downstream_of,
    topological_order,
    version_graph,
)
from backend.engine.values_io import StoredValue
from backend.errors import ConflictError, UserError
from backend.pipelines import services as pipeline_services
from backend.pipelines.models import (
    STEP_FINISHED,
    Artifact,
    Pipeline,
    Run,
    RunStatus,
    StepRun,
    StepStatus,
)
from backend.pipelines.selectors import version_get

logger = logging.getLogger(__name__)

FAILED_UPSTREAM = (StepStatus.FAILED, StepStatus.SKIPPED, StepStatus.CANCELLED)
DONE_OK = (StepStatus.SUCCEEDED, StepStatus.CACHED)


def send_step(step: StepRun) -> None:
    """Queue a Celery message for the step's current attempt once the transaction commits."""
    step_id, attempt, queue = step.pk, step.attempt, step.queue

    def send() -> None:
        app.send_task("backend.engine.tasks.execute_step", args=(step_id, attempt), queue=queue)

    transaction.on_commit(send)


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
    """Validate, snapshot the draft when no version is given, create the run and send its
    ready steps. ``from_node`` re-runs that node and everything downstream and reuses the rest.
    """
    if version_number is None:
        version = pipeline_services.version_create(
            pipeline=pipeline,
            user=user,
            message="Snapshot of the draft for a run",
            reuse_unchanged=True,
        )
    else:
        version = version_get(pipeline=pipeline, number=version_number)
    graph = pipeline_services.graph_check(workspace=pipeline.workspace, graph=version.graph)
    node_ids = [node.id for node in graph.nodes]
    forced: list[str] = []
    if from_node is not None:
        if from_node not in node_ids:
            raise UserError(
                f"from_node '{from_node}' is not a node of version {version.number}",
                field="from_node",
                node=from_node,
            )
        forced = sorted({from_node} | downstream_of(graph, from_node))
    run = Run.objects.create(
        workspace=pipeline.workspace,
        pipeline=pipeline,
        version=version,
        created_by=user,
        parameters={
            **(parameters or {}),
            "use_cache": use_cache,
            "from_node": from_node,
            "forced_nodes": forced,
        },
    )
    steps = []
    for node_id in topological_order(graph):
        block = get_block(graph.node(node_id).block)
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
    emit_statuses(run, [run_status_event(run)])
    _advance(run, graph)
    return run


def _config_key(graph: Graph, step: StepRun) -> dict[str, Any]:
    block = get_block(step.block_key)
    config = block.parse_config(graph.node(step.node_id).config)
    return config.model_dump(mode="json")


def _inputs_of(graph: Graph, step: StepRun, by_node: dict[str, StepRun]) -> dict[str, Artifact]:
    """The artifacts wired into `step`, by input port."""
    inputs: dict[str, Artifact] = {}
    for edge in graph.edges:
        if edge.target != step.node_id:
            continue
        source = by_node[edge.source]
        artifact = next((a for a in source.outputs.all() if a.port == edge.source_port), None)
        if artifact is None:
            raise RuntimeError(f"{edge.source} produced no '{edge.source_port}' output")
        inputs[edge.target_port] = artifact
    return inputs


def cache_key(step: StepRun, config: dict[str, Any], inputs: dict[str, Artifact]) -> str:
    """Hash of what determines a step's outputs: block, version, config, input contents."""
    material = {
        "block": step.block_key,
        "version": step.block_version,
        "config": config,
        "inputs": sorted((port, artifact.digest) for port, artifact in inputs.items()),
    }
    canonical = json.dumps(material, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _cache_hit(run: Run, key: str) -> StepRun | None:
    """The latest succeeded step in the workspace with this key whose outputs still exist."""
    store = default_store()
    candidates = (
        StepRun.objects.filter(
            run__workspace_id=run.workspace_id, cache_key=key, status=StepStatus.SUCCEEDED
        )
        .exclude(run=run)
        .prefetch_related("outputs")
        .order_by("-finished_at")[:5]
    )
    for candidate in candidates:
        if all(store.exists(a.digest) for a in candidate.outputs.all()):
            return candidate
    return None


def _use_cache_for(run: Run, node_id: str) -> bool:
    forced = run.parameters.get("forced_nodes") or []
    if run.parameters.get("from_node"):
        return node_id not in forced
    return bool(run.parameters.get("use_cache", True))


def _mark_cached(run: Run, step: StepRun, source: StepRun, now: Any) -> None:
    Artifact.objects.bulk_create(
        Artifact(
            workspace_id=run.workspace_id,
            step=step,
            port=a.port,
            kind=a.kind,
            digest=a.digest,
            size_bytes=a.size_bytes,
            metadata=a.metadata,
        )
        for a in source.outputs.all()
    )
    # Successors read this step's outputs in the same pass: drop the prefetched (empty) list.
    getattr(step, "_prefetched_objects_cache", {}).pop("outputs", None)
    step.status, step.cached_from, step.progress = StepStatus.CACHED, source, 1.0
    step.queued_at = step.started_at = step.finished_at = now
    step.save()
    copy_step_metrics(run=run, step=step, source=source)


def _advance(run: Run, graph: Graph | None = None) -> None:
    """Move pending steps on (skip, cache or queue them) and finish the run when all are done.

    The caller holds the run's row lock.
    """
    graph = graph or version_graph(run.version_id, run.version.graph)
    now = timezone.now()
    events: list[dict[str, Any]] = []
    changed = True
    while changed:  # a cached or skipped step may make its successors ready: go round again
        changed = False
        # No step row locks: every status change happens under the run's lock.
        steps = list(run.steps.prefetch_related("outputs").order_by("id"))
        by_node = {s.node_id: s for s in steps}
        parents: dict[str, list[str]] = {}
        for edge in graph.edges:
            parents.setdefault(edge.target, []).append(edge.source)
        for step in steps:
            if step.status != StepStatus.PENDING:
                continue
            ups = [by_node[p] for p in parents.get(step.node_id, [])]
            bad = next((u for u in ups if u.status in FAILED_UPSTREAM), None)
            if run.cancel_requested:
                step.status, step.finished_at = StepStatus.CANCELLED, now
                step.save(update_fields=["status", "finished_at"])
            elif bad is not None:
                step.status, step.finished_at = StepStatus.SKIPPED, now
                step.error_message = f"skipped: upstream step '{bad.node_id}' {bad.status}"
                step.save(update_fields=["status", "finished_at", "error_message"])
            elif all(u.status in DONE_OK for u in ups):
                _dispatch(run, graph, step, by_node, now)
            else:
                continue
            events.append(step_status_event(step))
            changed = True
    _finish_if_done(run, events, [(s.node_id, s.status, s.error_message) for s in steps])
    emit_statuses(run, events)


def _dispatch(run: Run, graph: Graph, step: StepRun, by_node: dict[str, StepRun], now: Any) -> None:
    inputs = _inputs_of(graph, step, by_node)
    step.cache_key = cache_key(step, _config_key(graph, step), inputs)
    source = _cache_hit(run, step.cache_key) if _use_cache_for(run, step.node_id) else None
    if source is not None:
        _mark_cached(run, step, source, now)
        return
    step.status, step.attempt, step.queued_at = StepStatus.QUEUED, step.attempt + 1, now
    step.save(update_fields=["status", "attempt", "queued_at", "cache_key"])
    send_step(step)


def _finish_if_done(
    run: Run,
    events: list[dict[str, Any]],
    statuses: list[tuple[str, str, str]] | None = None,
) -> None:
    if statuses is None:
        statuses = list(run.steps.values_list("node_id", "status", "error_message"))
    if run.is_finished or any(s not in STEP_FINISHED for _, s, _ in statuses):
        return
    failed = [(n, e) for n, s, e in statuses if s == StepStatus.FAILED]
    if run.cancel_requested:
        run.status = RunStatus.CANCELLED
    elif failed:
        run.status = RunStatus.FAILED
        run.error = "; ".join(f"step '{n}' failed: {e}" for n, e in failed)[:5000]
    else:
        run.status = RunStatus.SUCCEEDED
    run.finished_at = timezone.now()
    run.started_at = run.started_at or run.finished_at
    run.save(update_fields=["status", "error", "finished_at", "started_at"])
    events.append(run_status_event(run))


def _locked(step_id: int) -> tuple[Run, StepRun] | None:
    """The step with its run's row locked, in one query.

    Only the run row is locked: every change to a run's step statuses happens under it, which
    is what keeps two finishing steps from dispatching the same successor.
    """
    step = (
        StepRun.objects.select_related("run__version")
        .select_for_update(of=("run",))
        .filter(pk=step_id)
        .first()
    )
    if step is None:
        return None
    return step.run, step


def _lease_deadline() -> Any:
    return timezone.now() + timedelta(seconds=settings.STEP_LEASE_SECONDS)


@transaction.atomic
def step_claim(*, step_id: int, attempt: int, worker: str) -> tuple[Run, StepRun] | None:
    """Take the lease for `attempt` of a queued step; None when the message is stale."""
    locked = _locked(step_id)
    if locked is None:
        return None
    run, step = locked
    if step.status != StepStatus.QUEUED or step.attempt != attempt:
        return None  # a duplicate or outdated message: the database says what to do
    now = timezone.now()
    events = []
    if run.cancel_requested:
        step.status, step.finished_at = StepStatus.CANCELLED, now
        step.save(update_fields=["status", "finished_at"])
        events.append(step_status_event(step))
        _finish_if_done(run, events)
        emit_statuses(run, events)
        return None
    step.status, step.worker, step.started_at = StepStatus.RUNNING, worker, now
    step.heartbeat_at, step.lease_expires_at = now, _lease_deadline()
    step.error_message = step.error_traceback = ""
    step.save(
        update_fields=[
            "status",
            "worker",
            "started_at",
            "heartbeat_at",
            "lease_expires_at",
            "error_message",
            "error_traceback",
        ]
    )
    events.append(step_status_event(step, worker=worker))
    if run.status == RunStatus.QUEUED:
        run.status, run.started_at = RunStatus.RUNNING, now
        run.save(update_fields=["status", "started_at"])
        events.append(run_status_event(run))
    emit_statuses(run, events)
    return run, step


def step_heartbeat(*, step_id: int, attempt: int) -> bool:
    """Renew the lease; False when it was lost (taken over or the step was ended)."""
    now = timezone.now()
    renewed = StepRun.objects.filter(pk=step_id, attempt=attempt, status=StepStatus.RUNNING).update(
        heartbeat_at=now, lease_expires_at=_lease_deadline()
    )
    return renewed == 1


def cancel_requested(run_id: int) -> bool:
    """Whether the run was asked to stop."""
    return bool(Run.objects.filter(pk=run_id).values_list("cancel_requested", flat=True).first())


def _holds_lease(step: StepRun, attempt: int) -> bool:
    return step.status == StepStatus.RUNNING and step.attempt == attempt


@transaction.atomic
def step_succeed(
    *,
    step_id: int,
    attempt: int,
    outputs: dict[str, StoredValue],
    before: Callable[[], object] | None = None,
) -> bool:
    """Record a step's outputs and send what it made ready; False when the lease was lost.

    `before` runs first in the same transaction (the executor flushes the step's last logs).
    """
    if before is not None:
        before()
    locked = _locked(step_id)
    if locked is None or not _holds_lease(locked[1], attempt):
        return False
    run, step = locked
    Artifact.objects.bulk_create(
        Artifact(
            workspace_id=run.workspace_id,
            step=step,
            port=port,
            kind=value.kind,
            digest=value.digest,
            size_bytes=value.size,
            metadata=value.metadata,
        )
        for port, value in outputs.items()
    )
    step.status, step.progress, step.finished_at = StepStatus.SUCCEEDED, 1.0, timezone.now()
    step.save(update_fields=["status", "progress", "finished_at"])
    emit_statuses(run, [step_status_event(step)])
    _advance(run)
    return True


@transaction.atomic
def step_fail(
    *, step_id: int, attempt: int, message: str, traceback: str = "", retryable: bool = False
) -> str | None:
    """Fail the attempt: retry while attempts remain (when retryable), else fail the step and
    skip what depends on it. Returns the new status, or None when the lease was lost.
    """
    locked = _locked(step_id)
    if locked is None or not _holds_lease(locked[1], attempt):
        return None
    run, step = locked
    return _fail_or_retry(run, step, message, traceback, retryable)


def _fail_or_retry(run: Run, step: StepRun, message: str, traceback: str, retryable: bool) -> str:
    now = timezone.now()
    step.error_message, step.error_traceback = message[:10000], traceback[:100000]
    step.lease_expires_at = None
    if retryable and step.attempt < step.max_attempts and not run.cancel_requested:
        step.status, step.attempt, step.queued_at, step.worker = (
            StepStatus.QUEUED,
            step.attempt + 1,
            now,
            "",
        )
        step.save()
        send_step(step)
    else:
        step.status, step.finished_at = StepStatus.FAILED, now
        step.save()
    emit_statuses(run, [step_status_event(step)])
    _advance(run)
    return step.status


@transaction.atomic
def step_mark_cancelled(*, step_id: int, attempt: int) -> bool:
    """End a running step that stopped because its run was cancelled."""
    locked = _locked(step_id)
    if locked is None or not _holds_lease(locked[1], attempt):
        return False
    run, step = locked
    step.status, step.finished_at, step.lease_expires_at = (
        StepStatus.CANCELLED,
        timezone.now(),
        None,
    )
    step.save(update_fields=["status", "finished_at", "lease_expires_at"])
    emit_statuses(run, [step_status_event(step)])
    _advance(run)
    return True


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
    _finish_if_done(run, events)
    emit_statuses(run, events)
    return run


def _log_reaped(run_id: int, step: StepRun, message: str) -> None:
    """Tell the step's log why it was restarted or failed."""
    from backend.engine.events import StepEventBuffer

    buffer = StepEventBuffer(run_id=run_id, step_id=step.pk, node_id=step.node_id)
    buffer.log(message, "warning")
    buffer.flush()


def reap_expired_leases() -> list[int]:
    """Retry or fail running steps whose lease ran out (their worker died or hung).

    Also re-sends the message of a step queued for a long time, in case it was lost; duplicate
    messages are harmless because a claim checks the attempt.
    """
    now = timezone.now()
    reaped = []
    expired = StepRun.objects.filter(status=StepStatus.RUNNING, lease_expires_at__lt=now)
    for step_id in expired.values_list("id", flat=True):
        with transaction.atomic():
            locked = _locked(step_id)
            if locked is None:
                continue
            run, step = locked
            if step.status != StepStatus.RUNNING or not step.lease_expires_at:
                continue
            if step.lease_expires_at >= timezone.now():
                continue
            silent = (now - (step.heartbeat_at or now)).total_seconds()
            message = (
                f"the worker running this step ({step.worker or 'unknown'}) stopped responding "
                f"(no heartbeat for {silent:.0f} s) on attempt {step.attempt} of "
                f"{step.max_attempts}"
            )
            logger.warning("step %s of run %s: %s", step.node_id, run.pk, message)
            outcome = _fail_or_retry(run, step, message, "", retryable=True)
            reaped.append(step_id)
        _log_reaped(run.pk, step, f"{message}; {'retrying' if outcome == 'queued' else 'failed'}")
    stale = now - timedelta(seconds=max(60.0, 5 * settings.STEP_LEASE_SECONDS))
    for step in StepRun.objects.filter(status=StepStatus.QUEUED, queued_at__lt=stale):
        with transaction.atomic():
            if StepRun.objects.filter(pk=step.pk, status=StepStatus.QUEUED).update(queued_at=now):
                send_step(step)
    return reaped
