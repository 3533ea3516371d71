"""The graph's JSON shape and its structural parsing (what a draft must satisfy to be saved),
with the issue type every check reports.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from backend.errors import UserError

NODE_ID_PATTERN = r"^[A-Za-z0-9_-]{1,64}$"


class Position(BaseModel):
    """Where a node sits on the canvas."""

    model_config = ConfigDict(extra="forbid")
    x: float = 0.0
    y: float = 0.0


class Node(BaseModel):
    """One block instance in a graph."""

    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=NODE_ID_PATTERN)
    block: str = Field(min_length=1, max_length=100)
    config: dict[str, Any] = Field(default_factory=dict)
    position: Position = Field(default_factory=Position)
    label: str | None = Field(default=None, max_length=200)


class Edge(BaseModel):
    """A connection from an output port of one node to an input port of another."""

    model_config = ConfigDict(extra="forbid")
    source: str
    source_port: str
    target: str
    target_port: str


class Graph(BaseModel):
    """A whole pipeline graph."""

    model_config = ConfigDict(extra="forbid")
    nodes: list[Node] = Field(default_factory=list)
    edges: list[Edge] = Field(default_factory=list)

    def node(self, node_id: str) -> Node:
        """The node with id `node_id` (KeyError when absent)."""
        for node in self.nodes:
            if node.id == node_id:
                return node
        raise KeyError(node_id)

    def to_json(self) -> dict[str, Any]:
        """The canonical JSON form (what is stored)."""
        return self.model_dump(mode="json", exclude_none=True)


@dataclass(frozen=True)
class GraphIssue:
    """One problem in a graph, with the place at fault."""

    message: str
    node: str | None = None
    port: str | None = None
    field: str | None = None
    column: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """JSON form, omitting places that do not apply."""
        return {k: v for k, v in asdict(self).items() if v is not None}


class GraphError(UserError):
    """A graph that cannot be saved or run; ``errors`` lists every problem."""

    code = "invalid_graph"

    def __init__(self, issues: list[GraphIssue], *, field: str = "graph") -> None:
        first = issues[0]
        where = f"node '{first.node}'" if first.node else field
        if first.node and first.port:
            where += f", port '{first.port}'"
        more = f" (and {len(issues) - 1} more)" if len(issues) > 1 else ""
        super().__init__(
            f"{where}: {first.message}{more}",
            errors=[i.as_dict() for i in issues],
            field=field,
            node=first.node,
            port=first.port,
        )
        self.issues = issues


def pydantic_location(loc: tuple[Any, ...]) -> str:
    """The dotted field path of a pydantic error location (list indices in brackets)."""
    parts: list[str] = []
    for item in loc:
        if isinstance(item, int):
            parts.append(f"[{item}]")
        else:
            parts.append(("." if parts else "") + str(item))
    return "".join(parts)


def _field_label(loc: tuple[Any, ...]) -> str:
    """A config field as a person reads it: ``test_size`` -> "Test size", items by number."""
    if not loc:
        return "Config"
    head, rest = str(loc[0]).replace("_", " "), loc[1:]
    label = head[:1].upper() + head[1:]
    for item in rest:
        label += f" item {item + 1}" if isinstance(item, int) else f" {item}"
    return label


#: Pydantic error types, said plainly (the value bounds come from the error's context).
_PLAIN_ERRORS: dict[str, str] = {
    "missing": "is required",
    "less_than_equal": "must be at most {le}",
    "less_than": "must be less than {lt}",
    "greater_than_equal": "must be at least {ge}",
    "greater_than": "must be more than {gt}",
    "string_too_short": "must have at least {min_length} character(s)",
    "string_too_long": "must have at most {max_length} characters",
    "too_short": "must have at least {min_length} item(s)",
    "too_long": "must have at most {max_length} items",
    "extra_forbidden": "is not a setting of this block",
    "int_parsing": "must be a whole number",
    "int_type": "must be a whole number",
    "int_from_float": "must be a whole number",
    "float_parsing": "must be a number",
    "float_type": "must be a number",
    "finite_number": "must be a finite number",
    "bool_parsing": "must be true or false",
    "bool_type": "must be true or false",
    "string_type": "must be text",
    "list_type": "must be a list",
    "literal_error": "must be one of {expected}",
    "enum": "must be one of {expected}",
}


def config_error_message(error: Any) -> str:
    """One pydantic config error as a sentence that names the field, e.g. "Test size must be at
    most 0.95" rather than "config.test_size: Input should be less than or equal to 0.95"."""
    label = _field_label(tuple(error.get("loc", ())))
    template = _PLAIN_ERRORS.get(error.get("type", ""))
    if template is not None:
        try:
            return f"{label} {template.format(**(error.get('ctx') or {}))}"
        except (KeyError, IndexError):
            pass
    message = str(error.get("msg", "is not valid"))
    # Pydantic says "Value error, ..." for a validator's own message.
    message = message.removeprefix("Value error, ")
    if message.startswith("Input should"):
        message = "should" + message.removeprefix("Input should")
        return f"{label} {message}"
    return f"{label}: {message}"


