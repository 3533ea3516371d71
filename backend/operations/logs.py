"""The log line format of every process (web, workers, beat): time, level, logger, message, and
the run and step a line was made for.

``LOGGING`` in the settings installs `StepIdsFilter` on the console handler and one of the two
formatters: `TextFormatter` for people reading a terminal, `JsonFormatter` (``LOG_FORMAT=json``)
for a log collector, one JSON object per line. The ids come from
``backend.engine.runtime.logcontext``, which the executor binds around each step; a line made
outside a step has them empty (text) or null (JSON). The filter sits on the handler, not on a
logger, because a handler's filters see every record that reaches it, propagated ones included.
``celery.task`` gets the same handler: Celery leaves a logger that has one alone.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any

from backend.engine.runtime.logcontext import current_step

#: The attributes `StepIdsFilter` sets on every record, and the JSON keys that carry them.
ID_FIELDS = ("run_id", "step_id", "node_id")


class StepIdsFilter(logging.Filter):
    """Sets ``run_id``, ``step_id`` and ``node_id`` on each record (None outside a step)."""

    def filter(self, record: logging.LogRecord) -> bool:
        ids = current_step()
        # A record made elsewhere with these attributes set (``extra=``) keeps its own.
        record.run_id = getattr(record, "run_id", None) or (ids.run_id if ids else None)
        record.step_id = getattr(record, "step_id", None) or (ids.step_id if ids else None)
        record.node_id = getattr(record, "node_id", None) or (ids.node_id if ids else None)
        return True


def _timestamp(record: logging.LogRecord) -> str:
    """The record's time in UTC, ISO 8601 with milliseconds: 2026-05-01T12:00:00.123Z."""
    moment = datetime.fromtimestamp(record.created, tz=UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


class TextFormatter(logging.Formatter):
    """One readable line: ``<time> <LEVEL> <logger> [run=.. step=.. node=..] <message>``.

    The bracket appears only on lines made during a step.
    """

    def format(self, record: logging.LogRecord) -> str:
        ids = ""
        if getattr(record, "step_id", None) is not None:
            ids = f" [run={record.run_id} step={record.step_id} node={record.node_id}]"
        line = f"{_timestamp(record)} {record.levelname} {record.name}{ids} {record.getMessage()}"
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        if record.stack_info:
            line += "\n" + self.formatStack(record.stack_info)
        return line


class JsonFormatter(logging.Formatter):
    """One JSON object per line, with the keys ``time``, ``level``, ``logger``, ``message``,
    ``run_id``, ``step_id``, ``node_id``, ``process`` and, after an exception,
    ``exception`` (its traceback as text)."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": _timestamp(record),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            **{name: getattr(record, name, None) for name in ID_FIELDS},
            "process": record.process,
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        # default=str: a message argument that JSON cannot hold is written as its text.
        return json.dumps(entry, ensure_ascii=False, default=str)
