/** Automatic layout: left to right in the direction data flows (dagre). */

import dagre from '@dagrejs/dagre';

import type { Graph, Position } from './types';

export interface Size {
  width: number;
  height: number;
}

/** The size assumed for a node the canvas has not measured yet. */
export const DEFAULT_NODE_SIZE: Size = { width: 220, height: 110 };

export interface LayoutOptions {
  /** Measured sizes by node id; others get DEFAULT_NODE_SIZE. */
  sizes?: ReadonlyMap<string, Size>;
  /** Gap between ranks (columns). */
  rankGap?: number;
  /** Gap between nodes of one rank. */
  nodeGap?: number;
}

/** Top-left positions for every node, ranks from left to right, ready for the canvas. */
export function layoutPositions(graph: Graph, options: LayoutOptions = {}): Map<string, Position> {
  const layout = new dagre.graphlib.Graph();
  layout.setGraph({
    rankdir: 'LR',
    ranksep: options.rankGap ?? 80,
    nodesep: options.nodeGap ?? 40,
    marginx: 0,
    marginy: 0,
  });
  layout.setDefaultEdgeLabel(() => ({}));
  const sizes = new Map<string, Size>();
  for (const node of graph.nodes) {
    const size = options.sizes?.get(node.id) ?? DEFAULT_NODE_SIZE;
    sizes.set(node.id, size);
    layout.setNode(node.id, { width: size.width, height: size.height });
  }
  for (const edge of graph.edges) {
    if (sizes.has(edge.source) && sizes.has(edge.target)) {
      layout.setEdge(edge.source, edge.target);
    }
  }
  dagre.layout(layout);
  const positions = new Map<string, Position>();
  for (const node of graph.nodes) {
    const placed = layout.node(node.id);
    const size = sizes.get(node.id) ?? DEFAULT_NODE_SIZE;
    positions.set(node.id, {
      x: Math.round(placed.x - size.width / 2),
      y: Math.round(placed.y - size.height / 2),
    });
  }
  return positions;
}

function overlaps(a: Position, b: Position, size: Size, gap: number): boolean {
  return Math.abs(a.x - b.x) < size.width + gap && Math.abs(a.y - b.y) < size.height + gap;
}

/**
 * The first place near `start` (a top-left corner) where a new node overlaps none of the
 * graph's nodes: trying to the right, then row by row below.
 */
export function freePosition(
  graph: Graph,
  start: Position,
  size: Size = DEFAULT_NODE_SIZE,
  gap = 30,
): Position {
  const columns = 4;
  for (let i = 0; i < columns * 6; i += 1) {
    const candidate = {
      x: start.x + (i % columns) * (size.width + gap),
      y: start.y + Math.floor(i / columns) * (size.height + gap),
    };
    if (!graph.nodes.some((node) => overlaps(node.position, candidate, size, gap))) {
      return candidate;
    }
  }
  return start;
}
