"""When a worker's pool child dies mid-step (SIGKILL, the out-of-memory killer, a crash in C),
the worker's main process makes the step retryable at once instead of waiting for its lease.

Celery's prefork pool notices the dead child within moments and fails the request with
WorkerLostError in the main process; with acks_late and reject_on_worker_lost it requeues the
message. `StepRequest` (the request class of ``execute_step``, installed by task annotation in
backend/engine/celery.py) also hands the step to `step_child_lost`, which retries or fails it
through `fail_or_retry`, as the reaper would once the lease ran out.

Invariants, as for every outcome (backend/engine/outcomes.py):
- The database decides: only the attempt that died is touched. The step must still be running
  that attempt, and its record must name the dead child (host:pid) as its worker: a child that
  died while discarding a duplicate message for an attempt running elsewhere changes nothing.
- Under the run's row lock, through `fail_or_retry`: the attempt cap on the step row holds, so
  a step that kills its process every time fails instead of being requeued forever.
- The requeued message is only a hint: its attempt is outdated once the step is retried, and
  the claim ignores it. A cancelled run ends the step `cancelled`, not retried.
- The lease stays the fallback: when the main process cannot reach the database (or dies with
  its child, or the machine is lost), the reaper retries the step once its lease runs out.
- The work runs on one background thread of the main process, never on its event loop, so a
  slow database cannot stall the worker's consumption of messages; its connection is closed
  after each use, so the main process holds none while the pool forks replacement children.
"""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from billiard.einfo import ExceptionInfo, ExceptionWithTraceback
from billiard.exceptions import WorkerLostError
from celery.worker.request import Request
from django.db import close_old_connections, connection, transaction

from backend.engine.events.buffer import StepEventBuffer
from backend.engine.leases import holds_lease, locked_step
from backend.engine.outcomes import fail_or_retry, step_mark_cancelled
from backend.engine.runtime.context import worker_name
from backend.pipelines.models import StepRun, StepStatus

logger = logging.getLogger(__name__)

_executor: ThreadPoolExecutor | None = None


def _lost(exc: BaseException, request: Request) -> bool:
    """Whether `exc` says the pool child running `request` is gone."""
    if isinstance(exc, WorkerLostError):
        return True
    # billiard >= 4.3 may report a child's exit as SystemExit before it is gone; a request
    # that was revoked or cancelled on purpose is not a loss.
    stopped = request._already_cancelled or request._already_revoked
    return isinstance(exc, SystemExit | KeyboardInterrupt) and not stopped


class StepRequest(Request):
    """The request class of ``execute_step``: tells `step_child_lost` when its child died."""

    def on_failure(
        self, exc_info: ExceptionInfo, send_failed_event: bool = True, return_ok: bool = False
    ) -> Any:
        """Hand a lost child's step to the background thread, then let Celery requeue."""
        exc = exc_info.exception
        if isinstance(exc, ExceptionWithTraceback):
            exc = exc.exc
        try:
            if self.worker_pid and _lost(exc, self) and len(self.args) == 2:
                step_id, attempt = self.args
                report_lost_child(
                    step_id=int(step_id),
                    attempt=int(attempt),
                    worker=worker_name(self.worker_pid),
                    why=str(exc) or type(exc).__name__,
                )
        except Exception:  # never in the way of Celery's own handling; the lease remains
            logger.exception("could not hand over the step of a lost worker process")
        return super().on_failure(
            exc_info, send_failed_event=send_failed_event, return_ok=return_ok
        )


def report_lost_child(*, step_id: int, attempt: int, worker: str, why: str) -> None:
    """Queue `step_child_lost` on the background thread; returns at once."""
    global _executor
    if _executor is None:
        _executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="lost-child")
    _executor.submit(_handle, step_id, attempt, worker, why)


def _handle(step_id: int, attempt: int, worker: str, why: str) -> None:
    close_old_connections()
    try:
        outcome = step_child_lost(step_id=step_id, attempt=attempt, worker=worker, why=why)
        if outcome is not None:
            logger.warning(
                "step %s attempt %s, process %s: %s; %s", step_id, attempt, worker, why, outcome
            )
    except Exception:  # the lease is the fallback: the reaper retries it later
        logger.exception("could not retry step %s after its process died", step_id)
    finally:
        # The worker's main process forks replacement children: it keeps no pool open for
        # them to inherit (each child closes an inherited pool, ending these sessions).
        connection.close()
        connection.close_pool()


def step_child_lost(*, step_id: int, attempt: int, worker: str, why: str) -> str | None:
    """Retry (or fail, when no attempts remain) `attempt` of the step, whose process `worker`
    died; cancel it instead when its run was cancelled. None when that attempt is not running
    there any more (it finished, was retried, or runs elsewhere): then nothing changes."""
    with transaction.atomic():
        locked = locked_step(step_id)
        if locked is None:
            return None
        run, step = locked
        if not holds_lease(step, attempt) or step.worker != worker:
            return None
        message = f"the worker process running this step ({worker}) died ({why})"
        if run.cancel_requested:
            step_mark_cancelled(step_id=step_id, attempt=attempt)
            outcome = "cancelled"
        else:
            reason = f"{message} on attempt {attempt} of {step.max_attempts}"
            status = fail_or_retry(run, step, reason, "", retryable=True)
            outcome = "retrying" if status == StepStatus.QUEUED else "failed"
    _log_to_step(run.pk, step, f"{message}; {outcome}")
    return outcome


def _log_to_step(run_id: int, step: StepRun, message: str) -> None:
    """Tell the step's log what happened to it."""
    buffer = StepEventBuffer(run_id=run_id, step_id=step.pk, node_id=step.node_id)
    buffer.log(message, "warning")
    buffer.flush()
