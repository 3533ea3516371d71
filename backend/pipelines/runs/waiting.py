"""Why a queued step has not started: its place in its queue, the workers that serve that queue,
and the reason when none of them can take it.

The database says which steps are queued and in what order (``queued_at``, then id: the order
their messages were sent); Celery says which workers are online and busy (`worker_snapshot`,
one inspect shared by every caller for a couple of seconds). Nothing here changes a row.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import DatabaseError, connection
from django.db.models import Count, Q
from django.utils import timezone

from backend.engine.celery import QUEUES
from backend.engine.workers import WorkerSnapshot, worker_snapshot, workers_by_queue
from backend.pipelines.models import Run, StepRun, StepStatus

Reason = Literal["no_worker", "all_busy", "broker_unreachable", "database_full", "retrying"]

#: The command a message suggests for a queue nobody serves.
WORKER_COMMAND = "celery -A backend.engine.celery worker -Q {queue}"


@dataclass(frozen=True)
class StepWait:
    """What a queued step waits for.

    `position` is 1 for the next step its queue's workers will take. `workers`, `idle_workers`
    and `broker_depth` are None when the broker could not be asked. `reason` is set only when
    no worker can take the step now; `message` is the one line a person reads.
    """

    step_id: int
    node_id: str
    queue: str
    position: int
    queued_ahead: int
    broker_depth: int | None
    workers: int | None
    idle_workers: int | None
    reason: Reason | None
    message: str


def ordinal(n: int) -> str:
    """1st, 2nd, 3rd, 4th, ... 11th, 12th, 13th, 21st."""
    if 10 <= n % 100 <= 20:
        return f"{n}th"
    return f"{n}{({1: 'st', 2: 'nd', 3: 'rd'}).get(n % 10, 'th')}"


def queued_ahead(step: StepRun) -> int:
    """How many queued steps, of any run, were sent to the same queue before `step`."""
    earlier = Q(queued_at__lt=step.queued_at) | Q(queued_at=step.queued_at, pk__lt=step.pk)
    if step.queued_at is None:  # not stamped: order by id alone
        earlier = Q(pk__lt=step.pk)
    return StepRun.objects.filter(earlier, status=StepStatus.QUEUED, queue=step.queue).count()


def database_full() -> tuple[int, int] | None:
    """(connections in use, connections open to clients) when PostgreSQL accepts no more
    ordinary clients, else None (also when the server does not say)."""
    if connection.vendor != "postgresql":
        return None
    sql = """
        SELECT (SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend'),
               current_setting('max_connections')::int
               - current_setting('superuser_reserved_connections')::int
    """
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql)
            used, limit = cursor.fetchone()
    except DatabaseError:
        return None
    return (int(used), int(limit)) if used >= limit else None


def explain(
    step: StepRun, snapshot: WorkerSnapshot, ahead: int, full: tuple[int, int] | None
) -> StepWait:
    """The wait of one queued step, from what was read of the queue, workers and database."""
    queue = step.queue
    position = ahead + 1
    where = f"{ordinal(position)} in queue {queue}"
    common = {"step_id": step.pk, "node_id": step.node_id, "queue": queue}
    common |= {"position": position, "queued_ahead": ahead}
    if snapshot.error is not None:
        return StepWait(
            **common,
            broker_depth=None,
            workers=None,
            idle_workers=None,
            reason="broker_unreachable",
            message=f"Waiting: {where} · {snapshot.error}",
        )
    retry = next(
        (
            (w.name, t.eta)
            for w in snapshot.workers
            for t in w.scheduled
            if t.step_id == step.pk and t.attempt == step.attempt
        ),
        None,
    )
    serving = workers_by_queue(snapshot.workers, [queue])[queue]
    idle = sum(1 for w in serving if w.idle)
    counts = {"broker_depth": snapshot.depths.get(queue), "workers": len(serving)}
    counts["idle_workers"] = idle
    reason: Reason | None
    if not serving:
        reason = "no_worker"
        command = WORKER_COMMAND.format(queue=queue)
        message = (
            f"No worker listens on queue {queue} (none answered within {snapshot.timeout:g} s):"
            f" start one with `{command}`"
        )
    elif retry is not None:
        reason = "retrying"
        due = _due(retry[1])
        message = (
            f"Waiting: {where} · {retry[0]} retries it{due}: the database or the broker could"
            " not be reached"
        )
    elif full is not None:
        reason = "database_full"
        message = (
            f"Waiting: {where} · the database accepts no more connections ({full[0]} of"
            f" {full[1]} in use), so no worker can claim the step until some are freed"
        )
    elif idle == 0:
        reason = "all_busy"
        message = f"Waiting: {where} · {_workers(len(serving))}, all busy"
    else:
        reason = None
        message = f"Waiting: {where} · {_workers(len(serving))}, {idle} idle"
    return StepWait(**common, **counts, reason=reason, message=message)


def _due(eta: str | None) -> str:
    """The suffix " in 42 s" for an ISO 8601 time ahead, " now" once passed, "" if unknown."""
    try:
        when = datetime.fromisoformat(eta) if eta else None
    except ValueError:
        when = None
    if when is None or when.tzinfo is None:
        return ""
    seconds = round((when - timezone.now()).total_seconds())
    return f" in {seconds} s" if seconds > 0 else " now"


def _workers(n: int) -> str:
    return f"{n} worker" if n == 1 else f"{n} workers"


def run_waiting(*, run: Run, snapshot: WorkerSnapshot | None = None) -> list[StepWait]:
    """Why each queued step of `run` waits, in step order (empty when none is queued)."""
    queued = [s for s in run.steps.order_by("id") if s.status == StepStatus.QUEUED]
    if not queued:
        return []
    snapshot = snapshot or worker_snapshot()
    full = database_full()
    return [explain(step, snapshot, queued_ahead(step), full) for step in queued]


@dataclass(frozen=True)
class VisibleStep:
    """A step a worker holds, as a given user may see it."""

    step_id: int
    node_id: str
    run_id: int
    workspace: str
    pipeline_name: str


def steps_visible_to(
    *, user: AbstractBaseUser | AnonymousUser, step_ids: Iterable[int]
) -> dict[int, VisibleStep]:
    """The steps among `step_ids` in workspaces `user` is a member of; others are left out, so
    a page never shows another team's runs."""
    ids = set(step_ids)
    if not ids or not user.is_authenticated:
        return {}
    steps = (
        StepRun.objects.filter(pk__in=ids, run__workspace__memberships__user=user)
        .select_related("run__workspace", "run__pipeline")
        .only("node_id", "run__id", "run__workspace__slug", "run__pipeline__name")
    )
    return {
        s.pk: VisibleStep(
            step_id=s.pk,
            node_id=s.node_id,
            run_id=s.run_id,
            workspace=s.run.workspace.slug,
            pipeline_name=s.run.pipeline.name,
        )
        for s in steps
    }


def queued_counts(queues: Iterable[str]) -> dict[str, int]:
    """How many steps are queued on each of `queues` (every one a key)."""
    counts = dict.fromkeys(queues, 0)
    rows = (
        StepRun.objects.filter(status=StepStatus.QUEUED, queue__in=list(counts))
        .values_list("queue")
        .annotate(n=Count("id"))
    )
    counts.update({queue: n for queue, n in rows})
    return counts


@dataclass(frozen=True)
class QueueSummary:
    """One queue: broker depth (None: broker unreachable), queued steps, its workers."""

    name: str
    depth: int | None
    queued_steps: int
    workers: int
    idle_workers: int


def queue_summaries(snapshot: WorkerSnapshot, queues: Iterable[str] = QUEUES) -> list[QueueSummary]:
    """Every queue in `queues` or served by a worker in `snapshot`, by name."""
    names = sorted({*queues, *snapshot.depths, *(q for w in snapshot.workers for q in w.queues)})
    by_queue = workers_by_queue(snapshot.workers, names)
    queued = queued_counts(names)
    return [
        QueueSummary(
            name=name,
            depth=snapshot.depths.get(name),
            queued_steps=queued[name],
            workers=len(by_queue[name]),
            idle_workers=sum(1 for w in by_queue[name] if w.idle),
        )
        for name in names
    ]
