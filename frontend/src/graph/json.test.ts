import { describe, expect, it } from 'vitest';

import { CATALOGUE } from '../test/blocks';
import { fromFlow, toFlow } from './flow';
import { edgeId, graphKey, parseGraph, parseGraphText, semanticKey, toApiGraph } from './json';
import type { Graph } from './types';

const IRIS: Graph = {
  nodes: [
    {
      id: 'iris',
      block: 'ingest.sample',
      config: { name: 'iris' },
      position: { x: 0, y: 80 },
      label: 'Iris',
    },
    {
      id: 'split',
      block: 'feature.split',
      config: { test_size: 0.25 },
      position: { x: 260, y: 80 },
    },
    { id: 'forest', block: 'train.sklearn', config: {}, position: { x: 520, y: 0 } },
  ],
  edges: [
    { source: 'iris', source_port: 'table', target: 'split', target_port: 'table' },
    { source: 'split', source_port: 'train', target: 'forest', target_port: 'train' },
  ],
};

describe('parseGraph', () => {
  it('accepts the API graph and returns an equal copy', () => {
    const result = parseGraph(structuredClone(IRIS));
    expect(result).toEqual({ ok: true, graph: IRIS });
  });

  it('fills a missing config and position, and drops an empty label', () => {
    const result = parseGraph({ nodes: [{ id: 'a', block: 'ingest.sample', label: '' }] });
    expect(result).toEqual({
      ok: true,
      graph: {
        nodes: [{ id: 'a', block: 'ingest.sample', config: {}, position: { x: 0, y: 0 } }],
        edges: [],
      },
    });
  });

  it.each([
    [null, 'a graph must be an object'],
    [[], 'a graph must be an object'],
    [{ nodes: {} }, '"nodes" must be a list'],
    [{ nodes: [], edges: 'x' }, '"edges" must be a list'],
    [{ nodes: [{ block: 'x' }] }, 'nodes[0].id must be a non-empty string'],
    [{ nodes: [{ id: 'a b', block: 'x' }] }, 'nodes[0].id "a b" may only use letters'],
    [{ nodes: [{ id: 'a' }] }, 'nodes[0].block must be a non-empty string'],
    [{ nodes: [{ id: 'a', block: 'x', config: [] }] }, 'nodes[0].config must be an object'],
    [
      { nodes: [{ id: 'a', block: 'x', position: { x: 'left' } }] },
      'nodes[0].position.x must be a number',
    ],
    [
      {
        nodes: [
          { id: 'a', block: 'x' },
          { id: 'a', block: 'y' },
        ],
      },
      'nodes[1].id "a" is used by another node',
    ],
    [
      {
        nodes: [{ id: 'a', block: 'x' }],
        edges: [{ source: 'a', source_port: 'table', target: 'b', target_port: 'table' }],
      },
      'edges[0].target names node "b", which is not in the graph',
    ],
    [{ nodes: [], edges: [{ source: 'a' }] }, 'edges[0].source_port must be a non-empty string'],
  ])('refuses %j with a message that says where', (value, message) => {
    const result = parseGraph(value);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toContain(message);
  });
});

describe('parseGraphText', () => {
  it('says when the file is not JSON', () => {
    const result = parseGraphText('{"nodes": [');
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toMatch(/^the file is not valid JSON/);
  });

  it('reads a graph wrapped in an export envelope', () => {
    const result = parseGraphText(JSON.stringify({ name: 'Iris', graph: IRIS }));
    expect(result).toEqual({ ok: true, graph: IRIS });
  });
});

describe('API JSON', () => {
  it('keeps only the known keys, in a stable order', () => {
    const messy = {
      edges: [{ target_port: 'table', target: 'b', source_port: 'table', source: 'a', extra: 1 }],
      nodes: [
        {
          position: { y: 2, x: 1, z: 3 },
          block: 'x',
          id: 'a',
          config: {},
          label: '',
          selected: true,
        },
      ],
    } as unknown as Graph;
    expect(JSON.stringify(toApiGraph(messy))).toBe(
      '{"nodes":[{"id":"a","block":"x","config":{},"position":{"x":1,"y":2}}],' +
        '"edges":[{"source":"a","source_port":"table","target":"b","target_port":"table"}]}',
    );
  });

  it('tells a move from a change that matters to a run', () => {
    const moved = { ...IRIS, nodes: IRIS.nodes.map((n) => ({ ...n, position: { x: 9, y: 9 } })) };
    expect(semanticKey(moved)).toBe(semanticKey(IRIS));
    expect(graphKey(moved)).not.toBe(graphKey(IRIS));
    const reconfigured = {
      ...IRIS,
      nodes: IRIS.nodes.map((n) => (n.id === 'split' ? { ...n, config: { test_size: 0.5 } } : n)),
    };
    expect(semanticKey(reconfigured)).not.toBe(semanticKey(IRIS));
  });

  it('names edges by both ends and ports', () => {
    expect(IRIS.edges.map(edgeId)[0]).toBe('iris:table->split:table');
  });
});

describe('React Flow nodes and edges', () => {
  it('round-trips the graph', () => {
    const { nodes, edges } = toFlow(IRIS, CATALOGUE);
    expect(fromFlow(nodes, edges)).toEqual(IRIS);
  });

  it('makes typed block nodes, with handles named by port', () => {
    const { nodes, edges } = toFlow(IRIS, CATALOGUE, { nodes: ['split'], edges: [] });
    expect(nodes[1]).toMatchObject({
      id: 'split',
      type: 'block',
      position: { x: 260, y: 80 },
      selected: true,
      data: { node: IRIS.nodes[1], spec: { title: 'Train/test split' } },
    });
    expect(nodes[0]?.selected).toBe(false);
    expect(edges[1]).toMatchObject({
      id: 'split:train->forest:train',
      source: 'split',
      sourceHandle: 'train',
      target: 'forest',
      targetHandle: 'train',
      className: 'port-edge port-edge--table',
      data: { portType: 'table' },
    });
  });

  it('takes positions from the canvas', () => {
    const { nodes, edges } = toFlow(IRIS, CATALOGUE);
    const dragged = nodes.map((n) => (n.id === 'iris' ? { ...n, position: { x: 5, y: 6 } } : n));
    expect(fromFlow(dragged, edges).nodes[0]?.position).toEqual({ x: 5, y: 6 });
  });

  it('keeps a node whose block is not in the catalogue', () => {
    const graph: Graph = {
      nodes: [{ id: 'x', block: 'gone.block', config: {}, position: { x: 0, y: 0 } }],
      edges: [],
    };
    const { nodes } = toFlow(graph, CATALOGUE);
    expect(nodes[0]?.data.spec).toBeUndefined();
    expect(fromFlow(nodes, [])).toEqual(graph);
  });
});
