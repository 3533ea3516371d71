"""The block catalogue. Importing this package registers every built-in block."""

# Importing the family modules registers their blocks, in pipeline order.
from backend.runners.blocks import evaluate, feature, ingest, publish, train  # noqa: F401
from backend.runners.blocks.base import (
    FIGURE,
    METRICS,
    MODEL,
    TABLE,
    Block,
    BlockConfig,
    ConfigIssue,
    Port,
    SchemaEnv,
    StepContext,
)
from backend.runners.blocks.registry import (
    all_blocks,
    describe_block,
    find_block,
    get_block,
    register_block,
)
from backend.runners.schema import Column, TableSchema

__all__ = [
    "FIGURE",
    "METRICS",
    "MODEL",
    "TABLE",
    "Block",
    "BlockConfig",
    "Column",
    "ConfigIssue",
    "Port",
    "SchemaEnv",
    "StepContext",
    "TableSchema",
    "all_blocks",
    "describe_block",
    "find_block",
    "get_block",
    "register_block",
]
