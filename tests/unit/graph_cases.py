"""Test blocks and graph cases shared by the graph unit tests and the pipeline API tests.

Blocks for the cases the built-in catalogue cannot express (a `model` input, a column named in
config) are registered per test (`registered`); MALFORMED graphs fail parsing, INVALID ones
parse but cannot run.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from backend.blocks import MODEL, TABLE, Block, BlockConfig, TableSchema
from backend.blocks.base import ConfigIssue, SchemaEnv, missing_columns
from backend.blocks.registry import register_block, unregister_block
from backend.engine.graph import (
    Graph,
    GraphIssue,
    parse_graph,
)
from tests import graphs
from tests.graphs import edge


class ModelSink(Block):
    """Test block: takes a model (so a table wired into it is a type mismatch)."""

    key = "evaluate.test_model_sink"
    title = "Model sink"
    family = "evaluate"
    inputs = {"model": MODEL}
    outputs = {}


class PickColumn(Block):
    """Test block: names one column of its input table in its config."""

    key = "feature.test_pick_column"
    title = "Pick column"
    family = "feature"
    inputs = {"table": TABLE, "extra": TABLE.optional()}
    outputs = {"table": TABLE}

    class Config(BlockConfig):
        column: str = "target"

    def infer_schemas(
        self, config: Config, inputs: dict[str, TableSchema | None], env: SchemaEnv
    ) -> tuple[dict[str, TableSchema | None], list[ConfigIssue]]:
        schema = inputs.get("table")
        issues = missing_columns(schema, [config.column], field="column", port="table")
        return {"table": schema}, issues


TEST_BLOCKS = (ModelSink, PickColumn)


@contextmanager
def registered(*blocks: type[Block]) -> Iterator[None]:
    """Register `blocks` in the catalogue for the duration of the block."""
    for block in blocks:
        register_block(block)
    try:
        yield
    finally:
        for block in blocks:
            unregister_block(block.key)


def node(node_id: str, block: str = PickColumn.key, **config: Any) -> dict[str, Any]:
    """A graph node; a PickColumn unless another block is named."""
    return graphs.node(node_id, block, **config)


def wires(pairs: list[tuple[str, str]]) -> list[dict[str, Any]]:
    """Table edges between PickColumn nodes; a second edge into a node uses its 'extra' port."""
    wired: set[str] = set()
    edges = []
    for source, target in pairs:
        edges.append(edge(source, target, target_port="extra" if target in wired else "table"))
        wired.add(target)
    return edges


def graph(nodes: list[dict[str, Any]], edges: list[dict[str, Any]] | None = None) -> Graph:
    return parse_graph({"nodes": nodes, "edges": edges or []})


def places(issues: list[GraphIssue]) -> set[tuple[str | None, str | None]]:
    return {(issue.node, issue.port) for issue in issues}


MALFORMED = [
    # (id, graph json, expected issue fields, expected issue nodes)
    ("list", [], {None}, {None}),
    ("string", "nodes", {None}, {None}),
    ("nodes-not-list", {"nodes": {"id": "a"}}, {"graph.nodes"}, {None}),
    ("node-without-id", {"nodes": [{"block": "ingest.sample"}]}, {"graph.nodes[0].id"}, {None}),
    (
        "bad-node-id",
        {"nodes": [{"id": "a b", "block": "ingest.sample"}]},
        {"graph.nodes[0].id"},
        {"a b"},
    ),
    (
        "unknown-node-key",
        {"nodes": [{"id": "a", "block": "ingest.sample", "colour": "red"}]},
        {"graph.nodes[0].colour"},
        {"a"},
    ),
    (
        "position-not-numbers",
        {"nodes": [{"id": "a", "block": "ingest.sample", "position": {"x": "left"}}]},
        {"graph.nodes[0].position.x"},
        {"a"},
    ),
    ("edge-missing-port", {"nodes": [], "edges": [{"source": "a"}]}, None, {None}),
    (
        "edge-to-missing-node",
        {"nodes": [node("a")], "edges": [edge("a", "ghost")]},
        {"graph.edges[0].target"},
        {"ghost"},
    ),
    (
        "edge-from-missing-node",
        {"nodes": [node("a")], "edges": [edge("ghost", "a")]},
        {"graph.edges[0].source"},
        {"ghost"},
    ),
    ("duplicate-node-id", {"nodes": [node("a"), node("a")]}, {None}, {"a"}),
    ("self-loop", {"nodes": [node("a")], "edges": [edge("a", "a")]}, {None}, {"a"}),
    (
        "two-edges-into-one-port",
        {"nodes": [node("a"), node("b"), node("c")], "edges": [edge("a", "c"), edge("b", "c")]},
        {None},
        {"c"},
    ),
]


SRC = node("src", "ingest.sample", name="iris")
INVALID = [
    # (id, nodes, edges, expected (node, port) places, extra expectations on the first issue)
    ("unknown-block", [node("x", "ingest.nope")], [], {("x", None)}, {"field": "block"}),
    (
        "unknown-output-port",
        [SRC, node("pick")],
        [edge("src", "pick", source_port="rows")],
        {("src", "rows")},
        {},
    ),
    (
        "unknown-input-port",
        [SRC, node("pick")],
        [edge("src", "pick", target_port="rows"), edge("src", "pick")],
        {("pick", "rows")},
        {},
    ),
    (
        "type-mismatch",
        [SRC, node("sink", "evaluate.test_model_sink")],
        [edge("src", "sink", target_port="model")],
        {("sink", "model")},
        {},
    ),
    (
        "required-input-unwired",
        [node("sink", "evaluate.test_model_sink")],
        [],
        {("sink", "model")},
        {},
    ),
    (
        "config-out-of-range",
        [node("syn", "ingest.synthetic", rows=1)],
        [],
        {("syn", None)},
        {"field": "rows"},
    ),
    (
        "config-unknown-key",
        [node("syn", "ingest.synthetic", colour="red")],
        [],
        {("syn", None)},
        {"field": "colour"},
    ),
    (
        "config-wrong-type",
        [SRC, node("pick", column=["a", "b"])],
        [edge("src", "pick")],
        {("pick", None)},
        {"field": "column"},
    ),
    (
        "column-missing-upstream",
        [SRC, node("pick", column="petal colour")],
        [edge("src", "pick")],
        {("pick", "table")},
        {"field": "column", "column": "petal colour"},
    ),
    (
        "cycle",
        [node("a"), node("b")],
        [edge("a", "b"), edge("b", "a")],
        {("a", None), ("b", None)},
        {},
    ),
    (
        "several-problems-at-once",
        [node("x", "ingest.nope"), node("sink", "evaluate.test_model_sink")],
        [],
        {("x", None), ("sink", "model")},
        {},
    ),
]
