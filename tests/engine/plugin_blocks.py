"""Blocks used only by the engine tests, loaded into worker processes via BLOCK_PLUGINS."""

from __future__ import annotations

import logging
import os
import time
import warnings
from typing import Any

import pandas as pd
from pydantic import Field

from backend.blocks.base import TABLE, Block, BlockConfig, StepCancelled, StepContext
from backend.blocks.registry import register_block
from backend.blocks.values import Table


@register_block
class Chatter(Block):
    """Emit a table and many log lines."""

    key = "ingest.test_chatter"
    title = "Chatter"
    family = "ingest"
    outputs = {"table": TABLE}

    class Config(BlockConfig):
        lines: int = Field(3, ge=0)
        seed: int = 0

    def run(self, ctx: StepContext, **inputs: Any) -> dict[str, Any]:
        for i in range(ctx.config.lines):
            ctx.log(f"line {i}")
        ctx.metric("lines", ctx.config.lines)
        frame = pd.DataFrame({"x": [1.0, 2.0, 3.0], "seed": [ctx.config.seed] * 3})
        return {"table": Table(frame)}


@register_block
class Sleep(Block):
    """Sleep, checking for cancellation; records which process ran it."""

    key = "feature.test_sleep"
    title = "Sleep"
    family = "feature"
    inputs = {"table": TABLE}
    outputs = {"table": TABLE}

    class Config(BlockConfig):
        seconds: float = 1.0
        tag: str = ""

    def run(self, ctx: StepContext, table: Table) -> dict[str, Any]:
        deadline = time.monotonic() + ctx.config.seconds
        while time.monotonic() < deadline:
            if ctx.cancelled():
                raise StepCancelled()
            ctx.progress(1 - (deadline - time.monotonic()) / ctx.config.seconds)
            time.sleep(0.05)
        frame = table.frame.assign(pid=os.getpid())
        return {"table": table.with_frame(frame)}


@register_block
class Fragile(Block):
    """Sleep without retries (a worker lost mid-step fails it)."""

    key = "feature.test_fragile"
    title = "Fragile"
    family = "feature"
    inputs = {"table": TABLE}
    outputs = {"table": TABLE}
    retries = 0

    class Config(BlockConfig):
        seconds: float = 1.0

    def run(self, ctx: StepContext, table: Table) -> dict[str, Any]:
        time.sleep(ctx.config.seconds)
        return {"table": table}


@register_block
class Explode(Block):
    """Always fails."""

    key = "feature.test_explode"
    title = "Explode"
    family = "feature"
    inputs = {"table": TABLE}
    outputs = {"table": TABLE}

    def run(self, ctx: StepContext, table: Table) -> dict[str, Any]:
        ctx.log("about to fail")
        raise ValueError("boom: the block broke")


@register_block
class LookupBug(Block):
    """Fails with a KeyError of its own, which its retry policy covers."""

    key = "feature.test_lookup_bug"
    title = "Lookup bug"
    family = "feature"
    inputs = {"table": TABLE}
    outputs = {"table": TABLE}
    retries = 1
    retry_on = (KeyError,)

    def run(self, ctx: StepContext, table: Table) -> dict[str, Any]:
        return {"table": {"rows": table}["columns"]}


@register_block
class Join(Block):
    """Concatenate two tables."""

    key = "feature.test_join"
    title = "Join"
    family = "feature"
    inputs = {"left": TABLE, "right": TABLE}
    outputs = {"table": TABLE}

    def run(self, ctx: StepContext, left: Table, right: Table) -> dict[str, Any]:
        return {"table": Table(pd.concat([left.frame, right.frame], ignore_index=True))}


@register_block
class Noisy(Block):
    """Write through Python logging and warnings instead of ctx.log."""

    key = "feature.test_noisy"
    title = "Noisy"
    family = "feature"
    inputs = {"table": TABLE}
    outputs = {"table": TABLE}

    def run(self, ctx: StepContext, table: Table) -> dict[str, Any]:
        logging.getLogger("user.code").info("hello from logging")
        logging.getLogger("user.code").error("an error from logging")
        warnings.warn("this option is deprecated", DeprecationWarning, stacklevel=1)
        return {"table": table}


def _wait_for(ctx: StepContext, gate: str) -> None:
    """Wait until the file `gate` exists (a test opens it), 60 s at most."""
    deadline = time.monotonic() + 60
    while not os.path.exists(gate):
        if ctx.cancelled():
            raise StepCancelled()
        if time.monotonic() > deadline:
            raise RuntimeError(f"gate {gate} never opened")
        time.sleep(0.01)


@register_block
class Stream(Block):
    """Once a gate file exists, log numbered lines (a metric and progress along the way)."""

    key = "ingest.test_stream"
    title = "Stream"
    family = "ingest"
    outputs = {"table": TABLE}

    class Config(BlockConfig):
        lines: int = Field(10, ge=0)
        per_second: float = Field(0.0, ge=0)  # 0: as fast as the block can
        metric_every: int = Field(0, ge=0)
        gate: str = ""  # start once this file exists
        hold_at: int = Field(0, ge=0)  # before this line, wait for hold_gate
        hold_gate: str = ""

    def run(self, ctx: StepContext, **inputs: Any) -> dict[str, Any]:
        config = ctx.config
        if config.gate:
            _wait_for(ctx, config.gate)
        started = time.monotonic()
        for i in range(config.lines):
            if config.hold_gate and i == config.hold_at:
                _wait_for(ctx, config.hold_gate)
            ctx.log(f"line {i}")
            if config.metric_every and i % config.metric_every == 0:
                ctx.metric("lines", i, i)
                ctx.progress(i / config.lines)
            if config.per_second:
                time.sleep(max(0.0, started + (i + 1) / config.per_second - time.monotonic()))
        return {"table": Table(pd.DataFrame({"x": [1.0, 2.0]}))}
