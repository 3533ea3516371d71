/** Pure edits of a graph. Each returns a new graph and leaves untouched nodes as they were. */

import { edgeId } from './json';
import { idStem, uniqueId } from './ids';
import { defaultConfig } from './configSchema';
import type { BlockSpec, Graph, GraphNode, Position } from './types';

/** The graph with a new node of `spec` at `position`, its config filled with the defaults. */
export function addNode(
  graph: Graph,
  spec: BlockSpec,
  position: Position,
): { graph: Graph; id: string } {
  const id = uniqueId(idStem(spec.key), new Set(graph.nodes.map((node) => node.id)));
  const node: GraphNode = {
    id,
    block: spec.key,
    config: defaultConfig(spec.config_schema),
    position: { x: Math.round(position.x), y: Math.round(position.y) },
  };
  return { graph: { ...graph, nodes: [...graph.nodes, node] }, id };
}

/** The graph without the given nodes (and every edge touching them) and edges (by edgeId). */
export function removeElements(
  graph: Graph,
  nodeIds: Iterable<string>,
  edgeIds: Iterable<string> = [],
): Graph {
  const nodes = new Set(nodeIds);
  const edges = new Set(edgeIds);
  if (nodes.size === 0 && edges.size === 0) {
    return graph;
  }
  const kept = {
    nodes: graph.nodes.filter((node) => !nodes.has(node.id)),
    edges: graph.edges.filter(
      (edge) => !nodes.has(edge.source) && !nodes.has(edge.target) && !edges.has(edgeId(edge)),
    ),
  };
  const unchanged =
    kept.nodes.length === graph.nodes.length && kept.edges.length === graph.edges.length;
  return unchanged ? graph : kept;
}

/** The graph with some nodes moved. */
export function moveNodes(graph: Graph, positions: ReadonlyMap<string, Position>): Graph {
  let changed = false;
  const nodes = graph.nodes.map((node) => {
    const to = positions.get(node.id);
    if (!to || (to.x === node.position.x && to.y === node.position.y)) {
      return node;
    }
    changed = true;
    return { ...node, position: { x: to.x, y: to.y } };
  });
  return changed ? { ...graph, nodes } : graph;
}

/** The graph with one node replaced by `update(node)`. */
export function updateNode(
  graph: Graph,
  id: string,
  update: (node: GraphNode) => GraphNode,
): Graph {
  let changed = false;
  const nodes = graph.nodes.map((node) => {
    if (node.id !== id) {
      return node;
    }
    const next = update(node);
    changed = next !== node;
    return next;
  });
  return changed ? { ...graph, nodes } : graph;
}

/** Set one config key of a node; `undefined` removes the key (the block's default applies). */
export function setConfigValue(graph: Graph, id: string, key: string, value: unknown): Graph {
  return updateNode(graph, id, (node) => {
    if (Object.is(node.config[key], value) && (value !== undefined || !(key in node.config))) {
      return node;
    }
    const config =
      value === undefined
        ? Object.fromEntries(Object.entries(node.config).filter(([name]) => name !== key))
        : { ...node.config, [key]: value };
    return { ...node, config };
  });
}

/** Set or clear a node's label (an empty label shows the block's title). */
export function setLabel(graph: Graph, id: string, label: string): Graph {
  return updateNode(graph, id, (node) => {
    if ((node.label ?? '') === label) {
      return node;
    }
    const next = { ...node };
    if (label) {
      next.label = label;
    } else {
      delete next.label;
    }
    return next;
  });
}
