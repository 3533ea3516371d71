import { describe, expect, it } from 'vitest';

import { DEFAULT_NODE_SIZE, freePosition, layoutPositions } from './layout';
import type { Graph } from './types';

const n = (id: string) => ({ id, block: 'x', config: {}, position: { x: 0, y: 0 } });
const e = (source: string, target: string) => ({
  source,
  source_port: 'out',
  target,
  target_port: 'in',
});

function at(positions: Map<string, { x: number; y: number }>, id: string) {
  const position = positions.get(id);
  if (!position) {
    throw new Error(`no position for ${id}`);
  }
  return position;
}

function overlap(a: { x: number; y: number }, b: { x: number; y: number }) {
  return (
    Math.abs(a.x - b.x) < DEFAULT_NODE_SIZE.width && Math.abs(a.y - b.y) < DEFAULT_NODE_SIZE.height
  );
}

describe('layoutPositions', () => {
  it('places each node to the right of the nodes it reads from, without overlaps', () => {
    const graph: Graph = {
      nodes: [n('evaluate'), n('train'), n('split'), n('ingest'), n('scale')],
      edges: [
        e('ingest', 'split'),
        e('split', 'scale'),
        e('scale', 'train'),
        e('train', 'evaluate'),
        e('scale', 'evaluate'),
      ],
    };
    const positions = layoutPositions(graph);
    expect([...positions.keys()].sort()).toEqual(['evaluate', 'ingest', 'scale', 'split', 'train']);
    for (const edge of graph.edges) {
      expect(at(positions, edge.target).x).toBeGreaterThan(
        at(positions, edge.source).x + DEFAULT_NODE_SIZE.width,
      );
    }
    const all = [...positions.values()];
    all.forEach((a, i) => all.slice(i + 1).forEach((b) => expect(overlap(a, b)).toBe(false)));
  });

  it('uses measured sizes', () => {
    const graph: Graph = { nodes: [n('a'), n('b')], edges: [e('a', 'b')] };
    const positions = layoutPositions(graph, {
      sizes: new Map([['a', { width: 500, height: 100 }]]),
      rankGap: 50,
    });
    expect(at(positions, 'b').x - at(positions, 'a').x).toBe(550);
  });
});

describe('freePosition', () => {
  it('keeps the start when it is free, else finds the next free place to the right', () => {
    const start = { x: 0, y: 0 };
    expect(freePosition({ nodes: [], edges: [] }, start)).toEqual(start);
    const taken: Graph = { nodes: [{ ...n('a'), position: { x: 10, y: 10 } }], edges: [] };
    const free = freePosition(taken, start);
    expect(free.y).toBe(0);
    expect(free.x).toBeGreaterThanOrEqual(10 + DEFAULT_NODE_SIZE.width);
  });
});
