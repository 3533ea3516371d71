import { describe, expect, it } from 'vitest';

import {
  columnsForNode,
  inferSchemas,
  unknownColumnsReason,
  type SchemaSources,
} from './tableSchema';
import type { Graph, GraphNode } from './types';

const names = (schema: { columns: { name: string }[] } | null | undefined) =>
  schema?.columns.map((column) => column.name);

function node(id: string, block: string, config: Record<string, unknown> = {}): GraphNode {
  return { id, block, config, position: { x: 0, y: 0 } };
}

const edge = (source: string, source_port: string, target: string, target_port: string) => ({
  source,
  source_port,
  target,
  target_port,
});

const sources: SchemaSources = {
  datasetColumns: (id) =>
    id === 7
      ? [
          { name: 'age', dtype: 'int64' },
          { name: 'plan', dtype: 'string' },
          { name: 'spend', dtype: 'float64' },
          { name: 'churned', dtype: 'bool' },
        ]
      : undefined,
};

describe('inferSchemas', () => {
  it('knows the bundled samples and follows split and scale', () => {
    const graph: Graph = {
      nodes: [
        node('iris', 'ingest.sample', { name: 'iris' }),
        node('split', 'feature.split'),
        node('scale', 'feature.scale', { columns: [] }),
        node('forest', 'train.sklearn'),
      ],
      edges: [
        edge('iris', 'table', 'split', 'table'),
        edge('split', 'train', 'scale', 'train'),
        edge('split', 'test', 'scale', 'test'),
        edge('scale', 'train', 'forest', 'train'),
      ],
    };
    const schemas = inferSchemas(graph, sources);
    expect(names(schemas.get('iris')?.table)).toEqual([
      'sepal length (cm)',
      'sepal width (cm)',
      'petal length (cm)',
      'petal width (cm)',
      'target',
    ]);
    expect(schemas.get('scale')?.test).toEqual(schemas.get('scale')?.train);
    expect(schemas.get('scale')?.train?.target).toBe('target');
    expect(names(columnsForNode(graph, 'forest', schemas))).toContain('petal width (cm)');
  });

  it('reads a workspace dataset with its target, and knows nothing of a missing one', () => {
    const graph: Graph = {
      nodes: [
        node('data', 'ingest.dataset', { dataset: 7, target: 'churned' }),
        node('gone', 'ingest.dataset', { dataset: 99 }),
        node('keep', 'feature.select_columns', { columns: ['spend'], mode: 'keep' }),
        node('drop', 'feature.select_columns', { columns: ['plan'], mode: 'drop' }),
      ],
      edges: [edge('data', 'table', 'keep', 'train'), edge('data', 'table', 'drop', 'train')],
    };
    const schemas = inferSchemas(graph, sources);
    expect(schemas.get('data')?.table?.target).toBe('churned');
    expect(schemas.get('gone')?.table).toBeNull();
    expect(names(schemas.get('keep')?.train)).toEqual(['spend', 'churned']);
    expect(names(schemas.get('drop')?.train)).toEqual(['age', 'spend', 'churned']);
    expect(names(columnsForNode(graph, 'data', schemas))).toEqual([
      'age',
      'plan',
      'spend',
      'churned',
    ]);
    expect(columnsForNode(graph, 'gone', schemas)).toBeNull();
  });

  it('names synthetic and PCA columns, and gives up on one-hot encoding', () => {
    const graph: Graph = {
      nodes: [
        node('synth', 'ingest.synthetic', { features: 3, task: 'regression' }),
        node('pca', 'feature.pca', { columns: [], n_components: 2 }),
        node('onehot', 'feature.one_hot'),
        node('after', 'feature.scale'),
      ],
      edges: [
        edge('synth', 'table', 'pca', 'train'),
        edge('synth', 'table', 'onehot', 'train'),
        edge('onehot', 'train', 'after', 'train'),
      ],
    };
    const schemas = inferSchemas(graph, sources);
    expect(schemas.get('synth')?.table).toEqual({
      columns: [
        { name: 'f0', dtype: 'float64' },
        { name: 'f1', dtype: 'float64' },
        { name: 'f2', dtype: 'float64' },
        { name: 'target', dtype: 'float64' },
      ],
      target: 'target',
    });
    expect(names(schemas.get('pca')?.train)).toEqual(['pc1', 'pc2', 'target']);
    expect(schemas.get('onehot')?.train).toBeNull();
    expect(columnsForNode(graph, 'after', schemas)).toBeNull();
  });

  it('knows nothing of an unwired input', () => {
    const graph: Graph = { nodes: [node('forest', 'train.sklearn')], edges: [] };
    expect(columnsForNode(graph, 'forest', inferSchemas(graph, sources))).toBeNull();
  });
});

describe('columns of an uploaded dataset and why columns are not known', () => {
  it('offers the chosen dataset’s columns to its ingest block, with the target as label', () => {
    const graph: Graph = {
      nodes: [node('in', 'ingest.dataset', { dataset: 7, target: 'churned' })],
      edges: [],
    };
    const schema = columnsForNode(graph, 'in', inferSchemas(graph, sources));
    expect(names(schema)).toEqual(['age', 'plan', 'spend', 'churned']);
    expect(schema?.target).toBe('churned');
  });

  it.each([
    [{ nodes: [node('n', 'ingest.dataset')], edges: [] }, 'Choose a dataset first.'],
    [
      { nodes: [node('n', 'ingest.dataset', { dataset: 9 })], edges: [] },
      'The dataset’s columns are not known yet: type the names.',
    ],
    [
      { nodes: [node('n', 'train.sklearn')], edges: [] },
      'Connect the input to pick from its columns, or type the names.',
    ],
    [
      {
        nodes: [node('a', 'ingest.dataset'), node('n', 'train.sklearn')],
        edges: [edge('a', 'table', 'n', 'train')],
      },
      'The input’s columns are not known here yet: type the names.',
    ],
  ] satisfies [Graph, string][])('says why: %#', (graph, reason) => {
    expect(columnsForNode(graph, 'n', inferSchemas(graph, sources))).toBeNull();
    expect(unknownColumnsReason(graph, 'n')).toBe(reason);
  });
});
