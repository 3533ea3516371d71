"""Validation before a run: blocks, ports, types, cycles, configs and columns, every problem
reported with the node and port at fault.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from backend.blocks import find_block
from backend.blocks.base import Block, SchemaEnv
from backend.blocks.schema import TableSchema
from backend.engine.graph.model import (
    Graph,
    GraphError,
    GraphIssue,
    config_error_message,
    pydantic_location,
)
from backend.engine.graph.order import topological_order


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
    issues = []
    for node_id in order:
        block, config = blocks.get(node_id), configs.get(node_id)
        if block is None or config is None:
            continue
        inputs = {
            edge.target_port: outputs.get((edge.source, edge.source_port))
            for edge in graph.edges
            if edge.target == node_id
        }
        schemas, problems = block().infer_schemas(config, inputs, env)
        for port, schema in schemas.items():
            outputs[(node_id, port)] = schema
        issues.extend(
            GraphIssue(p.message, node=node_id, port=p.port, field=p.field, column=p.column)
            for p in problems
        )
    return issues


def validate_graph(graph: Graph, env: SchemaEnv | None = None) -> list[GraphIssue]:
    """Every problem that would stop `graph` from running; empty when it can run."""
    env = env or _NoDatasets()
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
    try:
        order = topological_order(graph)
    except GraphError as exc:
        issues.extend(exc.issues)
        order = []
    configs, config_issues = _check_configs(graph, blocks)
    issues.extend(config_issues)
    if order:
        issues.extend(_check_schemas(graph, order, blocks, configs, env))
    return issues


def check_graph(graph: Graph, env: SchemaEnv | None = None) -> None:
    """Raise GraphError when `graph` cannot run."""
    issues = validate_graph(graph, env)
    if issues:
        raise GraphError(issues)
