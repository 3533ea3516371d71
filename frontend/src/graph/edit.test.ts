import { describe, expect, it } from 'vitest';

import { block } from '../test/blocks';
import { addNode, moveNodes, removeElements, setConfigValue, setLabel } from './edit';
import { issuesByNode } from './issues';
import type { Graph } from './types';

const GRAPH: Graph = {
  nodes: [
    { id: 'split', block: 'feature.split', config: {}, position: { x: 0, y: 0 } },
    { id: 'scale', block: 'feature.scale', config: { method: 'robust' }, position: { x: 1, y: 1 } },
  ],
  edges: [
    { source: 'split', source_port: 'train', target: 'scale', target_port: 'train' },
    { source: 'split', source_port: 'test', target: 'scale', target_port: 'test' },
  ],
};

describe('graph edits', () => {
  it('adds a node with a readable id and the default config', () => {
    const { graph, id } = addNode(GRAPH, block('feature.scale'), { x: 10.4, y: 20.6 });
    expect(id).toBe('scale_2');
    expect(graph.nodes.at(-1)).toEqual({
      id: 'scale_2',
      block: 'feature.scale',
      config: { method: 'standard' },
      position: { x: 10, y: 21 },
    });
  });

  it('removes nodes with their edges, and single edges', () => {
    expect(removeElements(GRAPH, ['split'])).toEqual({ nodes: [GRAPH.nodes[1]], edges: [] });
    expect(removeElements(GRAPH, [], ['split:test->scale:test']).edges).toEqual([GRAPH.edges[0]]);
    expect(removeElements(GRAPH, [], [])).toBe(GRAPH);
  });

  it('moves nodes, keeping the others as they were', () => {
    const moved = moveNodes(GRAPH, new Map([['scale', { x: 5, y: 6 }]]));
    expect(moved.nodes[1]?.position).toEqual({ x: 5, y: 6 });
    expect(moved.nodes[0]).toBe(GRAPH.nodes[0]);
    expect(moveNodes(GRAPH, new Map([['scale', { x: 1, y: 1 }]]))).toBe(GRAPH);
  });

  it('sets and removes config values', () => {
    const set = setConfigValue(GRAPH, 'scale', 'columns', ['a']);
    expect(set.nodes[1]?.config).toEqual({ method: 'robust', columns: ['a'] });
    expect(setConfigValue(set, 'scale', 'method', undefined).nodes[1]?.config).toEqual({
      columns: ['a'],
    });
    expect(setConfigValue(GRAPH, 'scale', 'method', 'robust')).toBe(GRAPH);
  });

  it('sets and clears labels', () => {
    const named = setLabel(GRAPH, 'scale', 'Standardise');
    expect(named.nodes[1]?.label).toBe('Standardise');
    expect(setLabel(named, 'scale', '').nodes[1]).not.toHaveProperty('label');
  });
});

describe('issuesByNode', () => {
  it('groups messages by node, port and field', () => {
    const byNode = issuesByNode([
      { message: 'required input', node: 'scale', port: 'train' },
      { message: 'bad method', node: 'scale', field: 'method' },
      { message: 'bad column', node: 'scale', field: 'columns[0]', column: 'x' },
      { message: 'the graph is empty' },
    ]);
    expect([...byNode.keys()]).toEqual(['scale']);
    expect(byNode.get('scale')).toEqual({
      messages: ['required input', 'bad method', 'bad column'],
      ports: { train: ['required input'] },
      fields: { method: ['bad method'], columns: ['bad column'] },
    });
  });
});
