"""The pipeline graph: its JSON shape, structural parsing, validation and topological order.

Pure: no Django. The graph JSON is the one format shared by the editor, the API, export and
import::

    {"nodes": [{"id": "n1", "block": "feature.scale", "config": {...},
                "position": {"x": 0, "y": 0}}],
     "edges": [{"source": "n1", "source_port": "train", "target": "n2", "target_port": "train"}]}

`parse_graph` checks the shape (what a draft must satisfy to be saved); `validate_graph` checks
everything that must hold before a run (blocks, ports, types, cycles, configs, columns) and
reports every problem it finds with the node and port at fault.
"""

from backend.engine.graph.checks import check_graph, validate_graph
from backend.engine.graph.model import (
    NODE_ID_PATTERN,
    Edge,
    Graph,
    GraphError,
    GraphIssue,
    Node,
    Position,
    config_error_message,
    parse_graph,
    version_graph,
)
from backend.engine.graph.order import downstream_of, topological_order, upstream_of

__all__ = [
    "NODE_ID_PATTERN",
    "Edge",
    "Graph",
    "GraphError",
    "GraphIssue",
    "Node",
    "Position",
    "check_graph",
    "config_error_message",
    "downstream_of",
    "parse_graph",
    "topological_order",
    "upstream_of",
    "validate_graph",
    "version_graph",
]
