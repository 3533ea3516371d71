"""What a block says besides ``ctx.log``: its `logging` records and warnings go to the
step's log too.
"""

from __future__ import annotations

import logging

from backend.engine.events.buffer import StepEventBuffer


class EventLogHandler(logging.Handler):
    """Sends `logging` records made on the block's thread to the step's log."""

    def __init__(self, events: StepEventBuffer, thread_id: int) -> None:
        super().__init__(level=logging.INFO)
        self.events, self.thread_id = events, thread_id

    def emit(self, record: logging.LogRecord) -> None:
        if record.thread != self.thread_id or record.name.startswith(("django", "celery")):
            return
        level = record.levelname.lower()
        self.events.log(self.format(record), "warning" if level == "critical" else level)
