/**
 * Automatic layout: left to right in the direction data flows (dagre), wrapped into rows like
 * text when that is wider than the room there is.
 */

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
  /**
   * The widest a row may be: wider layouts are cut between ranks into rows, one below the
   * other (a rank wider than this still gets a row of its own).
   */
  maxWidth?: number;
}

interface Placed {
  id: string;
  /** Top-left corner. */
  x: number;
  y: number;
  size: Size;
}

/** Placed nodes cut between ranks (same x centre) into rows no wider than `maxWidth`. */
function wrapRows(placed: Placed[], maxWidth: number, rowGap: number): Map<string, Position> {
  const ranks = new Map<number, Placed[]>();
  for (const node of placed) {
    const centre = Math.round(node.x + node.size.width / 2);
    ranks.set(centre, [...(ranks.get(centre) ?? []), node]);
  }
  const ordered = [...ranks.entries()].sort(([a], [b]) => a - b).map(([, nodes]) => nodes);
  const left = (nodes: Placed[]) => Math.min(...nodes.map((node) => node.x));
  const right = (nodes: Placed[]) => Math.max(...nodes.map((node) => node.x + node.size.width));
  const rows: Placed[][][] = [];
  for (const rank of ordered) {
    const row = rows.at(-1);
    if (row && right(rank) - left(row.flat()) <= maxWidth) {
      row.push(rank);
    } else {
      rows.push([rank]);
    }
  }
  const positions = new Map<string, Position>();
  let top = 0;
  for (const row of rows) {
    const nodes = row.flat();
    const rowLeft = left(nodes);
    const rowTop = Math.min(...nodes.map((node) => node.y));
    const rowBottom = Math.max(...nodes.map((node) => node.y + node.size.height));
    for (const node of nodes) {
      positions.set(node.id, { x: node.x - rowLeft, y: node.y - rowTop + top });
    }
    top += rowBottom - rowTop + rowGap;
  }
  return positions;
}

/**
 * Top-left positions for every node, ranks from left to right (wrapped into rows past
 * `maxWidth`), ready for the canvas.
 */
export function layoutPositions(graph: Graph, options: LayoutOptions = {}): Map<string, Position> {
  const rankGap = options.rankGap ?? 80;
  const layout = new dagre.graphlib.Graph();
  layout.setGraph({
    rankdir: 'LR',
    ranksep: rankGap,
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
  const placed: Placed[] = graph.nodes.map((node) => {
    const centre = layout.node(node.id);
    const size = sizes.get(node.id) ?? DEFAULT_NODE_SIZE;
    return {
      id: node.id,
      x: Math.round(centre.x - size.width / 2),
      y: Math.round(centre.y - size.height / 2),
      size,
    };
  });
  if (options.maxWidth !== undefined && placed.length > 0) {
    return wrapRows(placed, options.maxWidth, rankGap);
  }
  return new Map(placed.map((node) => [node.id, { x: node.x, y: node.y }]));
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
