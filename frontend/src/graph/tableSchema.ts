/**
 * What is known of the tables flowing through a graph, for the config form's column pickers.
 *
 * Schemas start at ingest blocks (a dataset's schema from the API, the bundled samples' known
 * columns, synthetic data's f0..fN) and follow feature blocks whose output columns follow from
 * their config. Where the columns depend on the data (one-hot encoding), they are unknown (null)
 * and the form falls back to free text.
 */

import { sampleColumns } from './samples';
import { topologicalOrder } from './topo';
import type { ColumnInfo, GraphContent, NodeContent, TableSchema } from './types';

/** Where schemas come from outside the graph. */
export interface SchemaSources {
  /** The columns of a workspace dataset, or undefined when unknown. */
  datasetColumns(id: number): ColumnInfo[] | undefined;
}

/** Output schemas by node id, then by output port; null: not known. */
export type InferredSchemas = Map<string, Record<string, TableSchema | null>>;

const NUMBER_DTYPES = new Set(['int64', 'float64', 'int32', 'float32']);

type Inputs = Record<string, TableSchema | null | undefined>;

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function integer(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isInteger(value) ? value : fallback;
}

function ingest(node: NodeContent, sources: SchemaSources): TableSchema | null {
  const config = node.config;
  switch (node.block) {
    case 'ingest.dataset': {
      const columns =
        typeof config.dataset === 'number' ? sources.datasetColumns(config.dataset) : undefined;
      const target = typeof config.target === 'string' && config.target ? config.target : null;
      return columns ? { columns, target } : null;
    }
    case 'ingest.sample': {
      const columns = sampleColumns(typeof config.name === 'string' ? config.name : 'iris');
      return columns ? { columns, target: 'target' } : null;
    }
    case 'ingest.synthetic': {
      const count = Math.min(integer(config.features, 10), 1000);
      const regression = config.task === 'regression';
      const columns = Array.from({ length: count }, (_, i) => ({
        name: `f${i}`,
        dtype: 'float64',
      }));
      columns.push({ name: 'target', dtype: regression ? 'float64' : 'int64' });
      return { columns, target: 'target' };
    }
    default:
      return null;
  }
}

/** The columns a numeric transform touches: those listed, else every numeric non-label one. */
function numericColumns(schema: TableSchema, listed: string[]): Set<string> {
  if (listed.length > 0) {
    return new Set(listed);
  }
  return new Set(
    schema.columns
      .filter((c) => c.name !== schema.target && NUMBER_DTYPES.has(c.dtype))
      .map((c) => c.name),
  );
}

/** One table through a feature block's transform, or null when its columns depend on the data. */
function transform(node: NodeContent, schema: TableSchema): TableSchema | null {
  const config = node.config;
  const listed = strings(config.columns);
  switch (node.block) {
    case 'feature.impute':
      return schema;
    case 'feature.scale': {
      const scaled = numericColumns(schema, listed);
      return {
        ...schema,
        columns: schema.columns.map((c) => (scaled.has(c.name) ? { ...c, dtype: 'float64' } : c)),
      };
    }
    case 'feature.select_columns': {
      const named = new Set(listed);
      const keep = config.mode !== 'drop';
      return {
        ...schema,
        columns: schema.columns.filter(
          (c) => c.name === schema.target || named.has(c.name) === keep,
        ),
      };
    }
    case 'feature.pca': {
      const replaced = numericColumns(schema, listed);
      const count = integer(config.n_components, 2);
      const pcs = Array.from({ length: count }, (_, i) => ({
        name: `pc${i + 1}`,
        dtype: 'float64',
      }));
      const columns: ColumnInfo[] = [];
      let placed = false;
      for (const column of schema.columns) {
        if (!replaced.has(column.name)) {
          columns.push(column);
        } else if (!placed) {
          columns.push(...pcs);
          placed = true;
        }
      }
      return { ...schema, columns };
    }
    default:
      return null;
  }
}

function outputs(
  node: NodeContent,
  inputs: Inputs,
  sources: SchemaSources,
): Record<string, TableSchema | null> {
  if (node.block.startsWith('ingest.')) {
    return { table: ingest(node, sources) };
  }
  if (node.block === 'feature.split') {
    const table = inputs.table ?? null;
    return { train: table, test: table };
  }
  if (node.block.startsWith('feature.')) {
    const train = inputs.train ? transform(node, inputs.train) : null;
    const test = inputs.test === undefined ? train : inputs.test && transform(node, inputs.test);
    return { train, test };
  }
  return {};
}

/** The schema of every table output in the graph that can be known without running it. */
export function inferSchemas(graph: GraphContent, sources: SchemaSources): InferredSchemas {
  const byId = new Map(graph.nodes.map((node) => [node.id, node]));
  const schemas: InferredSchemas = new Map();
  for (const id of topologicalOrder(graph).order) {
    const node = byId.get(id) as NodeContent;
    const inputs: Inputs = {};
    for (const edge of graph.edges) {
      if (edge.target === id) {
        inputs[edge.target_port] = schemas.get(edge.source)?.[edge.source_port] ?? null;
      }
    }
    schemas.set(id, outputs(node, inputs, sources));
  }
  return schemas;
}

const PREFERRED_INPUTS = ['train', 'table', 'test'];

/**
 * The table whose columns a node's column fields pick from: an ingest block's own output (its
 * target names one of its columns), else the table wired into its "train" or "table" input.
 * Null when nothing is known.
 */
export function columnsForNode(
  graph: GraphContent,
  nodeId: string,
  schemas: InferredSchemas,
): TableSchema | null {
  const node = graph.nodes.find((candidate) => candidate.id === nodeId);
  if (!node) {
    return null;
  }
  if (node.block.startsWith('ingest.')) {
    return schemas.get(nodeId)?.table ?? null;
  }
  const incoming = graph.edges.filter((edge) => edge.target === nodeId);
  const rank = (port: string) => {
    const index = PREFERRED_INPUTS.indexOf(port);
    return index === -1 ? PREFERRED_INPUTS.length : index;
  };
  incoming.sort((a, b) => rank(a.target_port) - rank(b.target_port));
  for (const edge of incoming) {
    const schema = schemas.get(edge.source)?.[edge.source_port];
    if (schema) {
      return schema;
    }
  }
  return null;
}

/**
 * Why a node's columns are not known (columnsForNode gave null), in words for the form: what
 * to do to get a column picker, or that the names must be typed.
 */
export function unknownColumnsReason(graph: GraphContent, nodeId: string): string {
  const node = graph.nodes.find((candidate) => candidate.id === nodeId);
  if (node?.block === 'ingest.dataset') {
    return typeof node.config.dataset === 'number'
      ? 'The dataset’s columns are not known yet: type the names.'
      : 'Choose a dataset first.';
  }
  if (node?.block.startsWith('ingest.')) {
    return 'The columns are not known here: type the names.';
  }
  if (!graph.edges.some((edge) => edge.target === nodeId)) {
    return 'Connect the input to pick from its columns, or type the names.';
  }
  return 'The input’s columns are not known here yet: type the names.';
}
