"""The supervisor thread beside a running block: flushes events, renews the lease, and
watches for cancellation.
"""

from __future__ import annotations

import logging
import threading
import time

from django.conf import settings
from django.db import connection

from backend.engine.events.writer import shared_writer
from backend.engine.leases import cancel_requested, step_heartbeat
from backend.engine.runtime.context import StepRuntime

logger = logging.getLogger(__name__)


class Supervisor(threading.Thread):
    """Flushes events, renews the lease and watches for cancellation while the block runs.

    A flush starts `linger` seconds after the first event queued since the last one: soon
    enough for live viewers, while a chatty block's lines still go out in batches. With nothing
    to flush it looks at the lease and at `done` every `idle` seconds. Batches go to the
    process's event writer (backend.engine.events.writer), so that saving them does not take
    the GIL from the block; not when the step runs inside a transaction (in tests), whose rows
    another process could not see.
    """

    def __init__(self, runtime: StepRuntime, linger: float = 0.1, idle: float = 0.2) -> None:
        super().__init__(name=f"step-{runtime.step.pk}-supervisor", daemon=True)
        self.runtime, self.linger, self.idle = runtime, linger, idle
        self.done = threading.Event()
        if not connection.in_atomic_block:
            runtime.events.writer = shared_writer()

    def run(self) -> None:
        events = self.runtime.events
        heartbeat_every = settings.STEP_HEARTBEAT_SECONDS
        next_beat = time.monotonic() + heartbeat_every
        try:
            while not self.done.is_set():
                if events.wait(self.idle):
                    self.done.wait(self.linger)
                    events.flush(wait=False)
                if time.monotonic() >= next_beat:
                    next_beat = time.monotonic() + heartbeat_every
                    self._beat()
        except Exception:
            logger.exception("step supervisor failed")
        finally:
            connection.close()

    def _beat(self) -> None:
        step = self.runtime.step
        if not step_heartbeat(step_id=step.pk, attempt=step.attempt):
            self.runtime.lease_lost.set()
        if cancel_requested(self.runtime.run.pk):
            self.runtime.cancel_seen.set()
