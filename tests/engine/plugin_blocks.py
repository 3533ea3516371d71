"""Blocks used only by the engine tests, loaded into worker processes via BLOCK_PLUGINS."""

from __future__ import annotations

import logging
import os
import time
import warnings
from typing import Any

import pandas as pd
from pydantic import Field

from backend.runners.blocks.base import TABLE, Block, BlockConfig, StepCancelled, StepContext
from backend.runners.blocks.registry import register_block
from backend.runners.blocks.values import Table


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
