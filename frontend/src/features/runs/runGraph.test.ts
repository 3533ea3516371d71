import { describe, expect, it } from 'vitest';

import type { Graph } from '../../graph/types';
import {
  nodePositions,
  orderedNodeIds,
  toFlowEdges,
  toFlowNodes,
  warningsByNode,
  withMeasuredSizes,
} from './runGraph';
import { makeStep } from './testRuns';

const GRAPH: Graph = {
  nodes: [
    { id: 'eval', block: 'evaluate.classification', config: {}, position: { x: 600, y: 0 } },
    { id: 'load', block: 'ingest.sample', config: {}, position: { x: 0, y: 0 }, label: 'Iris' },
    { id: 'train', block: 'train.sklearn', config: {}, position: { x: 300, y: 0 } },
  ],
  edges: [
    { source: 'load', source_port: 'table', target: 'train', target_port: 'train' },
    { source: 'train', source_port: 'model', target: 'eval', target_port: 'model' },
    { source: 'load', source_port: 'table', target: 'eval', target_port: 'test' },
  ],
};

describe('toFlowNodes', () => {
  it('gives each node its step status, progress and a label', () => {
    const nodes = toFlowNodes(
      GRAPH,
      [
        makeStep('load', { status: 'succeeded' }),
        makeStep('train', { status: 'running', progress: 0.4 }),
      ],
      new Map([['train.sklearn', 'Train (scikit-learn)']]),
      'train',
    );
    const byId = Object.fromEntries(nodes.map((node) => [node.id, node]));

    expect(byId.load?.data).toMatchObject({ label: 'Iris', status: 'succeeded' });
    expect(byId.train?.data).toMatchObject({
      label: 'Train (scikit-learn)',
      status: 'running',
      progress: 0.4,
    });
    expect(byId.train?.selected).toBe(true);
    expect(byId.train?.ariaLabel).toBe('Train (scikit-learn): running');
    expect(byId.eval?.data).toMatchObject({ label: 'eval', status: 'pending' });
    expect(nodes.every((node) => node.draggable === false && node.connectable === false)).toBe(
      true,
    );
  });
});

describe('warnings', () => {
  it('counts the warning lines of each node, shown on the node and to screen readers', () => {
    const warnings = warningsByNode([
      { node: 'train', level: 'info', message: 'training' },
      { node: 'train', level: 'warning', message: 'not published: rmse is 57.4' },
      { node: 'eval', level: 'error', message: 'shown as the step error instead' },
    ]);
    expect(Object.fromEntries(warnings)).toEqual({ train: ['not published: rmse is 57.4'] });

    const nodes = toFlowNodes(
      GRAPH,
      [makeStep('train', { status: 'succeeded' })],
      new Map(),
      null,
      new Map(),
      warnings,
    );
    const train = nodes.find((node) => node.id === 'train');
    expect(train?.data.warnings).toBe(1);
    expect(train?.ariaLabel).toBe('train: succeeded, 1 warning');
    expect(nodes.find((node) => node.id === 'load')?.data.warnings).toBe(0);
  });
});

describe('measured sizes', () => {
  it('carries the sizes React Flow measured into every new set of nodes', () => {
    const sizes = withMeasuredSizes(new Map(), [
      { type: 'dimensions', id: 'load', dimensions: { width: 190, height: 78 } },
      { type: 'select', id: 'train' },
    ]);
    const nodes = toFlowNodes(
      GRAPH,
      [makeStep('load', { status: 'running' })],
      new Map(),
      null,
      sizes,
    );
    const byId = Object.fromEntries(nodes.map((node) => [node.id, node]));

    expect(byId.load?.measured).toEqual({ width: 190, height: 78 });
    expect(byId.train?.measured).toBeUndefined();
  });

  it('keeps the same map when no size changed, so nothing re-renders for it', () => {
    const sizes = withMeasuredSizes(new Map(), [
      { type: 'dimensions', id: 'load', dimensions: { width: 190, height: 78 } },
    ]);

    expect(
      withMeasuredSizes(sizes, [
        { type: 'dimensions', id: 'load', dimensions: { width: 190, height: 78 } },
        { type: 'dimensions', id: 'train' },
      ]),
    ).toBe(sizes);
    expect(
      withMeasuredSizes(sizes, [
        { type: 'dimensions', id: 'load', dimensions: { width: 190, height: 96 } },
      ]).get('load'),
    ).toEqual({ width: 190, height: 96 });
  });
});

describe('toFlowEdges', () => {
  it('animates an edge while data flows into a running step', () => {
    const edges = toFlowEdges(GRAPH, [
      makeStep('load', { status: 'succeeded' }),
      makeStep('train', { status: 'running' }),
    ]);
    expect(edges.map((edge) => [edge.id, edge.animated])).toEqual([
      ['load:table->train:train', true],
      ['train:model->eval:model', false],
      ['load:table->eval:test', false],
    ]);
  });
});

describe('positions and order', () => {
  it("keeps the graph's own positions", () => {
    expect(nodePositions(GRAPH).get('train')).toEqual({ x: 300, y: 0 });
  });

  it('lays nodes out in columns by depth when their positions overlap', () => {
    const stacked: Graph = {
      ...GRAPH,
      nodes: GRAPH.nodes.map((node) => ({ ...node, position: { x: 0, y: 0 } })),
    };
    const positions = nodePositions(stacked);
    const xs = ['load', 'train', 'eval'].map((id) => positions.get(id)?.x ?? -1);
    expect(xs[0]).toBe(0);
    expect(xs[1]).toBeGreaterThan(xs[0] ?? 0);
    expect(xs[2]).toBeGreaterThan(xs[1] ?? 0);
  });

  it('orders nodes upstream first', () => {
    expect(orderedNodeIds(GRAPH)).toEqual(['load', 'train', 'eval']);
  });
});
