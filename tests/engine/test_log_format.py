"""Log lines carry time, level, logger and, during a step, the run and step ids; JSON lines
when LOG_FORMAT=json, in the web process's format and in a real worker's."""

from __future__ import annotations

import json
import logging
import re
import sys
from pathlib import Path
from typing import Any

import pytest

from backend.engine.runtime.logcontext import bind_step, unbind
from backend.operations.logs import JsonFormatter, StepIdsFilter, TextFormatter
from tests.conftest import Team
from tests.engine.conftest import PLUGINS, start, wait_for_run
from tests.engine.test_waiting import broker  # noqa: F401  (a Redis of the test's own)
from tests.graphs import edge, node
from tests.workers import celery_worker

TIME = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z"


def record(message: str, *args: Any, exc_info: Any = None) -> logging.LogRecord:
    """A record of the logger ``user.code``, passed through the ids filter as a handler would."""
    made = logging.LogRecord("user.code", logging.WARNING, __file__, 1, message, args, exc_info)
    StepIdsFilter().filter(made)
    return made


def test_a_line_made_during_a_step_carries_its_ids() -> None:
    token = bind_step(run_id=7, step_id=42, node_id="n1")
    try:
        inside = record("rows: %d", 3)
    finally:
        unbind(token)
    outside = record("between steps")

    entry = json.loads(JsonFormatter().format(inside))
    assert entry["message"] == "rows: 3" and entry["level"] == "WARNING"
    assert entry["logger"] == "user.code"
    assert (entry["run_id"], entry["step_id"], entry["node_id"]) == (7, 42, "n1")
    assert json.loads(JsonFormatter().format(outside))["step_id"] is None

    assert (
        TextFormatter()
        .format(inside)
        .endswith(" WARNING user.code [run=7 step=42 node=n1] rows: 3")
    )
    assert "[run=" not in TextFormatter().format(outside)


def test_json_lines_hold_tracebacks_and_messages_json_cannot_hold() -> None:
    try:
        raise ValueError("bad value")
    except ValueError:
        failed = record("could not %s", object(), exc_info=sys.exc_info())

    line = JsonFormatter().format(failed)

    assert "\n" not in line  # one record, one line, even with a traceback
    entry = json.loads(line)
    assert entry["message"].startswith("could not <object object at")
    assert "ValueError: bad value" in entry["exception"]
    assert entry["time"][-1] == "Z"


@pytest.mark.worker
@pytest.mark.usefixtures("transactional_db", "broker")
def test_a_real_worker_writes_json_lines_with_the_step_ids(team: Team, tmp_path: Path) -> None:
    # Its own broker: the session's engine worker (if started) must not take these steps, or
    # their lines would be in that worker's log instead of this one's.
    import tests.engine.plugin_blocks  # noqa: F401  (validation in this process needs them)

    log = tmp_path / "worker.log"
    graph = {
        "nodes": [node("a", "ingest.test_chatter"), node("b", "feature.test_noisy")],
        "edges": [edge("a", "b")],
    }
    with celery_worker(log_path=log, env={"LOG_FORMAT": "json", "BLOCK_PLUGINS": PLUGINS}):
        run = wait_for_run(start(team, graph))
    assert run.status == "succeeded"
    noisy = run.steps.get(node_id="b")

    lines = log.read_text().splitlines()
    # Celery's banner is printed, not logged; every logged line is one JSON object.
    entries = [json.loads(line) for line in lines if line.startswith("{")]
    assert not [line for line in lines if re.match(r"\[\d{4}-", line)], "in Celery's own format"
    by_message = {entry["message"]: entry for entry in entries}
    hello = by_message["hello from logging"]
    assert hello["logger"] == "user.code" and hello["level"] == "INFO"
    assert (hello["run_id"], hello["step_id"], hello["node_id"]) == (run.pk, noisy.pk, "b")
    assert by_message["an error from logging"]["level"] == "ERROR"
    # Celery's own lines are in the same format, without ids outside a step.
    received = [
        e for e in entries if e["logger"].startswith("celery") and "received" in e["message"]
    ]
    assert received and all(e["step_id"] is None for e in received)
    for entry in entries:
        assert set(entry) >= {"time", "level", "logger", "message", "run_id", "step_id"}
