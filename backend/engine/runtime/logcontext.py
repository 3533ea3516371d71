"""Which run and step the current code is working for, so that every log line can say so.

The executor binds the ids around one attempt of a step; a logging filter (the log format in
``backend.operations.logs``) reads them. They live in a `contextvars.ContextVar`, so they belong
to the thread (or asyncio task) that set them: a step's own lines carry its ids, the
supervisor thread's lines and the worker's lines between two steps carry none.
"""

from __future__ import annotations

import contextvars
from dataclasses import dataclass


@dataclass(frozen=True)
class StepIds:
    """The ids a log line made during a step carries."""

    run_id: int
    step_id: int
    node_id: str


_current: contextvars.ContextVar[StepIds | None] = contextvars.ContextVar(
    "tributary_step_ids", default=None
)


def bind_step(*, run_id: int, step_id: int, node_id: str) -> contextvars.Token[StepIds | None]:
    """Mark what follows on this thread as the work of one step; pass the token to `unbind`."""
    return _current.set(StepIds(run_id=run_id, step_id=step_id, node_id=node_id))


def unbind(token: contextvars.Token[StepIds | None]) -> None:
    """Undo the `bind_step` that returned `token`."""
    _current.reset(token)


def current_step() -> StepIds | None:
    """The step this thread is working for, or None outside a step."""
    return _current.get()
