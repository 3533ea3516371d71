import { describe, expect, it } from 'vitest';

import { contentTracker, graphContent, sameContent } from './content';
import { moveNodes, setConfigValue, setLabel } from './edit';
import { semanticKey } from './json';
import type { Graph, GraphNode } from './types';

const IRIS: GraphNode = {
  id: 'iris',
  block: 'ingest.sample',
  config: { name: 'iris' },
  position: { x: 0, y: 0 },
};

const GRAPH: Graph = {
  nodes: [IRIS, { id: 'split', block: 'feature.split', config: {}, position: { x: 280, y: 0 } }],
  edges: [{ source: 'iris', source_port: 'table', target: 'split', target_port: 'table' }],
};

const moved = moveNodes(GRAPH, new Map([['split', { x: 300, y: 40 }]]));

describe('graph content', () => {
  it('stays the same when only positions change', () => {
    expect(moved).not.toBe(GRAPH);
    expect(sameContent(GRAPH, moved)).toBe(true);
    expect(graphContent(moved, GRAPH)).toBe(GRAPH);
    expect(semanticKey(graphContent(moved, GRAPH))).toBe(semanticKey(moved));
  });

  it.each([
    ['a setting', setConfigValue(GRAPH, 'split', 'test_size', 0.5)],
    ['a label', setLabel(GRAPH, 'split', 'Holdout')],
    ['a removed edge', { ...GRAPH, edges: [] }],
    ['an added node', { ...GRAPH, nodes: [...GRAPH.nodes, { ...IRIS, id: 'iris_2' }] }],
    ['reordered nodes', { ...GRAPH, nodes: [...GRAPH.nodes].reverse() }],
  ])('changes with %s', (_change, edited) => {
    expect(sameContent(GRAPH, edited)).toBe(false);
    expect(graphContent(edited, GRAPH)).toBe(edited);
  });

  it('is the graph itself when there is nothing to compare with', () => {
    expect(graphContent(GRAPH)).toBe(GRAPH);
  });

  it('tracks a sequence of graphs, keeping its answer across moves', () => {
    const track = contentTracker();
    const first = track(GRAPH);
    expect(track(moved)).toBe(first);
    const edited = setConfigValue(moved, 'split', 'seed', 7);
    expect(track(edited)).toBe(edited);
    expect(track(moveNodes(edited, new Map([['iris', { x: 10, y: 10 }]])))).toBe(edited);
  });
});
