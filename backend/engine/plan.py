"""A run's plan: the validated graph of a version, and which of its nodes must run again.

The run service validates a version once, against the workspace, and hands the plan to
`backend.engine.runs.run_launch`; the engine trusts it and never validates again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from backend.engine.graph import Graph, downstream_of
from backend.errors import UserError
from backend.pipelines.models import PipelineVersion


@dataclass(frozen=True)
class RunPlan:
    """What to execute: a version whose graph was validated, and how to treat the cache."""

    version: PipelineVersion
    graph: Graph
    use_cache: bool = True
    from_node: str | None = None
    #: Nodes that run whatever the cache holds: `from_node` and everything downstream of it.
    forced_nodes: tuple[str, ...] = ()
    parameters: dict[str, Any] = field(default_factory=dict)

    def run_parameters(self) -> dict[str, Any]:
        """What the run row records of the plan (the scheduler reads the cache choices back)."""
        return {
            **self.parameters,
            "use_cache": self.use_cache,
            "from_node": self.from_node,
            "forced_nodes": list(self.forced_nodes),
        }


def plan_run(
    *,
    version: PipelineVersion,
    graph: Graph,
    use_cache: bool = True,
    from_node: str | None = None,
    parameters: dict[str, Any] | None = None,
) -> RunPlan:
    """The plan for running `graph` (already validated); ``from_node`` re-runs that node and
    everything downstream and reuses the rest."""
    forced: list[str] = []
    if from_node is not None:
        if from_node not in {node.id for node in graph.nodes}:
            raise UserError(
                f"from_node '{from_node}' is not a node of version {version.number}",
                field="from_node",
                node=from_node,
            )
        forced = sorted({from_node} | downstream_of(graph, from_node))
    return RunPlan(
        version=version,
        graph=graph,
        use_cache=use_cache,
        from_node=from_node,
        forced_nodes=tuple(forced),
        parameters=dict(parameters or {}),
    )
