"""Runs one attempt of one step: claim the lease, load inputs, run the block, store outputs.

While the block runs, a supervisor thread flushes its logs and metrics in batches, renews the
lease, and watches for cancellation. A block's own `logging` calls and warnings land in the
step's log too. Whatever happens, the step ends in a recorded state (or, if this worker lost its
lease, writes nothing and leaves the step to its new owner).
"""

from __future__ import annotations

import logging
import threading
import time
import traceback
import warnings
from typing import Any

from django.db import InterfaceError, OperationalError, close_old_connections
from pydantic import ValidationError

from backend.blocks import get_block
from backend.blocks.base import Block, StepCancelled
from backend.engine.artifacts import ArtifactStore, default_store
from backend.engine.events.buffer import StepEventBuffer
from backend.engine.graph import config_error_message, version_graph
from backend.engine.leases import step_claim
from backend.engine.outcomes import step_fail, step_mark_cancelled, step_succeed
from backend.engine.runtime.capture import EventLogHandler
from backend.engine.runtime.context import StepRuntime, detect_device, worker_name
from backend.engine.runtime.logcontext import bind_step, unbind
from backend.engine.runtime.supervisor import Supervisor
from backend.engine.values_io import StoredValue, load_value, store_value
from backend.errors import UserError
from backend.pipelines.models import Artifact, Run, StepRun


def _load_inputs(run: Run, step: StepRun, store: ArtifactStore) -> dict[str, Any]:
    graph = version_graph(run.version_id, run.version.graph)
    inputs: dict[str, Any] = {}
    for edge in graph.edges:
        if edge.target != step.node_id:
            continue
        artifact = Artifact.objects.get(
            step__run=run, step__node_id=edge.source, port=edge.source_port
        )
        inputs[edge.target_port] = load_value(
            store, artifact.kind, artifact.digest, artifact.metadata
        )
    return inputs


def _store_outputs(
    block: type[Block], outputs: dict[str, Any], store: ArtifactStore
) -> dict[str, StoredValue]:
    missing = set(block.outputs) - set(outputs)
    if missing:
        raise RuntimeError(f"block {block.key} returned no value for {sorted(missing)}")
    return {
        port: store_value(store, spec.type, outputs[port]) for port, spec in block.outputs.items()
    }


def _failure_message(exc: Exception) -> str:
    """What the step's record says went wrong: the user's mistake as its message says it, a
    bug in a block as its exception (the traceback is recorded beside it)."""
    if isinstance(exc, UserError):
        place = ", ".join(f"{k} '{v}'" for k, v in exc.place.items())
        return f"{exc.message} ({place})" if place else exc.message
    text = str(exc)
    if isinstance(exc, LookupError) or not text:  # KeyError('x') says only "'x'"
        return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
    return text


def execute_step(step_id: int, attempt: int, *, resume: bool = False) -> str:
    """Run attempt `attempt` of step `step_id`; returns what happened (for the task's log).

    A database error of the engine's own (not the block's) propagates, for the task to retry
    with `resume` (see backend.engine.leases.step_claim).
    """
    close_old_connections()
    claimed = step_claim(step_id=step_id, attempt=attempt, worker=worker_name(), resume=resume)
    if claimed is None:
        return "stale"
    run, step = claimed
    log_ids = bind_step(run_id=run.pk, step_id=step.pk, node_id=step.node_id)
    events = StepEventBuffer(run_id=run.pk, step_id=step.pk, node_id=step.node_id)
    runtime = StepRuntime(config=None, run=run, step=step, events=events, store=default_store())
    supervisor = Supervisor(runtime)
    handler = EventLogHandler(events, threading.get_ident())
    handler.setFormatter(logging.Formatter("%(name)s: %(message)s"))
    root = logging.getLogger()
    previous_level = root.level
    root.addHandler(handler)
    root.setLevel(min(previous_level, logging.INFO))
    supervisor.start()
    retry_on: tuple[type[BaseException], ...] = ()
    try:
        block_cls = get_block(step.block_key)
        retry_on = block_cls.retry_on
        return _run_block(runtime, block_cls)
    except StepCancelled:
        return _stopped(runtime)
    except UserError as exc:  # the user's to fix: retrying cannot help
        return _fail(runtime, exc, retryable=False)
    except (OperationalError, InterfaceError):
        raise  # the database is unreachable: the task retries this attempt (see above)
    except Exception as exc:
        return _fail(runtime, exc, retryable=isinstance(exc, retry_on))
    finally:
        root.removeHandler(handler)
        root.setLevel(previous_level)
        supervisor.done.set()
        events.wake()  # the supervisor may be waiting for events: let it see `done` now
        supervisor.join(timeout=10)
        events.flush()
        unbind(log_ids)


def _run_block(runtime: StepRuntime, block_cls: type[Block]) -> str:
    events, step = runtime.events, runtime.step
    with warnings.catch_warnings():
        warnings.simplefilter("always")
        warnings.showwarning = lambda message, category, *a, **k: events.log(
            f"{category.__name__}: {message}", "warning"
        )
        node = version_graph(runtime.run.version_id, runtime.run.version.graph).node(step.node_id)
        try:
            runtime.config = block_cls.parse_config(node.config)
        except ValidationError as exc:
            raise UserError(f"invalid config: {config_error_message(exc.errors()[0])}") from exc
        # Only blocks that want a GPU pay for importing torch to look for one.
        runtime.device = detect_device() if block_cls.queue == "gpu" else "cpu"
        events.log(
            f"{block_cls.key} v{block_cls.version}, attempt {step.attempt}, on {runtime.device}"
        )
        inputs = _load_inputs(runtime.run, step, runtime.store)
        started = time.perf_counter()
        outputs = block_cls().run(runtime, **inputs)
        stored = _store_outputs(block_cls, outputs or {}, runtime.store)
        events.log(f"finished in {time.perf_counter() - started:.2f} s")
    return _finish(runtime, stored)


def _finish(runtime: StepRuntime, stored: dict[str, StoredValue]) -> str:
    # The last lines are saved in the outcome's transaction: one commit, no writer round trip.
    step = runtime.step
    if step_succeed(
        step_id=step.pk,
        attempt=step.attempt,
        outputs=stored,
        before=runtime.events.flush_in_transaction,
    ):
        return "succeeded"
    return "lease lost"


def _stopped(runtime: StepRuntime) -> str:
    runtime.events.log("stopped: the run was cancelled", "warning")
    runtime.events.flush()
    step = runtime.step
    if step_mark_cancelled(step_id=step.pk, attempt=step.attempt):
        return "cancelled"
    return "lease lost"


def _fail(runtime: StepRuntime, exc: Exception, *, retryable: bool) -> str:
    message = _failure_message(exc)
    trace = "".join(traceback.format_exception(exc))
    runtime.events.log(f"failed: {message}", "error")
    runtime.events.flush()
    step = runtime.step
    status = step_fail(
        step_id=step.pk, attempt=step.attempt, message=message, traceback=trace, retryable=retryable
    )
    return status or "lease lost"
