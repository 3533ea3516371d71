"""Order in the graph: topological order (with cycle detection), upstream and downstream."""

from __future__ import annotations

import heapq

from backend.engine.graph.model import Graph, GraphError, GraphIssue


def topological_order(graph: Graph) -> list[str]:
    """Node ids so that every edge goes forward; ties keep the order nodes are listed in.

    Raises GraphError naming the nodes on a cycle.
    """
    index = {node.id: i for i, node in enumerate(graph.nodes)}
    indegree = dict.fromkeys(index, 0)
    successors: dict[str, list[str]] = {node_id: [] for node_id in index}
    for edge in graph.edges:
        successors[edge.source].append(edge.target)
        indegree[edge.target] += 1
    ready = [(index[n], n) for n, d in indegree.items() if d == 0]
    heapq.heapify(ready)
    order: list[str] = []
    while ready:
        _, node_id = heapq.heappop(ready)
        order.append(node_id)
        for succ in successors[node_id]:
            indegree[succ] -= 1
            if indegree[succ] == 0:
                heapq.heappush(ready, (index[succ], succ))
    if len(order) < len(index):
        # Every node left is blocked by a cycle; name only those on one, in listed order.
        blocked = {n for n, d in indegree.items() if d > 0}
        on_cycle = [n for n in index if n in blocked and _reaches_itself(n, successors, blocked)]
        raise GraphError(
            [
                GraphIssue(f"node is on a cycle ({' -> '.join(on_cycle)}); remove an edge", node=n)
                for n in on_cycle
            ]
        )
    return order


def _reaches_itself(start: str, successors: dict[str, list[str]], among: set[str]) -> bool:
    """Whether a path of edges through nodes in `among` leads from `start` back to it."""
    seen: set[str] = set()
    stack = list(successors[start])
    while stack:
        node_id = stack.pop()
        if node_id == start:
            return True
        if node_id in among and node_id not in seen:
            seen.add(node_id)
            stack.extend(successors[node_id])
    return False


def upstream_of(graph: Graph, node_id: str) -> set[str]:
    """Every node that `node_id` depends on, directly or not."""
    parents: dict[str, list[str]] = {}
    for edge in graph.edges:
        parents.setdefault(edge.target, []).append(edge.source)
    seen: set[str] = set()
    stack = [node_id]
    while stack:
        for parent in parents.get(stack.pop(), []):
            if parent not in seen:
                seen.add(parent)
                stack.append(parent)
    return seen


def downstream_of(graph: Graph, node_id: str) -> set[str]:
    """Every node that depends on `node_id`, directly or not."""
    children: dict[str, list[str]] = {}
    for edge in graph.edges:
        children.setdefault(edge.source, []).append(edge.target)
    seen: set[str] = set()
    stack = [node_id]
    while stack:
        for child in children.get(stack.pop(), []):
            if child not in seen:
                seen.add(child)
                stack.append(child)
    return seen
