"""The supervisor thread beside a running block: flushes events, renews the lease, and
watches for cancellation.

Cancellation has two stages. The supervisor looks at the run every `Supervisor.cancel_every`
seconds; once it was cancelled, ``ctx.cancelled()`` answers True and a block that checks it
stops by itself. A block that does not stop within `Supervisor.cancel_grace` seconds (a
scikit-learn fit runs in C and looks at no flag) is stopped from outside, in a Celery pool
child only: the step is recorded `cancelled` first, fenced by its attempt like every outcome,
then the process ends and the pool starts a fresh one. The requeued message finds the step
finished and is ignored, and nothing of that attempt is recorded: its outputs are written only
under its lease, which the cancellation ended.
"""

from __future__ import annotations

import logging
import math
import os
import threading
import time

from celery.signals import worker_process_init
from django.conf import settings
from django.db import InterfaceError, OperationalError, connection

from backend.engine.events.writer import shared_writer
from backend.engine.leases import cancel_requested, step_heartbeat
from backend.engine.outcomes import step_mark_cancelled
from backend.engine.runtime.context import StepRuntime

logger = logging.getLogger(__name__)

#: How a pool child that ended itself for a cancelled step exits (the pool replaces it).
EXIT_CANCELLED = 0

_in_pool_child = False


@worker_process_init.connect
def _mark_pool_child(**_: object) -> None:
    """Only a Celery pool child may end itself: its pool replaces it. Elsewhere (the solo
    pool, tests running a step in-process) a cancelled block stops at its next check."""
    global _in_pool_child
    _in_pool_child = True


class Supervisor(threading.Thread):
    """Flushes events, renews the lease and watches for cancellation while the block runs.

    A flush starts `linger` seconds after the first event queued since the last one: soon
    enough for live viewers, while a chatty block's lines still go out in batches. With nothing
    to flush it looks at the lease and at `done` every `idle` seconds. Batches go to the
    process's event writer (backend.engine.events.writer), so that saving them does not take
    the GIL from the block; not when the step runs inside a transaction (in tests), whose rows
    another process could not see.
    """

    #: Seconds between looks at whether the run was cancelled (one read by primary key):
    #: with `cancel_grace`, how long a cancel takes at most to end a running step.
    cancel_every = 0.5
    #: Seconds a block gets to stop by itself once its run is cancelled, before its process
    #: is ended (override to give blocks that clean up on cancellation longer).
    cancel_grace = 0.5

    def __init__(self, runtime: StepRuntime, linger: float = 0.1, idle: float = 0.2) -> None:
        super().__init__(name=f"step-{runtime.step.pk}-supervisor", daemon=True)
        self.runtime, self.linger, self.idle = runtime, linger, idle
        self.done = threading.Event()
        if not connection.in_atomic_block:
            runtime.events.writer = shared_writer()

    def run(self) -> None:
        """Until the block ends: flush events, renew the lease, watch for cancellation."""
        events = self.runtime.events
        heartbeat_every = settings.STEP_HEARTBEAT_SECONDS
        next_beat = time.monotonic() + heartbeat_every
        next_look = time.monotonic() + self.cancel_every
        stop_at = math.inf  # when a cancelled block that did not stop is stopped
        try:
            while not self.done.is_set():
                if events.wait(self.idle):
                    self.done.wait(self.linger)
                    events.flush(wait=False)
                now = time.monotonic()
                try:
                    if now >= next_beat:
                        next_beat = now + heartbeat_every
                        self._beat()
                    if now >= next_look and not self.runtime.cancel_seen.is_set():
                        next_look = now + self.cancel_every
                        if cancel_requested(self.runtime.run.pk):
                            self.runtime.cancel_seen.set()
                            stop_at = now + self.cancel_grace
                except (OperationalError, InterfaceError):
                    # A database blip: drop the broken connection and keep renewing the lease
                    # at the next beat, rather than letting the lease run out for good.
                    logger.warning("step supervisor: database unavailable", exc_info=True)
                    connection.close()
                if now >= stop_at and not self.done.is_set():
                    stop_at = math.inf
                    self._end_cancelled()
        except Exception:
            logger.exception("step supervisor failed")
        finally:
            connection.close()

    def _beat(self) -> None:
        step = self.runtime.step
        if not step_heartbeat(step_id=step.pk, attempt=step.attempt):
            self.runtime.lease_lost.set()

    def _end_cancelled(self) -> None:
        """Record the step cancelled, then end this pool child: the block did not stop."""
        if not _in_pool_child:
            return
        runtime, step = self.runtime, self.runtime.step
        # Logged first, as every outcome is: the line is there once the step shows cancelled.
        runtime.events.log(
            f"stopped: the run was cancelled and the block did not stop within "
            f"{self.cancel_grace:g} s, so its worker process is ended (the worker starts a "
            "fresh one)",
            "warning",
        )
        runtime.events.flush()
        if not step_mark_cancelled(step_id=step.pk, attempt=step.attempt):
            return  # the block finished meanwhile, or this attempt lost its lease
        if self.done.is_set():
            return  # the block ended by itself meanwhile; nothing of it was recorded
        logger.warning(
            "step %s of run %s cancelled inside its block; ending worker process %s",
            step.node_id,
            runtime.run.pk,
            os.getpid(),
        )
        os._exit(EXIT_CANCELLED)
