/** Order and reachability in a pipeline graph. */

import type { GraphContent } from './types';

function successors(graph: GraphContent): Map<string, string[]> {
  const next = new Map<string, string[]>(graph.nodes.map((node) => [node.id, []]));
  for (const edge of graph.edges) {
    next.get(edge.source)?.push(edge.target);
  }
  return next;
}

export interface TopologicalOrder {
  /** Node ids, every node after the ones it reads from; nodes on a cycle are left out. */
  order: string[];
  /** Ids of the nodes on or behind a cycle (empty for a DAG). */
  blocked: string[];
}

/**
 * Kahn's algorithm. Ties are broken by the nodes' order in the graph, so the result is stable
 * for a given graph.
 */
export function topologicalOrder(graph: GraphContent): TopologicalOrder {
  const next = successors(graph);
  const indegree = new Map<string, number>(graph.nodes.map((node) => [node.id, 0]));
  for (const edge of graph.edges) {
    if (indegree.has(edge.target) && indegree.has(edge.source)) {
      indegree.set(edge.target, (indegree.get(edge.target) ?? 0) + 1);
    }
  }
  const rank = new Map(graph.nodes.map((node, index) => [node.id, index]));
  const ready = graph.nodes.filter((node) => indegree.get(node.id) === 0).map((node) => node.id);
  const order: string[] = [];
  while (ready.length > 0) {
    ready.sort((a, b) => (rank.get(a) ?? 0) - (rank.get(b) ?? 0));
    const id = ready.shift() as string;
    order.push(id);
    for (const target of next.get(id) ?? []) {
      const left = (indegree.get(target) ?? 0) - 1;
      indegree.set(target, left);
      if (left === 0) {
        ready.push(target);
      }
    }
  }
  const placed = new Set(order);
  return { order, blocked: graph.nodes.map((node) => node.id).filter((id) => !placed.has(id)) };
}

/** Whether following edges from `from` reaches `to` (a node reaches itself). */
export function hasPath(graph: GraphContent, from: string, to: string): boolean {
  const next = successors(graph);
  const seen = new Set<string>();
  const stack = [from];
  while (stack.length > 0) {
    const id = stack.pop() as string;
    if (id === to) {
      return true;
    }
    if (seen.has(id)) {
      continue;
    }
    seen.add(id);
    stack.push(...(next.get(id) ?? []));
  }
  return false;
}

/**
 * Each node's depth: the number of edges on the longest path from a source to it (a source is
 * 0). A node on a cycle counts the path up to where the cycle closes.
 */
export function nodeDepths(graph: GraphContent): Map<string, number> {
  const incoming = new Map<string, string[]>(graph.nodes.map((node) => [node.id, []]));
  for (const edge of graph.edges) {
    incoming.get(edge.target)?.push(edge.source);
  }
  const depths = new Map<string, number>();
  const visiting = new Set<string>();
  const depthOf = (id: string): number => {
    const known = depths.get(id);
    if (known !== undefined) {
      return known;
    }
    if (visiting.has(id)) {
      return 0;
    }
    visiting.add(id);
    const parents = incoming.get(id) ?? [];
    const depth = parents.length === 0 ? 0 : 1 + Math.max(...parents.map(depthOf));
    visiting.delete(id);
    depths.set(id, depth);
    return depth;
  };
  graph.nodes.forEach((node) => depthOf(node.id));
  return depths;
}
