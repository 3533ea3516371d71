"""WebSocket streams of live runs (the protocol is described in docs/live-events.md).

``ws/runs/<run_id>/`` follows one run. The first message is a ``snapshot``: the run's and its
steps' statuses with progress, its last 200 log lines and its metric values so far, as of
sequence number ``seq``. Then come live events, one JSON object per message, as DESIGN.md
defines them: ``{"type": "log" | "metric" | "progress" | "step.status" | "run.status",
"run": id, "node": "n1", "seq": n, ...}``.

Sequence numbers: every event (log line, metric value, progress, step or run status) has its
own, allocated run-wide without gaps by the one writer that saves it, before it is broadcast.
This stream delivers them in order, each once, starting right after the snapshot's ``seq``:
events that arrive out of order (two steps on two workers) are put back in order, and any that
never arrive are read back from the database.

``ws/workspaces/<slug>/`` sends ``run.status`` and ``step.status`` events of every run in a
workspace, for lists that update live; it starts with ``{"type": "subscribed"}``.

Both authenticate by session cookie or API token (backend.api.ws_auth) and need
membership of the workspace. A refused client is accepted and closed at once with code 4401
(not signed in, or a wrong token) or 4403 (not a member, or no such run or workspace: the two
are not told apart, so that outsiders cannot probe). A foreign ``Origin`` is refused before the
handshake by AllowedHostsOriginValidator (backend/asgi.py).
"""

from __future__ import annotations

import asyncio
import heapq
import logging
from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from rest_framework.exceptions import PermissionDenied

from backend.api.ws_auth import accepted_subprotocol
from backend.engine.events.payloads import run_group, workspace_group
from backend.errors import NotFoundError
from backend.pipelines.models import Run
from backend.pipelines.runs.selectors import access_run, run_events_between, run_snapshot
from backend.workspaces.selectors import access_workspace

logger = logging.getLogger(__name__)

CLOSE_UNAUTHENTICATED = 4401
CLOSE_FORBIDDEN = 4403


