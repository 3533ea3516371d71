"""The block catalogue. Importing this package registers every built-in block."""

# Importing the family modules registers their blocks, in pipeline order.
from backend.blocks import evaluate, feature, ingest, publish, train  # noqa: F401
from backend.blocks.base import (
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
from backend.blocks.registry import (
    all_blocks,
    describe_block,
    find_block,
    get_block,
    register_block,
)
from backend.blocks.schema import Column, TableSchema

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
