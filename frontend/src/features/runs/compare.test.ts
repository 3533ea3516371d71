import { describe, expect, it } from 'vitest';

import type { Graph } from '../../graph/types';
import {
  compareMetrics,
  compareParameters,
  finalMetrics,
  lowerIsBetter,
  nodeNames,
} from './compare';
import { makeMetric } from './testRuns';

function graph(epochs: number, extra: Record<string, unknown> = {}): Graph {
  return {
    nodes: [
      { id: 'load', block: 'ingest.sample', config: { name: 'iris' }, position: { x: 0, y: 0 } },
      {
        id: 'train',
        block: 'train.torch_mlp',
        config: { epochs, hidden_layers: [64, 64], ...extra },
        position: { x: 1, y: 0 },
      },
    ],
    edges: [],
  };
}

describe('compareParameters', () => {
  it('lists run parameters, then each node’s block and config, marking differences', () => {
    const rows = compareParameters(
      { parameters: { use_cache: true, from_node: null }, graph: graph(30) },
      { parameters: { use_cache: false, from_node: null }, graph: graph(400, { seed: 1 }) },
    );

    const byKey = Object.fromEntries(rows.map((row) => [`${row.group}:${row.key}`, row]));
    expect(byKey['run:use_cache']).toMatchObject({ a: 'true', b: 'false', differs: true });
    expect(byKey['run:from_node']).toMatchObject({ a: '—', b: '—', differs: false });
    expect(byKey['load:block']).toMatchObject({ a: 'ingest.sample', differs: false });
    expect(byKey['train:epochs']).toMatchObject({ a: '30', b: '400', differs: true });
    expect(byKey['train:hidden_layers']).toMatchObject({ a: '[64,64]', differs: false });
    expect(byKey['train:seed']).toMatchObject({ a: null, b: '1', differs: true });
    expect(rows[0]?.group).toBe('run');
  });

  it('includes nodes only one of the runs has', () => {
    const onlyB = graph(1);
    onlyB.nodes.push({ id: 'pca', block: 'feature.pca', config: {}, position: { x: 2, y: 0 } });
    const rows = compareParameters(
      { parameters: {}, graph: graph(1) },
      { parameters: {}, graph: onlyB },
    );
    expect(rows.find((row) => row.group === 'pca')).toMatchObject({
      key: 'block',
      a: null,
      b: 'feature.pca',
      differs: true,
    });
  });
});

describe('what the comparison leaves out and how it names nodes', () => {
  it('does not count unset against null, and hides the derived forced_nodes', () => {
    const withNull = graph(1, { max_depth: null });
    const rows = compareParameters(
      { parameters: { from_node: 'train', forced_nodes: ['train'] }, graph: withNull },
      { parameters: { from_node: 'train', forced_nodes: [] }, graph: graph(1) },
    );

    expect(rows.find((row) => row.key === 'forced_nodes')).toBeUndefined();
    expect(rows.find((row) => row.key === 'max_depth')).toMatchObject({
      a: '—',
      b: null,
      differs: false,
    });
  });

  it('names nodes by label or block title, telling apart two of the same name', () => {
    const twoScales = graph(1);
    twoScales.nodes = twoScales.nodes.map((node) =>
      node.id === 'load' ? { ...node, label: 'Iris rows' } : node,
    );
    twoScales.nodes.push(
      { id: 'scale', block: 'feature.scale', config: {}, position: { x: 2, y: 0 } },
      { id: 'scale_2', block: 'feature.scale', config: {}, position: { x: 3, y: 0 } },
    );
    const names = nodeNames(
      [twoScales, undefined],
      new Map([
        ['feature.scale', 'Scale'],
        ['train.torch_mlp', 'Train neural network'],
      ]),
    );

    expect(Object.fromEntries(names)).toEqual({
      load: 'Iris rows',
      train: 'Train neural network',
      scale: 'Scale (scale)',
      scale_2: 'Scale (scale_2)',
    });
    const rows = compareParameters(
      { parameters: {}, graph: twoScales },
      { parameters: {} },
      (id) => names.get(id) ?? id,
    );
    expect(rows.some((row) => row.group === 'Train neural network' && row.key === 'epochs')).toBe(
      true,
    );
    const metrics = compareMetrics(
      [makeMetric(1, 'loss', 0.5)],
      [makeMetric(1, 'loss', 0.4)],
      (id) => names.get(id) ?? id,
    );
    expect(metrics[0]).toMatchObject({ metric: 'Train neural network · loss', better: true });
  });
});

describe('finalMetrics and compareMetrics', () => {
  it('takes the last scalar and the value at the last epoch', () => {
    const finals = finalMetrics([
      makeMetric(1, 'loss', 1, 1),
      makeMetric(2, 'loss', 0.5, 2),
      makeMetric(3, 'loss', 0.9, 1),
      makeMetric(4, 'accuracy', 0.7, null, 'evaluate'),
      makeMetric(5, 'accuracy', 0.8, null, 'evaluate'),
    ]);
    expect(Object.fromEntries(finals)).toEqual({
      'train · loss': 0.5,
      'evaluate · accuracy': 0.8,
    });
  });

  it('puts both runs side by side with B − A, and says which did better', () => {
    const rows = compareMetrics(
      [makeMetric(1, 'accuracy', 0.8, null, 'evaluate'), makeMetric(2, 'loss', 0.4, 3)],
      [
        makeMetric(1, 'accuracy', 0.9, null, 'evaluate'),
        makeMetric(2, 'loss', 0.5, 3),
        makeMetric(3, 'n_test', 45, null, 'evaluate'),
      ],
    );
    expect(rows).toEqual([
      { metric: 'evaluate · accuracy', a: 0.8, b: 0.9, delta: expect.closeTo(0.1), better: true },
      { metric: 'evaluate · n_test', a: null, b: 45, delta: null, better: null },
      { metric: 'train · loss', a: 0.4, b: 0.5, delta: expect.closeTo(0.1), better: false },
    ]);
  });

  it.each([
    ['loss', true],
    ['val_loss', true],
    ['rmse', true],
    ['accuracy', false],
    ['roc_auc', false],
    ['n_test', null],
  ])('lower is better for %s: %s', (key, expected) => {
    expect(lowerIsBetter(`train · ${key}`)).toBe(expected);
  });
});
