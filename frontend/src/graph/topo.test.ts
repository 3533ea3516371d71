import { describe, expect, it } from 'vitest';

import { hasPath, nodeDepths, topologicalOrder } from './topo';
import type { Graph } from './types';

const n = (id: string) => ({ id, block: 'x', config: {}, position: { x: 0, y: 0 } });
const e = (source: string, target: string) => ({
  source,
  source_port: 'out',
  target,
  target_port: 'in',
});

describe('topologicalOrder', () => {
  it('puts every node after the nodes it reads from, ties in graph order', () => {
    const graph: Graph = {
      nodes: [n('evaluate'), n('train'), n('split'), n('ingest'), n('other')],
      edges: [
        e('ingest', 'split'),
        e('split', 'train'),
        e('train', 'evaluate'),
        e('split', 'evaluate'),
      ],
    };
    expect(topologicalOrder(graph)).toEqual({
      order: ['ingest', 'split', 'train', 'evaluate', 'other'],
      blocked: [],
    });
  });

  it('reports the nodes on or behind a cycle', () => {
    const graph: Graph = {
      nodes: [n('a'), n('b'), n('c'), n('d')],
      edges: [e('a', 'b'), e('b', 'c'), e('c', 'b'), e('c', 'd')],
    };
    expect(topologicalOrder(graph)).toEqual({ order: ['a'], blocked: ['b', 'c', 'd'] });
  });
});

describe('hasPath', () => {
  const graph: Graph = { nodes: [n('a'), n('b'), n('c')], edges: [e('a', 'b'), e('b', 'c')] };

  it('follows edges downstream only', () => {
    expect(hasPath(graph, 'a', 'c')).toBe(true);
    expect(hasPath(graph, 'c', 'a')).toBe(false);
    expect(hasPath(graph, 'b', 'b')).toBe(true);
  });
});

describe('nodeDepths', () => {
  it('is the longest path from a source to each node', () => {
    const graph: Graph = {
      nodes: [n('evaluate'), n('train'), n('ingest')],
      edges: [e('ingest', 'train'), e('train', 'evaluate'), e('ingest', 'evaluate')],
    };
    expect(Object.fromEntries(nodeDepths(graph))).toEqual({ ingest: 0, train: 1, evaluate: 2 });
  });
});
