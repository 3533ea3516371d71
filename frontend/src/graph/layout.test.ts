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

describe('layoutPositions with a maximum width', () => {
  const chain: Graph = {
    nodes: ['a', 'b', 'c', 'd', 'e', 'f'].map(n),
    edges: [e('a', 'b'), e('b', 'c'), e('c', 'd'), e('d', 'e'), e('e', 'f')],
  };
  const { width, height } = DEFAULT_NODE_SIZE;

  it('wraps a long chain into rows, in order, each within the width', () => {
    const maxWidth = 3 * width + 2 * 80;
    const positions = layoutPositions(chain, { maxWidth });
    const rows = ['a', 'b', 'c', 'd', 'e', 'f'].map((id) => at(positions, id));
    expect(rows.map((p) => p.x)).toEqual([0, 300, 600, 0, 300, 600]);
    expect(rows.slice(0, 3).every((p) => p.y === rows[0]?.y)).toBe(true);
    expect(rows.slice(3).every((p) => p.y === (rows[0]?.y ?? 0) + height + 80)).toBe(true);
    for (const p of rows) {
      expect(p.x + width).toBeLessThanOrEqual(maxWidth);
    }
  });

  it('keeps one row when it fits, and gives a rank wider than the room a row of its own', () => {
    const wide = layoutPositions(chain, { maxWidth: 10_000 });
    expect(new Set([...wide.values()].map((p) => p.y)).size).toBe(1);
    const narrow = layoutPositions(chain, { maxWidth: 100 });
    expect([...narrow.values()].map((p) => p.x)).toEqual([0, 0, 0, 0, 0, 0]);
    const all = [...narrow.values()];
    all.forEach((a, i) => all.slice(i + 1).forEach((b) => expect(overlap(a, b)).toBe(false)));
  });

  it('keeps the nodes of one rank together in a row', () => {
    const fork: Graph = {
      nodes: ['a', 'b', 'c', 'd'].map(n),
      edges: [e('a', 'b'), e('a', 'c'), e('b', 'd'), e('c', 'd')],
    };
    const positions = layoutPositions(fork, { maxWidth: 2 * width + 80 });
    expect(at(positions, 'b').x).toBe(at(positions, 'c').x);
    expect(at(positions, 'b').y).not.toBe(at(positions, 'c').y);
    expect(at(positions, 'd').y).toBeGreaterThan(
      Math.max(at(positions, 'b').y, at(positions, 'c').y),
    );
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
