"""The log-stream benchmark's block (loaded into the worker via BLOCK_PLUGINS=bench.log_blocks)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pandas as pd

from backend.blocks.base import TABLE, Block, BlockConfig, StepCancelled, StepContext
from backend.blocks.registry import register_block
from backend.blocks.values import Table


def busy(iterations: int) -> int:
    """Pure-Python work that holds the GIL, like a block's own Python code."""
    total = 0
    for i in range(iterations):
        total += i * i % 7
    return total


@register_block
class Chatty(Block):
    """Busy work with a log line after each unit; reports the loop's wall and CPU time."""

    key = "ingest.bench_chatty"
    title = "Bench chatty"
    family = "ingest"
    outputs = {"table": TABLE}

    class Config(BlockConfig):
        lines: int = 5000
        work: int = 0  # busy() iterations per line
        log: bool = True
        gate: str = ""  # start once this file exists (the client is listening)

    def run(self, ctx: StepContext, **inputs: Any) -> dict[str, Any]:
        config = ctx.config
        while config.gate and not Path(config.gate).exists():
            if ctx.cancelled():
                raise StepCancelled()
            time.sleep(0.01)
        started, cpu, own = time.perf_counter(), time.process_time(), time.thread_time()
        for i in range(config.lines):
            busy(config.work)
            if config.log:
                ctx.log(f"line {i}")
        # Wall time; CPU time of this thread; of the whole worker process (this thread, the one
        # that flushes the step's events and the one that broadcasts them).
        ctx.metric("loop_seconds", time.perf_counter() - started)
        ctx.metric("loop_thread_cpu_seconds", time.thread_time() - own)
        ctx.metric("loop_cpu_seconds", time.process_time() - cpu)
        return {"table": Table(pd.DataFrame({"x": [1]}))}
