"""The operations endpoints: online workers and queues for any signed-in user, and why a run's
queued steps wait for its workspace's members."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.api.views import WorkspaceView
from backend.engine.workers import WorkerSnapshot, worker_snapshot
from backend.operations.serializers import OperationsSerializer, RunWaitingSerializer
from backend.pipelines.runs.selectors import run_get
from backend.pipelines.runs.waiting import queue_summaries, run_waiting, steps_visible_to


class OperationsView(APIView):
    """Online workers (queues, concurrency, current steps, GPUs), queue depths and the broker.

    Any signed-in user sees the workers and queues; a current step is listed only when it
    belongs to a workspace the user is a member of.
    """

    @extend_schema(responses=OperationsSerializer)
    def get(self, request: Request) -> Response:
        snapshot = worker_snapshot()
        return Response(OperationsSerializer(overview(request, snapshot)).data)


def overview(request: Request, snapshot: WorkerSnapshot) -> dict[str, Any]:
    """The operations payload for the caller, from one snapshot."""
    step_ids = [i for w in snapshot.workers for i in w.active_step_ids]
    visible = steps_visible_to(user=request.user, step_ids=step_ids)
    workers = []
    for w in snapshot.workers:
        steps = [visible[i] for i in w.active_step_ids if i in visible]
        workers.append(
            {
                "name": w.name,
                "queues": list(w.queues),
                "concurrency": w.concurrency,
                "task_count": w.task_count,
                "idle": w.idle,
                "steps": [vars(s) for s in steps],
                "other_tasks": w.task_count - len(steps),
                "devices": None if w.devices is None else [vars(d) for d in w.devices],
            }
        )
    queues = [vars(q) for q in queue_summaries(snapshot)]
    broker = {"reachable": snapshot.error is None, "message": snapshot.error}
    return {"broker": broker, "workers": workers, "queues": queues}


class RunWaitingView(WorkspaceView):
    """Why each queued step of a run has not started: its place in its queue, the workers that
    serve it, and the reason when none can take it. Poll it while steps are queued."""

    @extend_schema(responses=RunWaitingSerializer)
    def get(self, request: Request, slug: str, run_id: int) -> Response:
        run = run_get(workspace=self.workspace(slug), run_id=run_id)
        steps = [vars(wait) for wait in run_waiting(run=run)]
        return Response(RunWaitingSerializer({"run": run.pk, "steps": steps}).data)
