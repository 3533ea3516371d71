"""Blocks for the orchestration benchmark (loaded into workers via BLOCK_PLUGINS).

The peers' workload: each step sleeps 10 ms and hands ``x + 1`` on, the same work as the raw
Celery task in bench/raw_celery.py, so that what differs is only the orchestration around it.
"""

from __future__ import annotations

import time
from typing import Any

from backend.blocks.base import METRICS, Block, BlockConfig, StepContext
from backend.blocks.registry import register_block


@register_block
class Increment(Block):
    """Sleep a while, then hand on the input's x plus one (0 with nothing wired in)."""

    key = "feature.bench_increment"
    title = "Bench increment"
    family = "feature"
    inputs = {"value": METRICS.optional()}
    outputs = {"value": METRICS}

    class Config(BlockConfig):
        sleep_ms: float = 10.0

    def run(
        self, ctx: StepContext, value: dict[str, Any] | None = None
    ) -> dict[str, dict[str, int]]:
        time.sleep(ctx.config.sleep_ms / 1000)
        return {"value": {"x": 0 if value is None else int(value["x"]) + 1}}
