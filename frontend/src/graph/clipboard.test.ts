import { describe, expect, it } from 'vitest';

import { copySelection, pasteFragment } from './clipboard';
import type { Graph } from './types';

const GRAPH: Graph = {
  nodes: [
    { id: 'iris', block: 'ingest.sample', config: { name: 'iris' }, position: { x: 0, y: 0 } },
    { id: 'split', block: 'feature.split', config: { seed: 1 }, position: { x: 200, y: 0 } },
    { id: 'scale', block: 'feature.scale', config: {}, position: { x: 400, y: 0 }, label: 'Z' },
  ],
  edges: [
    { source: 'iris', source_port: 'table', target: 'split', target_port: 'table' },
    { source: 'split', source_port: 'train', target: 'scale', target_port: 'train' },
    { source: 'split', source_port: 'test', target: 'scale', target_port: 'test' },
  ],
};

describe('copySelection', () => {
  it('takes the selected nodes and only the edges between them', () => {
    const fragment = copySelection(GRAPH, ['split', 'scale']);
    expect(fragment.nodes.map((node) => node.id)).toEqual(['split', 'scale']);
    expect(fragment.edges).toEqual(GRAPH.edges.slice(1));
  });

  it('copies deeply, so later edits do not reach the clipboard', () => {
    const fragment = copySelection(GRAPH, ['split']);
    expect(fragment.nodes[0]?.config).not.toBe(GRAPH.nodes[1]?.config);
  });
});

describe('pasteFragment', () => {
  it('adds the nodes under fresh ids, offset, with their internal edges renamed', () => {
    const fragment = copySelection(GRAPH, ['split', 'scale']);
    const { graph, ids } = pasteFragment(GRAPH, fragment, { x: 40, y: 30 });
    expect(ids).toEqual(['split_2', 'scale_2']);
    expect(graph.nodes.slice(3)).toEqual([
      { id: 'split_2', block: 'feature.split', config: { seed: 1 }, position: { x: 240, y: 30 } },
      {
        id: 'scale_2',
        block: 'feature.scale',
        config: {},
        position: { x: 440, y: 30 },
        label: 'Z',
      },
    ]);
    expect(graph.edges.slice(3)).toEqual([
      { source: 'split_2', source_port: 'train', target: 'scale_2', target_port: 'train' },
      { source: 'split_2', source_port: 'test', target: 'scale_2', target_port: 'test' },
    ]);
    expect(graph.nodes.slice(0, 3)).toEqual(GRAPH.nodes);
  });

  it('keeps counting when pasting again', () => {
    const fragment = copySelection(GRAPH, ['split']);
    const once = pasteFragment(GRAPH, fragment).graph;
    const twice = pasteFragment(once, fragment);
    expect(twice.ids).toEqual(['split_3']);
  });

  it('keeps an id that is free (pasting into another pipeline)', () => {
    const fragment = copySelection(GRAPH, ['iris', 'split']);
    const { graph, ids } = pasteFragment({ nodes: [], edges: [] }, fragment);
    expect(ids).toEqual(['iris', 'split']);
    expect(graph.edges).toEqual([GRAPH.edges[0]]);
  });
});
