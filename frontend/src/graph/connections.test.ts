import { describe, expect, it } from 'vitest';

import { CATALOGUE } from '../test/blocks';
import {
  checkConnection,
  connect,
  inputChoices,
  sameSideReason,
  setInputSource,
  type ConnectionRequest,
} from './connections';
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

describe('sameSideReason', () => {
  it('explains input to input and output to output drags, and accepts the others', () => {
    expect(sameSideReason('target', 'target')).toMatch(/^Both ports are inputs/);
    expect(sameSideReason('source', 'source')).toMatch(/^Both ports are outputs/);
    expect(sameSideReason('source', 'target')).toBeNull();
    expect(sameSideReason('target', 'source')).toBeNull();
  });
});

describe('inputChoices', () => {
  it('lists the outputs of the input’s type on other blocks, leaving out loops', () => {
    const labels = (target: string, port: string) =>
      inputChoices(GRAPH, CATALOGUE, target, port).map((choice) => choice.label);
    // split's table input is connected to iris: iris stays a choice, downstream blocks do not.
    expect(labels('split', 'table')).toEqual(['Sample dataset · table']);
    expect(labels('forest', 'train')).toEqual([
      'Sample dataset · table',
      'Train/test split · train',
      'Train/test split · test',
      'Standardise · train',
      'Standardise · test',
    ]);
    expect(labels('evaluate', 'model')).toEqual(['Train (scikit-learn) · model']);
  });

  it('adds the node id where two blocks share a name', () => {
    const graph: Graph = {
      nodes: [...GRAPH.nodes, node('forest2', 'train.sklearn')],
      edges: GRAPH.edges,
    };
    expect(inputChoices(graph, CATALOGUE, 'evaluate', 'model')).toEqual([
      { source: 'forest', sourcePort: 'model', label: 'Train (scikit-learn) (forest) · model' },
      { source: 'forest2', sourcePort: 'model', label: 'Train (scikit-learn) (forest2) · model' },
    ]);
  });
});

describe('setInputSource', () => {
  it('replaces what feeds an input, in one change', () => {
    const result = setInputSource(GRAPH, CATALOGUE, 'scale', 'train', {
      node: 'iris',
      port: 'table',
    });
    expect(result.ok && result.graph.edges).toEqual([
      { source: 'iris', source_port: 'table', target: 'split', target_port: 'table' },
      { source: 'iris', source_port: 'table', target: 'scale', target_port: 'train' },
    ]);
  });

  it('disconnects an input, and leaves the graph as it was when nothing feeds it', () => {
    const result = setInputSource(GRAPH, CATALOGUE, 'scale', 'train', null);
    expect(result.ok && result.graph.edges).toEqual([GRAPH.edges[0]]);
    expect(setInputSource(GRAPH, CATALOGUE, 'forest', 'train', null)).toEqual({
      ok: true,
      graph: GRAPH,
    });
  });

  it('refuses a connection the rules refuse', () => {
    const result = setInputSource(GRAPH, CATALOGUE, 'split', 'table', {
      node: 'scale',
      port: 'train',
    });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toMatch(/loop/);
  });
});
