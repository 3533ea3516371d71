"""The run state machine: what is ready, what is done, what runs next.

PostgreSQL holds the truth; a Celery message is only a hint to go and look. Every change to a
run's steps happens in a transaction that holds the run's row lock (always taken before any step
row lock), so two finishing steps cannot both dispatch the same successor. There is no polling
scheduler: starting a run sends its ready steps, and each finishing step sends the successors it
made ready, after commit.

`advance` moves pending steps on: skipped (an upstream step failed), cached (backend.engine.
caching), or queued and sent; leases (backend.engine.leases) and outcomes (backend.engine.
outcomes) take a step from there.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from backend.engine.caching import cache_hit, cache_key, config_key, mark_cached, use_cache_for
from backend.engine.celery import app
from backend.engine.events.payloads import run_status_event, step_status_event
from backend.engine.events.store import record_events
from backend.engine.graph import (
    Graph,
    version_graph,
)
from backend.pipelines.models import (
    STEP_FINISHED,
    Artifact,
    Run,
    RunStatus,
    StepRun,
    StepStatus,
)

FAILED_UPSTREAM = (StepStatus.FAILED, StepStatus.SKIPPED, StepStatus.CANCELLED)


DONE_OK = (StepStatus.SUCCEEDED, StepStatus.CACHED)


def send_step(step: StepRun) -> None:
    """Queue a Celery message for the step's current attempt once the transaction commits."""
    step_id, attempt, queue = step.pk, step.attempt, step.queue

    def send() -> None:
        app.send_task("backend.engine.tasks.execute_step", args=(step_id, attempt), queue=queue)

    # robust: one failed publish must not skip the other successors' sends (the reaper
    # re-sends a lost one), nor turn the step that just succeeded into a failure.
    transaction.on_commit(send, robust=True)


def inputs_of(graph: Graph, step: StepRun, by_node: dict[str, StepRun]) -> dict[str, Artifact]:
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


def advance(
    run: Run,
    graph: Graph | None = None,
    events: list[dict[str, Any]] | None = None,
    *,
    changed: Iterable[str] | None = None,
) -> None:
    """Move pending steps on (skip, cache or queue them) and finish the run when all are done.

    The caller holds the run's row lock. `events` are the status events of the caller's own
    change, recorded first, with the ones this makes, in one statement. `changed` names the
    nodes whose status the caller just changed: only their successors can have become ready,
    so only those (and their inputs' steps) are read, which keeps a finishing step's cost flat
    however wide the run is. Without it every step is looked at (a run's start).
    """
    graph = graph or version_graph(run.version_id, run.version.graph)
    now = timezone.now()
    events = list(events or [])
    scope = None if changed is None else set(changed)
    queued = False
    # A cached or skipped step may make its successors ready: go round again from those.
    while scope is None or scope:
        steps = _steps_to_look_at(run, graph, scope)
        scope = _advance_pass(run, graph, steps, now, events)
        queued = queued or any(s.status == StepStatus.QUEUED for s in steps)
    if not queued:  # a run with a step just queued is not done: no need to look
        finish_if_done(run, events)
    record_events(run, events)


def _steps_to_look_at(run: Run, graph: Graph, scope: set[str] | None) -> list[StepRun]:
    """The run's steps that may move, with the steps they read from (all when `scope` is
    None, else the successors of the nodes in `scope`), with their outputs. No step row locks:
    every status change happens under the run's lock."""
    steps = run.steps.prefetch_related("outputs").order_by("id")
    if scope is None:
        return list(steps)
    targets = {e.target for e in graph.edges if e.source in scope}
    if not targets:
        return []
    sources = {e.source for e in graph.edges if e.target in targets}
    return list(steps.filter(node_id__in=targets | sources))


def _advance_pass(
    run: Run, graph: Graph, steps: list[StepRun], now: Any, events: list[dict[str, Any]]
) -> set[str]:
    """Skip, cache or queue the ready ones of `steps`; returns the nodes that finished without
    running (cached, skipped, cancelled), whose successors may have become ready."""
    by_node = {s.node_id: s for s in steps}
    parents: dict[str, list[str]] = {}
    for edge in graph.edges:
        parents.setdefault(edge.target, []).append(edge.source)
    finished: set[str] = set()
    for step in steps:  # in creation order, which is topological
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
            _dispatch(run, graph, step, by_node, now, events)
        else:
            continue
        events.append(step_status_event(step))
        if step.status != StepStatus.QUEUED:
            finished.add(step.node_id)
    return finished


def _dispatch(
    run: Run,
    graph: Graph,
    step: StepRun,
    by_node: dict[str, StepRun],
    now: Any,
    events: list[dict[str, Any]],
) -> None:
    inputs = inputs_of(graph, step, by_node)
    step.cache_key = cache_key(step, config_key(graph, step), inputs)
    source = cache_hit(run, step.cache_key) if use_cache_for(run, step.node_id) else None
    if source is not None:
        # The copied metric values are numbered now: the events before them go first.
        record_events(run, events)
        events.clear()
        mark_cached(run, step, source, now)
        return
    step.status, step.attempt, step.queued_at = StepStatus.QUEUED, step.attempt + 1, now
    step.save(update_fields=["status", "attempt", "queued_at", "cache_key"])
    send_step(step)


def finish_if_done(
    run: Run,
    events: list[dict[str, Any]],
    statuses: list[tuple[str, str, str]] | None = None,
) -> None:
    """Give the run its final status once every step has finished; the caller holds its lock."""
    if run.is_finished:
        return
    if statuses is None:
        # One indexed look first: most calls come while other steps are still going.
        if run.steps.exclude(status__in=STEP_FINISHED).exists():
            return
        statuses = list(run.steps.values_list("node_id", "status", "error_message"))
    if any(s not in STEP_FINISHED for _, s, _ in statuses):
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