def parse_graph(data: Any) -> Graph:
    """Parse graph JSON and check its structure; raises GraphError naming what is wrong.

    Structure only: node ids unique, edges between existing nodes, one edge per input port.
    Blocks, types and configs are checked by `validate_graph`, so that an unfinished draft can
    still be saved.
    """
    if not isinstance(data, dict):
        raise GraphError([GraphIssue("must be an object with 'nodes' and 'edges' lists")])
    try:
        graph = Graph.model_validate(data)
    except ValidationError as exc:
        issues = []
        for error in exc.errors():
            loc = error["loc"]
            node = None
            if len(loc) >= 2 and loc[0] == "nodes" and isinstance(loc[1], int):
                raw_nodes = data.get("nodes")
                raw = raw_nodes[loc[1]] if isinstance(raw_nodes, list) else None
                if isinstance(raw, dict) and isinstance(raw.get("id"), str):
                    node = raw["id"]
            issues.append(
                GraphIssue(
                    f"graph.{pydantic_location(loc)}: {error['msg']}",
                    node=node,
                    field=f"graph.{pydantic_location(loc)}",
                )
            )
        raise GraphError(issues) from None

    issues: list[GraphIssue] = []
    seen: set[str] = set()
    for node in graph.nodes:
        if node.id in seen:
            issues.append(GraphIssue(f"duplicate node id '{node.id}'", node=node.id))
        seen.add(node.id)
    wired: set[tuple[str, str]] = set()
    for index, edge in enumerate(graph.edges):
        for end, node_id in (("source", edge.source), ("target", edge.target)):
            if node_id not in seen:
                issues.append(
                    GraphIssue(
                        f"edge {index} {end} '{node_id}' is not a node of this graph",
                        node=node_id,
                        field=f"graph.edges[{index}].{end}",
                    )
                )
        if edge.source == edge.target:
            issues.append(GraphIssue("an edge cannot connect a node to itself", node=edge.source))
        key = (edge.target, edge.target_port)
        if key in wired:
            issues.append(
                GraphIssue(
                    "input port has more than one incoming edge",
                    node=edge.target,
                    port=edge.target_port,
                )
            )
        wired.add(key)
    if issues:
        raise GraphError(issues)
    return graph


_VERSION_GRAPHS: dict[int, Graph] = {}


def version_graph(version_id: int, data: Any) -> Graph:
    """The parsed graph of an immutable pipeline version, parsed once per process."""
    graph = _VERSION_GRAPHS.get(version_id)
    if graph is None:
        if len(_VERSION_GRAPHS) > 512:
            _VERSION_GRAPHS.clear()
        graph = _VERSION_GRAPHS[version_id] = parse_graph(data)
    return graph
