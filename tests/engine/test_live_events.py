"""Live runs end to end: a real worker, Redis, the real ASGI server and a real WebSocket client.

Blocks wait for a gate file (tests/engine/plugin_blocks.py, ``ingest.test_stream``) that a test
creates once its client holds the snapshot, so what they log is known to come after it.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import ClientConnection, connect

from backend.pipelines.models import LogEntry, Run
from tests.conftest import Team, api_token, token_client
from tests.engine.conftest import start, wait_for_run
from tests.graphs import edge, node
from tests.servers import asgi_server
from tests.workers import REPO_ROOT, RunningWorker

pytestmark = [pytest.mark.worker, pytest.mark.usefixtures("transactional_db")]

FINAL = ("succeeded", "failed", "cancelled")


@pytest.fixture(scope="module")
def server(
    django_db_setup: None, tmp_path_factory: pytest.TempPathFactory, shared_artifact_root: Path
) -> Iterator[str]:
    """The ASGI server `make run` uses, on the test database, for this module."""
    log = tmp_path_factory.mktemp("asgi") / "server.log"
    with asgi_server(log, env={"ARTIFACT_ROOT": str(shared_artifact_root)}) as url:
        yield url


def token(user: Any) -> str:
    return api_token(user)


def open_stream(
    server: str, path: str, user: Any = None, *, origin: str | None = None, **kwargs: Any
) -> ClientConnection:
    """A WebSocket to `path`, with `user`'s API token in the subprotocols."""
    protocols = ["token", token(user)] if user is not None else None
    url = server.replace("http", "ws", 1) + path
    return connect(url, origin=origin or server, subprotocols=protocols, max_size=None, **kwargs)


def receive(ws: ClientConnection) -> dict[str, Any]:
    return json.loads(ws.recv(timeout=60))


def until_final(ws: ClientConnection, snapshot: dict[str, Any]) -> list[dict[str, Any]]:
    """Every event up to and including the run's final status (none when the snapshot's is)."""
    events: list[dict[str, Any]] = []
    status = snapshot.get("status")
    while status not in FINAL:
        events.append(receive(ws))
        if events[-1]["type"] == "run.status":
            status = events[-1]["status"]
    return events


def stream_graph(gate: Path | None, **config: Any) -> dict[str, Any]:
    """``src`` logs, then ``after`` runs; src starts once `gate` exists (at once when None)."""
    return {
        "nodes": [
            node("src", "ingest.test_stream", gate=str(gate or ""), **config),
            node("after", "feature.test_sleep", seconds=0.1),
        ],
        "edges": [edge("src", "after")],
    }


def stored_lines(run: Run) -> list[tuple[int, str]]:
    return list(LogEntry.objects.filter(run=run).order_by("seq").values_list("seq", "message"))


def test_a_run_streams_every_event_in_order_with_no_gaps(
    team: Team, engine_worker: RunningWorker, server: str, tmp_path: Path
) -> None:
    gate = tmp_path / "gate"
    run = start(team, stream_graph(gate, lines=2000, metric_every=100))

    with open_stream(server, f"/ws/runs/{run.pk}/", team.viewer) as ws:
        snapshot = receive(ws)
        gate.touch()
        events = until_final(ws, snapshot)
    run = wait_for_run(run)

    assert snapshot["type"] == "snapshot" and snapshot["run"] == run.pk
    # One sequence for every event, statuses and progress too: in order, each once, no gaps.
    seqs = [e["seq"] for e in events]
    assert seqs == list(range(snapshot["seq"] + 1, run.last_seq + 1)), "gaps, repeats or disorder"
    lines = [e["message"] for e in events if e["type"] == "log" and e["node"] == "src"]
    assert [line for line in lines if line.startswith("line ")] == [
        f"line {i}" for i in range(2000)
    ]
    metrics = [(e["key"], e["value"], e["index"]) for e in events if e["type"] == "metric"]
    assert metrics == [("lines", float(i), i) for i in range(0, 2000, 100)]
    assert any(e["type"] == "progress" and e["node"] == "src" for e in events)
    after = [e["status"] for e in events if e["type"] == "step.status" and e["node"] == "after"]
    assert after == ["queued", "running", "succeeded"]
    assert events[-1] == {**events[-1], "type": "run.status", "status": "succeeded"}
    streamed = [(e["seq"], e["message"]) for e in snapshot["logs"] + events if e["type"] == "log"]
    assert streamed == stored_lines(run), "the stream and the database differ"


def test_a_client_that_reconnects_and_backfills_gets_every_line_once(
    team: Team, engine_worker: RunningWorker, server: str, tmp_path: Path
) -> None:
    gate, hold = tmp_path / "gate", tmp_path / "hold"
    run = start(team, stream_graph(gate, lines=5000, hold_at=2500, hold_gate=str(hold)))
    seen: list[tuple[int, str]] = []
    last = 0

    def take(entry: dict[str, Any]) -> None:
        nonlocal last
        if entry["seq"] > last:
            last = entry["seq"]
            if "message" in entry:
                seen.append((entry["seq"], entry["message"]))

    with open_stream(server, f"/ws/runs/{run.pk}/", team.viewer) as ws:
        first = receive(ws)
        for entry in first["logs"]:
            take(entry)
        last = max(last, first["seq"])
        gate.touch()
        while len(seen) < 300:
            take(receive(ws))
    # Away: the block logs up to line 2499, then holds until the client is back.

    with open_stream(server, f"/ws/runs/{run.pk}/", team.viewer) as ws:
        snapshot = receive(ws)
        client = token_client(team.viewer)
        while last < snapshot["seq"]:  # backfill: GET .../logs/?after=<seq>, page by page
            page = client.get(team.url(f"runs/{run.pk}/logs/?after={last}&page_size=500")).json()
            for entry in page["results"]:
                if entry["seq"] <= snapshot["seq"]:
                    take(entry)
            if not page["next"]:
                break
        last = max(last, snapshot["seq"])
        hold.touch()
        for event in until_final(ws, snapshot):
            take(event)

    run = wait_for_run(run)
    assert seen == stored_lines(run)
    lines = [message for _, message in seen if message.startswith("line ")]
    assert lines == [f"line {i}" for i in range(5000)]


