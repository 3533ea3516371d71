"""Graph JSON: structural parsing, validation with the node and port at fault, and the order.

Pure: no database. The test blocks and graph cases are in tests/unit/graph_cases.py, shared with
the pipeline API tests; the `test_blocks` fixture registers the blocks for one test.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from backend.blocks.checks import FakeEnv
from backend.blocks.registry import find_block
from backend.engine.graph import (
    GraphError,
    check_graph,
    config_error_message,
    parse_graph,
    topological_order,
    validate_graph,
)
from tests.graphs import edge
from tests.unit.graph_cases import (
    INVALID,
    MALFORMED,
    SRC,
    TEST_BLOCKS,
    ModelSink,
    graph,
    node,
    places,
    registered,
    wires,
)


@pytest.fixture
def test_blocks() -> Iterator[None]:
    """ModelSink and PickColumn in the catalogue, for this test only."""
    with registered(*TEST_BLOCKS):
        yield
    assert all(find_block(block.key) is None for block in TEST_BLOCKS)


# ------------------------------------------------------------------------------------ parse_graph


def test_parse_graph_fills_defaults_and_round_trips() -> None:
    raw = {
        "nodes": [{"id": "n1", "block": "ingest.sample", "config": {"name": "wine"}}],
        "edges": [],
    }
    parsed = parse_graph(raw)
    assert parsed.to_json() == {
        "nodes": [
            {
                "id": "n1",
                "block": "ingest.sample",
                "config": {"name": "wine"},
                "position": {"x": 0.0, "y": 0.0},
            }
        ],
        "edges": [],
    }
    assert parse_graph(parsed.to_json()) == parsed
    assert parse_graph({}).to_json() == {"nodes": [], "edges": []}


@pytest.mark.parametrize(
    ("data", "fields", "nodes"), [c[1:] for c in MALFORMED], ids=[c[0] for c in MALFORMED]
)
def test_parse_graph_refuses_malformed_json(
    data: Any, fields: set[str | None] | None, nodes: set[str | None]
) -> None:
    with pytest.raises(GraphError) as caught:
        parse_graph(data)
    error = caught.value
    assert error.status == 400
    assert error.place["field"] == "graph"
    assert error.message
    if fields is not None:
        assert {issue.field for issue in error.issues} == fields
    assert {issue.node for issue in error.issues} == nodes
    body = error.as_dict()
    assert body["code"] == "invalid_graph"
    assert body["errors"] == [issue.as_dict() for issue in error.issues]


def test_parse_graph_names_the_port_wired_twice() -> None:
    with pytest.raises(GraphError) as caught:
        graph([node("a"), node("b"), node("c")], [edge("a", "c"), edge("b", "c")])
    assert places(caught.value.issues) == {("c", "table")}
    assert caught.value.as_dict()["node"] == "c"
    assert caught.value.as_dict()["port"] == "table"
    assert "node 'c', port 'table'" in caught.value.message


# ----------------------------------------------------------------------------- topological_order


@pytest.mark.parametrize(
    ("ids", "edges", "expected"),
    [
        (["c", "a", "b"], [], ["c", "a", "b"]),
        (["c", "a", "b"], [("a", "c")], ["a", "c", "b"]),
        (["d", "c", "b", "a"], [("a", "b"), ("b", "c"), ("c", "d")], ["a", "b", "c", "d"]),
        # A diamond: both middle nodes are ready at once; the one listed first goes first.
        (
            ["top", "right", "left", "bottom"],
            [("top", "left"), ("top", "right"), ("left", "bottom"), ("right", "bottom")],
            ["top", "right", "left", "bottom"],
        ),
        (["z", "top", "y", "bottom"], [("top", "bottom")], ["z", "top", "y", "bottom"]),
    ],
)
def test_topological_order_keeps_listed_order_on_ties(
    ids: list[str], edges: list[tuple[str, str]], expected: list[str]
) -> None:
    order = topological_order(graph([node(i) for i in ids], wires(edges)))
    assert order == expected
    for s, t in edges:
        assert order.index(s) < order.index(t)


@pytest.mark.parametrize(
    ("ids", "edges", "on_cycle"),
    [
        (["a", "b"], [("a", "b"), ("b", "a")], ["a", "b"]),
        (["x", "a", "b", "c"], [("a", "b"), ("b", "c"), ("c", "a")], ["a", "b", "c"]),
        # Nodes downstream of a cycle are blocked by it but are not on it.
        (["a", "b", "after"], [("a", "b"), ("b", "a"), ("b", "after")], ["a", "b"]),
        (
            ["a", "b", "c", "d", "e"],
            [("a", "b"), ("b", "a"), ("c", "d"), ("d", "c"), ("b", "e")],
            ["a", "b", "c", "d"],
        ),
    ],
)
def test_topological_order_names_the_nodes_on_a_cycle(
    ids: list[str], edges: list[tuple[str, str]], on_cycle: list[str]
) -> None:
    with pytest.raises(GraphError) as caught:
        topological_order(graph([node(i) for i in ids], wires(edges)))
    assert [issue.node for issue in caught.value.issues] == on_cycle
    assert all("cycle" in issue.message for issue in caught.value.issues)
    assert caught.value.as_dict()["node"] == on_cycle[0]


# -------------------------------------------------------------------------------- validate_graph


def test_a_sound_graph_has_no_issues(test_blocks: None) -> None:
    parsed = graph(
        [node("src", "ingest.sample", name="iris"), node("pick", column="target")],
        [edge("src", "pick")],
    )
    assert validate_graph(parsed) == []
    check_graph(parsed)  # does not raise


def test_an_empty_graph_cannot_run() -> None:
    issues = validate_graph(graph([]))
    assert len(issues) == 1
    assert "no blocks" in issues[0].message


@pytest.mark.parametrize(
    ("nodes", "edges", "expected", "first"),
    [c[1:] for c in INVALID],
    ids=[c[0] for c in INVALID],
)
def test_validate_graph_names_node_and_port(
    test_blocks: None,
    nodes: list[dict[str, Any]],
    edges: list[dict[str, Any]],
    expected: set[tuple[str, str | None]],
    first: dict[str, str],
) -> None:
    parsed = graph(nodes, edges)
    issues = validate_graph(parsed)
    assert places(issues) == expected
    assert all(issue.message for issue in issues)
    for key, value in first.items():
        assert getattr(issues[0], key) == value
    with pytest.raises(GraphError) as caught:
        check_graph(parsed)
    assert caught.value.issues == issues
    assert caught.value.place.get("node") == issues[0].node
    assert caught.value.place.get("port") == issues[0].port
    assert issues[0].node in caught.value.message


def test_column_message_lists_the_columns_that_exist(test_blocks: None) -> None:
    parsed = graph([SRC, node("pick", column="petal colour")], [edge("src", "pick")])
    (issue,) = validate_graph(parsed)
    assert "'petal colour'" in issue.message
    assert "sepal length (cm)" in issue.message


def test_dataset_columns_come_from_the_environment(test_blocks: None) -> None:
    good = graph(
        [node("data", "ingest.dataset", dataset=1), node("pick", column="label")],
        [edge("data", "pick")],
    )
    assert validate_graph(good, FakeEnv()) == []
    wrong_column = graph(
        [node("data", "ingest.dataset", dataset=1), node("pick", column="target")],
        [edge("data", "pick")],
    )
    assert places(validate_graph(wrong_column, FakeEnv())) == {("pick", "table")}
    missing = graph([node("data", "ingest.dataset", dataset=2)])
    (issue,) = validate_graph(missing, FakeEnv())
    assert (issue.node, issue.field) == ("data", "dataset")
    # Without an environment no dataset is known.
    assert places(validate_graph(graph([node("data", "ingest.dataset", dataset=1)]))) == {
        ("data", None)
    }


def test_unknown_upstream_schema_skips_the_column_check(test_blocks: None) -> None:
    """A block that cannot say its output columns does not make its successors fail."""
    parsed = graph(
        [node("data", "ingest.dataset", dataset=2), node("pick", column="anything")],
        [edge("data", "pick")],
    )
    assert places(validate_graph(parsed, FakeEnv())) == {("data", None)}


def test_test_blocks_are_only_registered_inside_the_fixture() -> None:
    assert find_block(ModelSink.key) is None
    issues = validate_graph(graph([node("sink", ModelSink.key)]))
    assert places(issues) == {("sink", None)}


@pytest.mark.parametrize(
    ("block", "config", "message"),
    [
        ("ingest.synthetic", {"rows": 1}, "Rows must be at least 10"),
        ("ingest.sample", {"colour": "red"}, "Colour is not a setting of this block"),
        ("ingest.dataset", {}, "Dataset is required"),
    ],
)
def test_config_problems_read_as_sentences_naming_the_field(
    block: str, config: dict[str, Any], message: str
) -> None:
    graph = {"nodes": [node("n1", block, **config)], "edges": []}
    issues = validate_graph(parse_graph(graph))
    assert [issue.message for issue in issues if issue.field] == [message]


@pytest.mark.parametrize(
    ("error", "message"),
    [
        (
            {"type": "less_than_equal", "loc": ("test_size",), "ctx": {"le": 0.95}},
            "Test size must be at most 0.95",
        ),
        ({"type": "missing", "loc": ("dataset",)}, "Dataset is required"),
        (
            {"type": "greater_than", "loc": ("hidden_layers", 1), "ctx": {"gt": 0}},
            "Hidden layers item 2 must be more than 0",
        ),
        (
            {"type": "literal_error", "loc": ("method",), "ctx": {"expected": "'a' or 'b'"}},
            "Method must be one of 'a' or 'b'",
        ),
        (
            {"type": "value_error", "loc": ("columns",), "msg": "Value error, list each once"},
            "Columns: list each once",
        ),
        (
            {"type": "url_type", "loc": ("where",), "msg": "Input should be a valid URL"},
            "Where should be a valid URL",
        ),
    ],
)
def test_config_error_message(error: dict[str, Any], message: str) -> None:
    assert config_error_message(error) == message
