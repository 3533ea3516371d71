/** The pipeline graph and the block catalogue, as the API shares them with the editor. */

/** Where a node sits on the canvas. */
export interface Position {
  x: number;
  y: number;
}

/** One block instance in a pipeline. */
export interface GraphNode {
  id: string;
  block: string;
  config: Record<string, unknown>;
  position: Position;
  label?: string;
}

/** A connection from an output port of one node to an input port of another. */
export interface GraphEdge {
  source: string;
  source_port: string;
  target: string;
  target_port: string;
}

/** The graph JSON: the one format of the editor, the API, export and import. */
export interface Graph {
  nodes: GraphNode[];
  edges: GraphEdge[];
}

/** A node without its position: what running it depends on, and what its settings show. */
export type NodeContent = Omit<GraphNode, 'position'>;

/**
 * A graph without positions: what validation, column inference and the settings panel read,
 * so that moving blocks does not recompute them. Every Graph is one.
 */
export interface GraphContent {
  readonly nodes: readonly NodeContent[];
  readonly edges: readonly GraphEdge[];
}

export const FAMILIES = ['ingest', 'feature', 'train', 'evaluate', 'publish'] as const;
export type Family = (typeof FAMILIES)[number];

/** A typed input or output of a block. */
export interface PortSpec {
  name: string;
  type: string;
  required: boolean;
  description: string;
}

/** The subset of JSON Schema that pydantic writes for block configurations. */
export interface JsonSchema {
  type?: string | string[];
  title?: string;
  description?: string;
  default?: unknown;
  enum?: unknown[];
  const?: unknown;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  $ref?: string;
  $defs?: Record<string, JsonSchema>;
  definitions?: Record<string, JsonSchema>;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  minItems?: number;
  maxItems?: number;
  additionalProperties?: boolean | JsonSchema;
  /** Editor hint set by the block: "dataset", "column" or "columns". */
  widget?: string;
  /** Show the field only while each named sibling field's value is one of those listed. */
  'x-shown-when'?: Record<string, unknown[]>;
}

/** A block of the catalogue: what the palette lists and the config form is generated from. */
export interface BlockSpec {
  key: string;
  version: number;
  title: string;
  description: string;
  family: Family;
  queue: string;
  inputs: PortSpec[];
  outputs: PortSpec[];
  config_schema: JsonSchema;
}

/** The catalogue by block key. */
export type Catalogue = ReadonlyMap<string, BlockSpec>;

/** One problem in a graph, with the place at fault (as validate/ reports it). */
export interface GraphIssue {
  message: string;
  node?: string | null;
  port?: string | null;
  field?: string | null;
  column?: string | null;
}

/** A column of a table, as dataset schemas describe it. */
export interface ColumnInfo {
  name: string;
  dtype: string;
}

/** What is known of a table flowing along an edge: its columns and its label column. */
export interface TableSchema {
  columns: ColumnInfo[];
  target: string | null;
}

export function catalogueOf(blocks: readonly BlockSpec[]): Catalogue {
  return new Map(blocks.map((block) => [block.key, block]));
}
