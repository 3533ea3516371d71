"""The WebSocket consumers through the whole ASGI application (origin check, session and token
auth, routing), with Channels' WebsocketCommunicator on the real Redis channel layer.

The database is committed (`transactional_db`): the consumers read it from their own thread.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from django.test import Client
from django.utils.timezone import now

from backend.asgi import application
from backend.engine.events.buffer import StepEventBuffer
from backend.engine.events.payloads import (
    run_group,
    run_status_event,
    step_status_event,
    workspace_group,
)
from backend.engine.events.store import allocate_seq
from backend.pipelines.models import LogEntry, Run, RunEvent, StepRun
from backend.pipelines.runs.consumers import EventSequencer, RunEventsConsumer
from tests.conftest import Team, api_token
from tests.factories import PipelineFactory, PipelineVersionFactory

pytestmark = pytest.mark.usefixtures("transactional_db")

ORIGIN = (b"origin", b"http://127.0.0.1:8000")


def make_run(team: Team, *, log_lines: int = 3, status: str = "running") -> Run:
    """A run with steps a (running) and b (pending), some log lines and one metric."""
    version = PipelineVersionFactory(pipeline=PipelineFactory(workspace=team.workspace))
    run = Run.objects.create(
        workspace=team.workspace, pipeline=version.pipeline, version=version, status=status
    )
    a = StepRun.objects.create(run=run, node_id="a", block_key="x.a", status="running", attempt=1)
    StepRun.objects.create(run=run, node_id="b", block_key="x.b")
    events = StepEventBuffer(run_id=run.pk, step_id=a.pk, node_id="a")
    for i in range(log_lines):
        events.log(f"line {i}")
    events.metric("loss", 0.5, 1)
    events.progress(0.25)
    events.flush()
    run.refresh_from_db()
    return run


def token_of(user: Any) -> str:
    return api_token(user)


def session_cookie(user: Any) -> tuple[bytes, bytes]:
    client = Client()
    client.force_login(user)
    return b"cookie", f"sessionid={client.cookies['sessionid'].value}".encode()


def in_loop(body: Callable[[], Awaitable[None]]) -> None:
    """Run an async test body. Bodies disconnect every communicator they open, so that no
    consumer is still waiting on the channel layer when the loop closes."""
    async_to_sync(body)()


async def opened(
    path: str,
    headers: list[tuple[bytes, bytes]] | None = None,
    subprotocols: list[str] | None = None,
) -> tuple[WebsocketCommunicator, bool, str | None]:
    headers = [ORIGIN] if headers is None else headers
    communicator = WebsocketCommunicator(application, path, headers, subprotocols)
    connected, subprotocol = await communicator.connect()
    return communicator, connected, subprotocol


async def broadcast(group: str, *events: dict[str, Any]) -> None:
    await get_channel_layer().group_send(group, {"type": "run.events", "events": list(events)})


def log(run: Run, seq: int, message: str, node: str = "a") -> dict[str, Any]:
    return {"type": "log", "run": run.pk, "node": node, "seq": seq, "level": "info",
            "message": message, "at": "2025-01-01T00:00:00+00:00"}  # fmt: skip


@pytest.mark.parametrize("how", ["query", "subprotocol", "session"])
def test_a_member_gets_the_snapshot_first(team: Team, how: str) -> None:
    run = make_run(team)
    key = token_of(team.viewer)
    path, headers, protocols = f"/ws/runs/{run.pk}/", [ORIGIN], None
    if how == "query":
        path += f"?token={key}"
    elif how == "subprotocol":
        protocols = ["token", key]
    else:
        headers.append(session_cookie(team.viewer))

    async def body() -> None:
        communicator, connected, subprotocol = await opened(path, headers, protocols)
        assert connected
        assert subprotocol == ("token" if how == "subprotocol" else None)
        snapshot = await communicator.receive_json_from(timeout=5)
        await communicator.disconnect()

        assert snapshot["type"] == "snapshot" and snapshot["run"] == run.pk
        # Three lines, a metric value and the progress: one sequence, 1 to 5.
        assert snapshot["status"] == "running" and snapshot["seq"] == run.last_seq == 5
        assert [(s["node"], s["status"], s["progress"]) for s in snapshot["steps"]] == [
            ("a", "running", 0.25),
            ("b", "pending", 0.0),
        ]
        assert [e["message"] for e in snapshot["logs"]] == ["line 0", "line 1", "line 2"]
        assert [e["seq"] for e in snapshot["logs"]] == [1, 2, 3]
        assert [(m["key"], m["value"], m["seq"]) for m in snapshot["metrics"]] == [("loss", 0.5, 4)]
        assert snapshot["earlier_logs"] is False

    in_loop(body)


def test_the_snapshot_holds_the_last_200_lines(team: Team) -> None:
    run = make_run(team, log_lines=250)

    path = f"/ws/runs/{run.pk}/?token={token_of(team.owner)}"

    async def body() -> None:
        communicator, _, _ = await opened(path)
        snapshot = await communicator.receive_json_from(timeout=5)
        await communicator.disconnect()
        assert len(snapshot["logs"]) == RunEventsConsumer.snapshot_log_lines == 200
        assert snapshot["logs"][0]["message"] == "line 50"
        assert snapshot["logs"][-1]["message"] == "line 249"
        assert snapshot["earlier_logs"] is True

    in_loop(body)


@pytest.mark.parametrize(
    ("who", "code"),
    [("anon", 4401), ("bad token", 4401), ("outsider", 4403), ("no such run", 4403)],
)
def test_refused_clients_are_closed_with_a_code(team: Team, who: str, code: int) -> None:
    run = make_run(team)
    run_id = run.pk + 1000 if who == "no such run" else run.pk
    query = {
        "anon": "",
        "bad token": "?token=not-a-token",
        "outsider": f"?token={token_of(team.outsider)}",
        "no such run": f"?token={token_of(team.owner)}",
    }[who]

    async def body() -> None:
        communicator, connected, _ = await opened(f"/ws/runs/{run_id}/{query}")
        assert connected
        closed = await communicator.receive_output(timeout=5)
        await communicator.disconnect()
        assert closed == {"type": "websocket.close", "code": code}

    in_loop(body)


def test_a_bad_token_is_not_rescued_by_a_session(team: Team) -> None:
    run = make_run(team)

    headers = [ORIGIN, session_cookie(team.viewer)]

    async def body() -> None:
        communicator, _, _ = await opened(f"/ws/runs/{run.pk}/?token=wrong", headers)
        assert (await communicator.receive_output(timeout=5))["code"] == 4401
        await communicator.disconnect()

    in_loop(body)


@pytest.mark.parametrize(
    "origin", [b"http://evil.example.com", b"http://127.0.0.1.evil.example.com", None]
)
def test_a_foreign_or_missing_origin_is_refused_before_the_handshake(
    team: Team, origin: bytes | None
) -> None:
    run = make_run(team)
    headers = [(b"origin", origin)] if origin else []

    path = f"/ws/runs/{run.pk}/?token={token_of(team.owner)}"

    async def body() -> None:
        communicator, connected, _ = await opened(path, headers)
        await communicator.disconnect()
        assert not connected

    in_loop(body)


def test_live_events_follow_in_order_each_once(team: Team, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(RunEventsConsumer, "gap_wait", 60.0)  # what is late here does arrive
    run = make_run(team)  # seq 1..5 are in the snapshot
    group = run_group(run.pk)

    path = f"/ws/runs/{run.pk}/?token={token_of(team.viewer)}"

    async def body() -> None:
        communicator, _, _ = await opened(path)
        assert (await communicator.receive_json_from(timeout=5))["seq"] == 5
        await broadcast(group, log(run, 3, "line 2"), log(run, 7, "seven"))  # old, then early
        await broadcast(group, {**step_status_event(StepRun(run=run, node_id="a",
                        status="succeeded", attempt=1)), "seq": 8})  # fmt: skip
        await broadcast(group, log(run, 6, "six"), log(run, 7, "seven"))
        received = [await communicator.receive_json_from(timeout=5) for _ in range(3)]
        assert [(e["type"], e["seq"]) for e in received] == [
            ("log", 6),
            ("log", 7),
            ("step.status", 8),
        ]
        assert [e.get("message") for e in received[:2]] == ["six", "seven"]
        assert await communicator.receive_nothing(timeout=0.3)
        await communicator.disconnect()

    in_loop(body)


def test_a_gap_in_the_broadcasts_is_filled_from_the_database(team: Team) -> None:
    run = make_run(team)
    step = run.steps.get(node_id="a")

    path = f"/ws/runs/{run.pk}/?token={token_of(team.viewer)}"

    async def body() -> None:
        communicator, _, _ = await opened(path)
        assert (await communicator.receive_json_from(timeout=5))["seq"] == 5

        def save_without_broadcast() -> None:
            seq = allocate_seq(run.pk, 3)
            for n in (seq, seq + 1):
                LogEntry.objects.create(
                    run=run, step=step, seq=n, level="info", message=f"m{n}", created_at=now()
                )
            RunEvent.objects.create(
                run=run, seq=seq + 2, type="step.status", node="a", created_at=now(),
                payload={"status": "succeeded", "attempt": 1, "progress": 1.0, "error": None},
            )  # fmt: skip

        await database_sync_to_async(save_without_broadcast)()
        await broadcast(run_group(run.pk), log(run, 9, "nine"))
        received = [await communicator.receive_json_from(timeout=5) for _ in range(4)]
        assert [(e["seq"], e["type"], e.get("message")) for e in received] == [
            (6, "log", "m6"),
            (7, "log", "m7"),
            (8, "step.status", None),
            (9, "log", "nine"),
        ]
        assert received[2] == {"type": "step.status", "run": run.pk, "node": "a", "seq": 8,
                               "status": "succeeded", "attempt": 1, "progress": 1.0,
                               "error": None}  # fmt: skip
        await communicator.disconnect()

    in_loop(body)


def test_events_the_snapshot_holds_are_not_sent_again(team: Team) -> None:
    run = make_run(team)  # the snapshot is as of seq 5

    def step(status: str, attempt: int, seq: int) -> dict[str, Any]:
        event = step_status_event(StepRun(run=run, node_id="a", status=status, attempt=attempt))
        return {**event, "seq": seq}

    path = f"/ws/runs/{run.pk}/?token={token_of(team.viewer)}"

    async def body() -> None:
        communicator, _, _ = await opened(path)
        await communicator.receive_json_from(timeout=5)
        await broadcast(
            run_group(run.pk),
            step("queued", 1, 2),  # numbered before the snapshot: it holds this already
            step("running", 1, 5),  # the same
            step("queued", 2, 6),  # a retry, after the snapshot: news
        )
        received = await communicator.receive_json_from(timeout=5)
        assert (received["status"], received["attempt"]) == ("queued", 2)
        assert await communicator.receive_nothing(timeout=0.3)
        await communicator.disconnect()

    in_loop(body)


def test_the_workspace_stream_sends_status_changes(team: Team) -> None:
    run = make_run(team)

    member = f"/ws/workspaces/{team.workspace.slug}/?token={token_of(team.viewer)}"
    outsider = f"/ws/workspaces/{team.workspace.slug}/?token={token_of(team.outsider)}"

    async def body() -> None:
        communicator, _, _ = await opened(member)
        assert await communicator.receive_json_from(timeout=5) == {
            "type": "subscribed",
            "workspace": team.workspace.slug,
        }
        event = {**run_status_event(run), "status": "succeeded", "seq": 4}
        await broadcast(workspace_group(team.workspace.pk), event)
        assert await communicator.receive_json_from(timeout=5) == event
        await communicator.disconnect()

        communicator, _, _ = await opened(outsider)
        assert (await communicator.receive_output(timeout=5))["code"] == 4403
        await communicator.disconnect()

    in_loop(body)


def test_sequencer_releases_in_order_and_skips_what_is_gone() -> None:
    sequencer = EventSequencer({"seq": 10, "status": "running", "steps": []})

    def ev(seq: int, kind: str = "log", **extra: Any) -> dict[str, Any]:
        return {"type": kind, "node": "a", "seq": seq, **extra}

    assert sequencer.push([ev(9), ev(12, "progress", progress=0.5), ev(13)]) == []
    assert sequencer.missing() == (10, 13)
    assert [e["seq"] for e in sequencer.push([ev(11)])] == [11, 12, 13]
    assert not sequencer.waiting
    assert sequencer.push([ev(16, "step.status", status="succeeded", attempt=1)]) == []
    assert [e["seq"] for e in sequencer.fill([ev(14)])] == [14, 16]  # 15 is gone for good
    assert sequencer.push([ev(12), ev(16), ev(17), ev(17)]) == [ev(17)]  # each once
