"""What one graph can make the server do: its node and edge counts are capped, a block whose
size a config sets is held to the per-step memory budget, and validation grows linearly.

Linearity is measured by counting the lines of Python validation executes (deterministic), never
by timing it: four times the nodes must cost about four times the lines.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

import pytest

from backend.engine.graph import parse_graph
from backend.engine.graph.checks import CYCLE_IDS_SHOWN, GraphLimits, validate_graph
from backend.errors import UserError
from backend.pipelines.design.services import graph_parse
from tests.conftest import Team
from tests.graphs import edge, node

UNLIMITED = GraphLimits(max_nodes=10**6, max_edges=10**6)


def chain(length: int) -> dict[str, Any]:
    """synthetic -> split -> `length` - 2 scale blocks, each fed train and test by the last."""
    nodes = [node("src", "ingest.synthetic", rows=100, features=3), node("split", "feature.split")]
    edges = [edge("src", "split")]
    previous = "split"
    for i in range(length - 2):
        nodes.append(node(f"s{i}", "feature.scale"))
        edges.append(edge(previous, f"s{i}", source_port="train", target_port="train"))
        edges.append(edge(previous, f"s{i}", source_port="test", target_port="test"))
        previous = f"s{i}"
    return {"nodes": nodes, "edges": edges}


def fan_out(width: int) -> dict[str, Any]:
    """One split feeding `width` scale blocks."""
    graph = chain(2)
    for i in range(width - 2):
        graph["nodes"].append(node(f"f{i}", "feature.scale"))
        graph["edges"].append(edge("split", f"f{i}", source_port="train", target_port="train"))
        graph["edges"].append(edge("split", f"f{i}", source_port="test", target_port="test"))
    return graph


def ring(length: int) -> dict[str, Any]:
    """`length` scale blocks on one cycle (each node's train and test come from the last)."""
    ids = [f"r{i}" for i in range(length)]
    edges = []
    for i, source in enumerate(ids):
        target = ids[(i + 1) % length]
        edges.append(edge(source, target, source_port="train", target_port="train"))
        edges.append(edge(source, target, source_port="test", target_port="test"))
    return {"nodes": [node(i, "feature.scale") for i in ids], "edges": edges}


def lines_to_validate(graph: dict[str, Any]) -> int:
    """How many lines of Python validating `graph` executes (every loop turn counts)."""
    parsed = parse_graph(graph)
    count = 0

    def trace(frame: Any, event: str, arg: Any) -> Any:
        nonlocal count
        count += 1
        return trace

    sys.settrace(trace)
    try:
        validate_graph(parsed, None, UNLIMITED)
    finally:
        sys.settrace(None)
    return count


@pytest.mark.parametrize("shape", [chain, fan_out, ring], ids=["chain", "fan-out", "cycle"])
def test_validation_grows_linearly_with_the_graph(shape: Callable[[int], dict[str, Any]]) -> None:
    small, large = lines_to_validate(shape(1000)), lines_to_validate(shape(4000))
    # Linear: about 4x. The quadratic edge scan and cycle search this replaced made it ~16x.
    assert large / small < 5, (small, large)


def test_an_8000_node_graph_validates() -> None:
    assert validate_graph(parse_graph(chain(8000)), None, UNLIMITED) == []


def test_a_long_cycle_is_reported_per_node_with_a_bounded_message() -> None:
    issues = validate_graph(parse_graph(ring(500)), None, UNLIMITED)
    cycle = [issue for issue in issues if "cycle" in issue.message]
    assert [issue.node for issue in cycle] == [f"r{i}" for i in range(500)]
    assert f"({500 - CYCLE_IDS_SHOWN} more)" in cycle[0].message
    assert len(cycle[0].message) < 400


def test_a_short_cycle_names_its_nodes() -> None:
    issues = validate_graph(parse_graph(ring(3)), None, UNLIMITED)
    messages = {issue.node: issue.message for issue in issues if "cycle" in issue.message}
    assert set(messages) == {"r0", "r1", "r2"}
    assert "(r0 -> r1 -> r2)" in messages["r0"]


def test_too_many_nodes_are_refused_before_anything_else() -> None:
    issues = validate_graph(parse_graph(chain(12)), None, GraphLimits(max_nodes=10))
    assert [issue.field for issue in issues] == ["graph.nodes"]
    assert "12 blocks" in issues[0].message
    assert "limit of 10" in issues[0].message


def test_too_many_edges_are_refused() -> None:
    issues = validate_graph(parse_graph(chain(12)), None, GraphLimits(max_edges=20))
    assert [issue.field for issue in issues] == ["graph.edges"]
    assert "21 edges" in issues[0].message


def test_a_graph_within_the_limits_passes_them() -> None:
    limits = GraphLimits(max_nodes=12, max_edges=21)
    assert validate_graph(parse_graph(chain(12)), None, limits) == []


def test_synthetic_data_over_the_step_budget_is_refused_at_validation() -> None:
    graph = parse_graph({"nodes": [node("big", "ingest.synthetic", rows=5_000_000, features=1000)]})
    (issue,) = validate_graph(graph, None, GraphLimits())
    assert (issue.node, issue.field) == ("big", "rows")
    assert "37.3 GiB" in issue.message
    assert "budget of 4.0 GiB" in issue.message


def test_synthetic_data_within_the_step_budget_passes() -> None:
    graph = parse_graph({"nodes": [node("ok", "ingest.synthetic", rows=1000, features=10)]})
    assert validate_graph(graph, None, GraphLimits(step_max_bytes=1000 * 11 * 8)) == []
    (issue,) = validate_graph(graph, None, GraphLimits(step_max_bytes=1000 * 11 * 8 - 1))
    assert issue.node == "ok"


def test_a_request_graph_is_counted_before_it_is_parsed(settings: Any) -> None:
    settings.GRAPH_MAX_NODES = 5
    # Not even a valid node shape: the count refuses it before pydantic looks at the nodes.
    with pytest.raises(UserError) as caught:
        graph_parse({"nodes": [{"bogus": i} for i in range(6)], "edges": []})
    assert caught.value.code == "invalid_graph"
    assert caught.value.errors[0]["field"] == "graph.nodes"


def test_the_api_refuses_an_oversized_graph(team: Team, settings: Any) -> None:
    settings.GRAPH_MAX_NODES = 50
    client = team.client("editor")
    big = {"name": "big", "graph": chain(51)}
    created = client.post(team.url("pipelines/"), big, format="json")
    assert created.status_code == 400, created.json()
    assert created.json()["errors"][0]["field"] == "graph.nodes"
    ok = client.post(team.url("pipelines/"), {"name": "ok", "graph": chain(50)}, format="json")
    assert ok.status_code == 201, ok.json()
    settings.STEP_MAX_BYTES = 1024
    checked = client.post(team.url(f"pipelines/{ok.json()['id']}/validate/"), {}, format="json")
    assert checked.status_code == 200
    assert checked.json()["valid"] is False
    assert checked.json()["errors"][0]["node"] == "src"
