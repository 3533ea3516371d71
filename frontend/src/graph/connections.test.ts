import { describe, expect, it } from 'vitest';

import { CATALOGUE } from '../test/blocks';
import { checkConnection, connect, type ConnectionRequest } from './connections';
import type { Graph } from './types';

function node(id: string, block: string, label?: string) {
  return { id, block, config: {}, position: { x: 0, y: 0 }, ...(label ? { label } : {}) };
}

const GRAPH: Graph = {
  nodes: [
    node('iris', 'ingest.sample'),
    node('split', 'feature.split'),
    node('scale', 'feature.scale', 'Standardise'),
    node('forest', 'train.sklearn'),
    node('evaluate', 'evaluate.classification'),
  ],
  edges: [
    { source: 'iris', source_port: 'table', target: 'split', target_port: 'table' },
    { source: 'split', source_port: 'train', target: 'scale', target_port: 'train' },
  ],
};

const req = (source: string, sourcePort: string, target: string, targetPort: string) =>
  ({ source, sourcePort, target, targetPort }) satisfies ConnectionRequest;

describe('checkConnection', () => {
  it('accepts an output into a free input of the same type', () => {
    expect(checkConnection(GRAPH, CATALOGUE, req('split', 'test', 'scale', 'test'))).toEqual({
      ok: true,
    });
    expect(checkConnection(GRAPH, CATALOGUE, req('scale', 'train', 'forest', 'train'))).toEqual({
      ok: true,
    });
  });

  it('refuses ports of different types, naming both', () => {
    const check = checkConnection(GRAPH, CATALOGUE, req('split', 'test', 'evaluate', 'model'));
    expect(check).toEqual({
      ok: false,
      reason:
        'Types differ: “test” of “Train/test split” gives a table, but “model” of ' +
        '“Evaluate classifier” takes a model.',
    });
  });

  it('refuses a second edge into one input', () => {
    const check = checkConnection(GRAPH, CATALOGUE, req('iris', 'table', 'scale', 'train'));
    expect(check.ok).toBe(false);
    expect(!check.ok && check.reason).toBe(
      'Input “train” of “Standardise” is already connected; delete that connection first.',
    );
  });

  it('says so when the same edge is drawn twice', () => {
    const check = checkConnection(GRAPH, CATALOGUE, req('split', 'train', 'scale', 'train'));
    expect(!check.ok && check.reason).toBe('These ports are already connected.');
  });

  it('refuses a self-loop', () => {
    const check = checkConnection(GRAPH, CATALOGUE, req('scale', 'train', 'scale', 'test'));
    expect(!check.ok && check.reason).toMatch(/cannot feed itself/);
  });

  it('refuses a cycle', () => {
    const graph: Graph = {
      nodes: [node('a', 'feature.scale'), node('b', 'feature.impute'), node('c', 'feature.pca')],
      edges: [
        { source: 'a', source_port: 'train', target: 'b', target_port: 'train' },
        { source: 'b', source_port: 'train', target: 'c', target_port: 'train' },
      ],
    };
    const check = checkConnection(graph, CATALOGUE, req('c', 'train', 'a', 'train'));
    expect(!check.ok && check.reason).toBe(
      'That would make a loop: “Scale” already feeds “PCA”. Pipelines must flow one way.',
    );
  });

  it('refuses unknown ports and nodes', () => {
    expect(checkConnection(GRAPH, CATALOGUE, req('iris', 'rows', 'split', 'table')).ok).toBe(false);
    expect(checkConnection(GRAPH, CATALOGUE, req('iris', 'table', 'split', 'rows')).ok).toBe(false);
    expect(checkConnection(GRAPH, CATALOGUE, req('nope', 'table', 'split', 'table')).ok).toBe(
      false,
    );
  });
});

describe('connect', () => {
  it('adds the edge when the rules allow it', () => {
    const result = connect(GRAPH, CATALOGUE, req('split', 'test', 'scale', 'test'));
    expect(result.ok && result.graph.edges.at(-1)).toEqual({
      source: 'split',
      source_port: 'test',
      target: 'scale',
      target_port: 'test',
    });
    expect(GRAPH.edges).toHaveLength(2);
  });

  it('leaves the graph alone when refused', () => {
    const result = connect(GRAPH, CATALOGUE, req('forest', 'model', 'scale', 'test'));
    expect(result.ok).toBe(false);
  });
});
