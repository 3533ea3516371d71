"""Trivial blocks for the orchestration benchmark (loaded into workers via BLOCK_PLUGINS)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from backend.blocks.base import TABLE, Block, StepContext
from backend.blocks.registry import register_block
from backend.blocks.values import Table


@register_block
class Seed(Block):
    """A one-row table."""

    key = "ingest.bench_seed"
    title = "Bench seed"
    family = "ingest"
    outputs = {"table": TABLE}

    def run(self, ctx: StepContext, **inputs: Any) -> dict[str, Any]:
        return {"table": Table(pd.DataFrame({"x": [1]}))}


@register_block
class Noop(Block):
    """Pass the table through unchanged."""

    key = "feature.bench_noop"
    title = "Bench no-op"
    family = "feature"
    inputs = {"table": TABLE}
    outputs = {"table": TABLE}

    def run(self, ctx: StepContext, table: Table) -> dict[str, Any]:
        return {"table": table}
