"""The block catalogue. Importing this package registers every built-in block."""

from backend.runners.blocks import ingest  # noqa: F401  (registers the ingest blocks)
from backend.runners.blocks.base import (
    FIGURE,
    METRICS,
    MODEL,
    TABLE,
    Block,
    BlockConfig,
    Column,
    ConfigIssue,
    Port,
    SchemaEnv,
    StepContext,
    TableSchema,
)
from backend.runners.blocks.registry import (
    all_blocks,
    describe_block,
    find_block,
    get_block,
    register_block,
)

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
