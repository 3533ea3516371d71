"""Validation before a run: blocks, ports, types, cycles, configs and columns, every problem
reported with the node and port at fault.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from backend.blocks import find_block
from backend.blocks.base import Block, SchemaEnv
from backend.blocks.schema import TableSchema
from backend.engine.graph.model import (
    Edge,
    Graph,
    GraphError,
    GraphIssue,
    config_error_message,
    pydantic_location,
)
from backend.engine.graph.order import topological_order


@dataclass(frozen=True)
class GraphLimits:
    """What one graph may make the server and a worker do; the API passes its settings in.

    Override any of them per deployment (GRAPH_MAX_NODES, GRAPH_MAX_EDGES, STEP_MAX_BYTES).
    """

    #: Blocks in one graph.
    max_nodes: int = 2000
    #: Edges in one graph.
    max_edges: int = 8000
    #: Memory one step's output table may take, for blocks whose size a config sets.
    step_max_bytes: int = 4 * 1024**3


def check_graph_size(nodes: int, edges: int, limits: GraphLimits) -> list[GraphIssue]:
    """Issues when a graph has more nodes or edges than `limits` allow (cheap: counts only)."""
    issues = []
    if nodes > limits.max_nodes:
        issues.append(
            GraphIssue(
                f"the graph has {nodes} blocks, more than the limit of {limits.max_nodes}; "
                "split it into several pipelines",
                field="graph.nodes",
            )
        )
    if edges > limits.max_edges:
        issues.append(
            GraphIssue(
                f"the graph has {edges} edges, more than the limit of {limits.max_edges}",
                field="graph.edges",
            )
        )
    return issues


#: Node ids a cycle message lists before saying how many more there are.
CYCLE_IDS_SHOWN = 10


def _strongly_connected(graph: Graph) -> list[list[str]]:
    """The strongly connected components of more than one node (Tarjan's algorithm, iterative,
    so linear in nodes and edges and free of the recursion limit)."""
    successors: dict[str, list[str]] = {node.id: [] for node in graph.nodes}
    for edge in graph.edges:
        successors[edge.source].append(edge.target)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []
    for root in successors:
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            node_id, child = work.pop()
            if child == 0:
                index[node_id] = low[node_id] = len(index)
                stack.append(node_id)
                on_stack.add(node_id)
            children = successors[node_id]
            if child < len(children):
                work.append((node_id, child + 1))
                succ = children[child]
                if succ not in index:
                    work.append((succ, 0))
                elif succ in on_stack:
                    low[node_id] = min(low[node_id], index[succ])
                continue
            if low[node_id] == index[node_id]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node_id:
                        break
                if len(component) > 1:
                    components.append(component)
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node_id])
    return components


def _cycle_issues(graph: Graph) -> list[GraphIssue]:
    """One issue per node on a cycle, each naming the nodes of its cycle (a few of them when
    the cycle is long, so that the report stays linear in the graph)."""
    position = {node.id: i for i, node in enumerate(graph.nodes)}
    issues = []
    for component in _strongly_connected(graph):
        members = sorted(component, key=position.__getitem__)
        shown = " -> ".join(members[:CYCLE_IDS_SHOWN])
        if len(members) > CYCLE_IDS_SHOWN:
            shown += f" -> ... ({len(members) - CYCLE_IDS_SHOWN} more)"
        message = f"node is on a cycle ({shown}); remove an edge"
        issues.extend(GraphIssue(message, node=node_id) for node_id in members)
    issues.sort(key=lambda issue: position[issue.node or ""])
    return issues


class _NoDatasets:
    def dataset_schema(self, dataset_id: int) -> TableSchema:
        raise LookupError(dataset_id)


def _check_edges(graph: Graph, blocks: dict[str, type[Block]]) -> list[GraphIssue]:
    issues = []
    for edge in graph.edges:
        source, target = blocks.get(edge.source), blocks.get(edge.target)
        out_port = source.outputs.get(edge.source_port) if source else None
        in_port = target.inputs.get(edge.target_port) if target else None
        if source and out_port is None:
            issues.append(
                GraphIssue(
                    f"block '{source.key}' has no output port '{edge.source_port}' "
                    f"(outputs: {', '.join(source.outputs) or 'none'})",
                    node=edge.source,
                    port=edge.source_port,
                )
            )
        if target and in_port is None:
            issues.append(
                GraphIssue(
                    f"block '{target.key}' has no input port '{edge.target_port}' "
                    f"(inputs: {', '.join(target.inputs) or 'none'})",
                    node=edge.target,
                    port=edge.target_port,
                )
            )
        if out_port and in_port and out_port.type != in_port.type:
            issues.append(
                GraphIssue(
                    f"type mismatch: '{edge.source}.{edge.source_port}' gives a "
                    f"{out_port.type}, '{edge.target_port}' takes a {in_port.type}",
                    node=edge.target,
                    port=edge.target_port,
                )
            )
    return issues


def _check_configs(
    graph: Graph, blocks: dict[str, type[Block]]
) -> tuple[dict[str, Any], list[GraphIssue]]:
    configs: dict[str, Any] = {}
    issues = []
    for node in graph.nodes:
        block = blocks.get(node.id)
        if block is None:
            continue
        try:
            configs[node.id] = block.parse_config(node.config)
        except ValidationError as exc:
            for error in exc.errors():
                field = pydantic_location(error["loc"]) or "config"
                issues.append(GraphIssue(config_error_message(error), node=node.id, field=field))
    return configs, issues


def _check_schemas(
    graph: Graph,
    order: list[str],
    blocks: dict[str, type[Block]],
    configs: dict[str, Any],
    env: SchemaEnv,
) -> list[GraphIssue]:
    """Propagate table schemas in order; blocks report columns their input lacks."""
    outputs: dict[tuple[str, str], TableSchema | None] = {}
    # Incoming edges by target, in one pass (not one scan of every edge per node).
    incoming: defaultdict[str, list[Edge]] = defaultdict(list)
    for edge in graph.edges:
        incoming[edge.target].append(edge)
    issues = []
    for node_id in order:
        block, config = blocks.get(node_id), configs.get(node_id)
        if block is None or config is None:
            continue
        inputs = {
            edge.target_port: outputs.get((edge.source, edge.source_port))
            for edge in incoming[node_id]
        }
        schemas, problems = block().infer_schemas(config, inputs, env)
        for port, schema in schemas.items():
            outputs[(node_id, port)] = schema
        issues.extend(
            GraphIssue(p.message, node=node_id, port=p.port, field=p.field, column=p.column)
            for p in problems
        )
    return issues


def _check_step_sizes(
    graph: Graph, blocks: dict[str, type[Block]], configs: dict[str, Any], limits: GraphLimits
) -> list[GraphIssue]:
    """Blocks whose size a config sets (a ``planned_bytes(config)`` method) within the budget."""
    issues = []
    for node in graph.nodes:
        block, config = blocks.get(node.id), configs.get(node.id)
        planned = getattr(block, "planned_bytes", None)
        if planned is None or config is None:
            continue
        size = planned(config)
        if size > limits.step_max_bytes:
            issues.append(
                GraphIssue(
                    f"this block would make about {size / 1024**3:.1f} GiB, more than the "
                    f"per-step budget of {limits.step_max_bytes / 1024**3:.1f} GiB; "
                    "lower 'rows' or 'features'",
                    node=node.id,
                    field=getattr(block, "size_field", "rows"),
                )
            )
    return issues


def validate_graph(
    graph: Graph, env: SchemaEnv | None = None, limits: GraphLimits | None = None
) -> list[GraphIssue]:
    """Every problem that would stop `graph` from running; empty when it can run.

    Linear in the nodes and edges; a graph over the size `limits` is refused before any other
    check.
    """
    env = env or _NoDatasets()
    limits = limits or GraphLimits()
    too_big = check_graph_size(len(graph.nodes), len(graph.edges), limits)
    if too_big:
        return too_big
    issues: list[GraphIssue] = []
    if not graph.nodes:
        return [GraphIssue("the pipeline has no blocks; add one from the palette")]
    blocks: dict[str, type[Block]] = {}
    for node in graph.nodes:
        block = find_block(node.block)
        if block is None:
            issues.append(GraphIssue(f"unknown block '{node.block}'", node=node.id, field="block"))
        else:
            blocks[node.id] = block
    issues.extend(_check_edges(graph, blocks))
    wired = {(edge.target, edge.target_port) for edge in graph.edges}
    for node in graph.nodes:
        block = blocks.get(node.id)
        for name, port in (block.inputs if block else {}).items():
            if port.required and (node.id, name) not in wired:
                issues.append(
                    GraphIssue(
                        f"required input '{name}' ({port.type}) is not connected",
                        node=node.id,
                        port=name,
                    )
                )
    # Cycles first, in linear time: the order is only defined without them.
    cycles = _cycle_issues(graph)
    issues.extend(cycles)
    order = [] if cycles else topological_order(graph)
    configs, config_issues = _check_configs(graph, blocks)
    issues.extend(config_issues)
    issues.extend(_check_step_sizes(graph, blocks, configs, limits))
    if order:
        issues.extend(_check_schemas(graph, order, blocks, configs, env))
    return issues


def check_graph(
    graph: Graph, env: SchemaEnv | None = None, limits: GraphLimits | None = None
) -> None:
    """Raise GraphError when `graph` cannot run."""
    issues = validate_graph(graph, env, limits)
    if issues:
        raise GraphError(issues)
