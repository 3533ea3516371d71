"""Sending saved events to live viewers over the channel layer, in order, without waiting."""

from __future__ import annotations

import asyncio
import logging
import os
import threading
from collections.abc import Iterable
from typing import Any

logger = logging.getLogger(__name__)


class _Broadcaster:
    """Sends to the channel layer from one event loop on a daemon thread, in order.

    Callers hand messages over without waiting, so a step is never slowed by its viewers, and
    the layer's Redis connections are reused instead of opened per message. One per process
    (a forked worker child starts its own).
    """

    def __init__(self) -> None:
        self._pid = -1
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._queue: asyncio.Queue[tuple[str, dict[str, Any]] | None] | None = None
        self._pending = 0
        self._idle = threading.Condition()

    def _ensure_started(self) -> asyncio.AbstractEventLoop:
        with self._lock:
            if self._loop is None or self._pid != os.getpid():
                self._pid = os.getpid()
                self._loop = asyncio.new_event_loop()
                self._queue = None
                ready = threading.Event()
                thread = threading.Thread(
                    target=self._serve,
                    args=(self._loop, ready),
                    name="events-broadcast",
                    daemon=True,
                )
                thread.start()
                ready.wait(5)
            return self._loop

    def _serve(self, loop: asyncio.AbstractEventLoop, ready: threading.Event) -> None:
        asyncio.set_event_loop(loop)
        self._queue = asyncio.Queue()
        ready.set()
        loop.run_until_complete(self._drain(self._queue))

    async def _drain(self, queue: asyncio.Queue[tuple[str, dict[str, Any]] | None]) -> None:
        from channels.layers import get_channel_layer

        layer = get_channel_layer()
        while True:
            item = await queue.get()
            if item is None:
                return
            group, message = item
            try:
                if layer is not None:
                    await layer.group_send(group, message)
            except Exception:  # the database has the events; viewers backfill from it
                logger.warning("could not broadcast to %s", group, exc_info=True)
            finally:
                with self._idle:
                    self._pending -= 1
                    self._idle.notify_all()

    def send(self, group: str, message: dict[str, Any]) -> None:
        """Queue a message for `group`; returns at once."""
        loop = self._ensure_started()
        with self._idle:
            self._pending += 1
        loop.call_soon_threadsafe(self._queue.put_nowait, (group, message))  # type: ignore[union-attr]

    def wait_idle(self, timeout: float = 5.0) -> bool:
        """Block until everything queued so far was sent (tests, shutdown)."""
        with self._idle:
            return self._idle.wait_for(lambda: self._pending <= 0, timeout)


_broadcaster = _Broadcaster()


def broadcast(groups: Iterable[str], events: list[dict[str, Any]]) -> None:
    """Send saved events to live viewers, in order, without waiting; best effort."""
    if not events:
        return
    for group in groups:
        _broadcaster.send(group, {"type": "run.events", "events": events})


def flush_broadcasts(timeout: float = 5.0) -> bool:
    """Wait until queued broadcasts went out (e.g. before a worker process exits)."""
    return _broadcaster.wait_idle(timeout)
