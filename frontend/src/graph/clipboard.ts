/** Copy and paste of a selection: nodes, and the edges between them. */

import { uniqueId } from './ids';
import type { Graph, Position } from './types';

/** The selected nodes and the edges whose both ends are selected. */
export function copySelection(graph: Graph, nodeIds: Iterable<string>): Graph {
  const ids = new Set(nodeIds);
  return structuredClone({
    nodes: graph.nodes.filter((node) => ids.has(node.id)),
    edges: graph.edges.filter((edge) => ids.has(edge.source) && ids.has(edge.target)),
  });
}

/**
 * The graph with `fragment` added: every node gets a fresh id (its old one, or "<id>_2", ...),
 * moved by `offset`; edges inside the fragment are kept, renamed to the new ids.
 */
export function pasteFragment(
  graph: Graph,
  fragment: Graph,
  offset: Position = { x: 40, y: 40 },
): { graph: Graph; ids: string[] } {
  const taken = new Set(graph.nodes.map((node) => node.id));
  const renamed = new Map<string, string>();
  const nodes = fragment.nodes.map((node) => {
    const id = uniqueId(node.id, taken);
    renamed.set(node.id, id);
    return {
      ...structuredClone(node),
      id,
      position: { x: node.position.x + offset.x, y: node.position.y + offset.y },
    };
  });
  const edges = fragment.edges.flatMap((edge) => {
    const source = renamed.get(edge.source);
    const target = renamed.get(edge.target);
    return source && target ? [{ ...edge, source, target }] : [];
  });
  return {
    graph: { nodes: [...graph.nodes, ...nodes], edges: [...graph.edges, ...edges] },
    ids: nodes.map((node) => node.id),
  };
}