class EventSequencer:
    """Turns the events of one run, as they arrive, into the stream a client gets.

    Every event of a run has its own number in one run-wide sequence, allocated when it is
    saved, and the numbers have no gaps. So the stream is the events numbered after the
    snapshot's ``seq``, released in order, each once: one that arrives early (two steps on two
    workers) waits for those before it; ones that never arrive are read from the database
    (`missing`, `fill`).
    """

    def __init__(self, snapshot: dict[str, Any]) -> None:
        self.last = int(snapshot["seq"])
        self._waiting: list[tuple[int, dict[str, Any]]] = []

    @property
    def waiting(self) -> bool:
        """Whether events are held back for earlier ones that have not arrived."""
        return bool(self._waiting)

    def push(self, events: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Take events as they arrived; returns those now ready, in order."""
        for event in events:
            if int(event["seq"]) > self.last:  # else the client has it already
                heapq.heappush(self._waiting, (int(event["seq"]), event))
        return self._release()

    def missing(self) -> tuple[int, int] | None:
        """The span of sequence numbers (after, upto] to read from the database, if waiting."""
        if not self._waiting:
            return None
        return self.last, max(seq for seq, _ in self._waiting)

    def fill(self, stored: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Take the events read for `missing`; returns those now ready.

        Numbers the database does not have either (the run was deleted) are skipped.
        """
        ready = self.push(stored)
        while self._waiting:
            seq = self._waiting[0][0]
            logger.warning("run stream: no event %s..%s, skipping", self.last + 1, seq - 1)
            self.last = seq - 1
            ready += self._release()
        return ready

    def _release(self) -> list[dict[str, Any]]:
        ready = []
        while self._waiting and self._waiting[0][0] <= self.last + 1:
            seq, event = heapq.heappop(self._waiting)
            if seq == self.last + 1:
                self.last = seq
                ready.append(event)
        return ready


class MemberConsumer(AsyncJsonWebsocketConsumer):
    """Accepts a signed-in member of the target's workspace; closes on anyone else.

    Subclasses implement `admit` (look the target up with the permission check; raise
    NotFoundError or PermissionDenied to refuse) and `start` (subscribe and say hello).
    """

    #: Channel-layer group joined in `start`; left on disconnect.
    group: str | None = None

    async def connect(self) -> None:
        await self.accept(accepted_subprotocol(self.scope))
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        try:
            await self.start(await database_sync_to_async(self.admit)(user))
        except (NotFoundError, PermissionDenied, Run.DoesNotExist):  # deleted meanwhile, too
            await self.close(code=CLOSE_FORBIDDEN)

    def admit(self, user: Any) -> Any:
        """The stream's target if `user` may follow it (runs in a thread: the database)."""
        raise NotImplementedError

    async def start(self, target: Any) -> None:
        """Join the target's group and send the first message."""
        raise NotImplementedError

    async def join(self, group: str) -> None:
        """Receive `group`'s messages from now on."""
        self.group = group
        await self.channel_layer.group_add(group, self.channel_name)

    async def disconnect(self, code: int) -> None:
        if self.group is not None:
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        """Clients have nothing to say on these streams; what they send is ignored."""


class RunEventsConsumer(MemberConsumer):
    """``ws/runs/<run_id>/``: a snapshot of the run, then its events in sequence order."""

    #: Seconds an early event waits for those before it before they are read from the database.
    gap_wait = 0.25
    #: Log lines in the snapshot; older ones are read with ``GET .../logs/``.
    snapshot_log_lines = 200

    run_id: int | None = None
    sequencer: EventSequencer | None = None
    _gap_task: asyncio.Task[None] | None = None

    def admit(self, user: Any) -> dict[str, Any]:
        run_id = self.scope["url_route"]["kwargs"]["run_id"]
        run = access_run(user=user, run_id=run_id)
        return {"id": run.pk}

    async def start(self, target: dict[str, Any]) -> None:
        self.run_id, self._sending = target["id"], asyncio.Lock()
        # Join first: whatever is broadcast after the snapshot's seq is then received.
        await self.join(run_group(target["id"]))
        snapshot = await database_sync_to_async(run_snapshot)(
            run_id=target["id"], log_lines=self.snapshot_log_lines
        )
        self.sequencer = EventSequencer(snapshot)
        await self.send_json(snapshot)

    async def run_events(self, message: dict[str, Any]) -> None:
        """A batch of saved events broadcast by backend.engine.events.store."""
        if self.sequencer is None:
            return
        async with self._sending:
            await self._send_all(self.sequencer.push(message["events"]))

    async def _send_all(self, events: list[dict[str, Any]]) -> None:
        for event in events:
            await self.send_json(event)
        if self.sequencer is not None and self.sequencer.waiting and self._gap_task is None:
            self._gap_task = asyncio.create_task(self._fill_gap())

    async def _fill_gap(self) -> None:
        await asyncio.sleep(self.gap_wait)
        async with self._sending:
            self._gap_task = None
            span = self.sequencer.missing() if self.sequencer is not None else None
            if span is None:
                return
            try:
                stored = await database_sync_to_async(run_events_between)(
                    run_id=self.run_id, after=span[0], upto=span[1]
                )
            except Exception:  # the database is away: try again, the events wait meanwhile
                logger.warning("run %s: could not read events %s..%s", self.run_id, *span)
                self._gap_task = asyncio.create_task(self._fill_gap())
                return
            await self._send_all(self.sequencer.fill(stored))

    async def disconnect(self, code: int) -> None:
        if self._gap_task is not None:
            self._gap_task.cancel()
        await super().disconnect(code)


class WorkspaceEventsConsumer(MemberConsumer):
    """``ws/workspaces/<slug>/``: run and step status changes of every run in a workspace."""

    def admit(self, user: Any) -> dict[str, Any]:
        workspace = access_workspace(user=user, slug=self.scope["url_route"]["kwargs"]["slug"])
        return {"id": workspace.pk, "slug": workspace.slug}

    async def start(self, target: dict[str, Any]) -> None:
        await self.join(workspace_group(target["id"]))
        await self.send_json({"type": "subscribed", "workspace": target["slug"]})

    async def run_events(self, message: dict[str, Any]) -> None:
        """Status events broadcast by backend.engine.events.store, passed on as they come."""
        for event in message["events"]:
            await self.send_json(event)