def test_a_block_that_writes_10000_lines_delivers_all_of_them(
    team: Team, engine_worker: RunningWorker, server: str, tmp_path: Path
) -> None:
    gate = tmp_path / "gate"
    graph = {"nodes": [node("src", "ingest.test_stream", gate=str(gate), lines=10_000)]}
    run = start(team, {**graph, "edges": []})

    with open_stream(server, f"/ws/runs/{run.pk}/", team.viewer) as ws:
        snapshot = receive(ws)
        gate.touch()
        events = until_final(ws, snapshot)

    lines = [e["message"] for e in events if e["type"] == "log" and e["message"].startswith("line")]
    assert lines == [f"line {i}" for i in range(10_000)]
    assert LogEntry.objects.filter(run=run, message__startswith="line ").count() == 10_000


def test_a_finished_run_still_answers_with_its_final_state(
    team: Team, engine_worker: RunningWorker, server: str
) -> None:
    run = wait_for_run(start(team, stream_graph(None, lines=300)))

    with open_stream(server, f"/ws/runs/{run.pk}/", team.viewer) as ws:
        snapshot = receive(ws)

    assert snapshot["status"] == "succeeded" and snapshot["seq"] == run.last_seq
    assert {s["node"]: (s["status"], s["progress"]) for s in snapshot["steps"]} == {
        "src": ("succeeded", 1.0),
        "after": ("succeeded", 1.0),
    }
    assert [(e["seq"], e["message"]) for e in snapshot["logs"]] == stored_lines(run)[-200:]
    assert snapshot["earlier_logs"] is True


def test_a_member_can_use_the_session_cookie(
    team: Team, engine_worker: RunningWorker, server: str
) -> None:
    run = wait_for_run(start(team, stream_graph(None, lines=1)))
    browser = Client()
    browser.force_login(team.viewer)
    cookie = f"sessionid={browser.cookies['sessionid'].value}"

    with open_stream(server, f"/ws/runs/{run.pk}/", additional_headers={"Cookie": cookie}) as ws:
        assert receive(ws)["status"] == "succeeded"


@pytest.mark.parametrize(("who", "code"), [("anonymous", 4401), ("outsider", 4403)])
def test_an_anonymous_client_and_a_non_member_are_closed(
    team: Team, engine_worker: RunningWorker, server: str, who: str, code: int
) -> None:
    gate_less = {"nodes": [node("src", "ingest.test_stream", lines=1)], "edges": []}
    run = wait_for_run(start(team, gate_less))
    user = team.outsider if who == "outsider" else None

    with open_stream(server, f"/ws/runs/{run.pk}/", user) as ws, pytest.raises(ConnectionClosed):
        receive(ws)
    assert ws.close_code == code


def test_a_foreign_origin_is_refused(team: Team, engine_worker: RunningWorker, server: str) -> None:
    gate_less = {"nodes": [node("src", "ingest.test_stream", lines=1)], "edges": []}
    run = wait_for_run(start(team, gate_less))

    with pytest.raises(InvalidStatus) as refused:
        open_stream(server, f"/ws/runs/{run.pk}/", team.owner, origin="http://evil.example.com")
    assert refused.value.response.status_code == 403


def test_the_workspace_stream_reports_status_changes_after_a_quiet_spell(
    team: Team, engine_worker: RunningWorker, server: str
) -> None:
    with open_stream(server, f"/ws/workspaces/{team.workspace.slug}/", team.viewer) as ws:
        assert receive(ws)["type"] == "subscribed"
        # Longer than redis-py's default socket timeout (5 s): an idle consumer stays connected.
        time.sleep(6)
        run = start(team, {"nodes": [node("src", "ingest.test_stream", lines=1)], "edges": []})
        events = until_final(ws, {})

    assert {e["run"] for e in events} == {run.pk}
    assert [e["status"] for e in events if e["type"] == "run.status"] == [
        "queued",
        "running",
        "succeeded",
    ]
    assert [e["status"] for e in events if e["type"] == "step.status"] == [
        "queued",
        "running",
        "succeeded",
    ]


def test_the_follow_run_example_prints_every_line(
    team: Team, engine_worker: RunningWorker, server: str
) -> None:
    run = start(team, stream_graph(None, lines=1500, per_second=1000))

    follow = subprocess.run(
        [sys.executable, "docs/follow_run.py", server, "--workspace", team.workspace.slug,
         "--run", str(run.pk), "--token", token(team.viewer)],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip

    assert follow.returncode == 0, follow.stderr
    printed = [line.split(" | ", 1)[1] for line in follow.stdout.splitlines()]
    assert printed == [message for _, message in stored_lines(wait_for_run(run))]
    assert "run " in follow.stderr and "succeeded" in follow.stderr
