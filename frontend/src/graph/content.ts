/** A graph's content (everything but positions), kept by identity while only positions change. */

import type { Graph, GraphContent, NodeContent } from './types';

function sameNode(a: NodeContent, b: NodeContent): boolean {
  return a.id === b.id && a.block === b.block && a.config === b.config && a.label === b.label;
}

/**
 * Whether two graphs differ only in positions. Nodes and edges are compared by identity (the
 * edits leave what they do not change as it was), so an equal copy counts as a change.
 */
export function sameContent(a: GraphContent, b: GraphContent): boolean {
  if (a === b) {
    return true;
  }
  return (
    a.nodes.length === b.nodes.length &&
    a.edges.length === b.edges.length &&
    a.nodes.every((node, index) => sameNode(node, b.nodes[index] as NodeContent)) &&
    a.edges.every((edge, index) => edge === b.edges[index])
  );
}

/**
 * The content of `graph`: `previous` when only positions changed since it, else `graph` itself.
 * Comparing the results by identity then tells a move from an edit.
 */
export function graphContent(graph: Graph, previous?: GraphContent): GraphContent {
  return previous !== undefined && sameContent(previous, graph) ? previous : graph;
}

/**
 * A function from a graph to its content that remembers its last answer, so that graphs that
 * differ only in positions give the same value (for a store's snapshot).
 */
export function contentTracker(): (graph: Graph) => GraphContent {
  let last: GraphContent | undefined;
  return (graph) => {
    last = graphContent(graph, last);
    return last;
  };
}
