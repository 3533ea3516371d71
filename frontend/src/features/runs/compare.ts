/** Two runs side by side: what they were started with and what they measured. */

import type { MetricPoint } from '../../api/runTypes';
import type { Graph } from '../../graph/types';
import { nodeLabel } from './nodeLabel';

/** How a node is named in the comparison: its label or block title (an id by default). */
export type NodeName = (node: string) => string;

const byId: NodeName = (node) => node;

/**
 * Node id -> the name people know it by (its label, else its block's title), across both runs'
 * graphs; a name two nodes share gets the node id after it, so rows stay apart.
 */
export function nodeNames(
  graphs: readonly (Graph | undefined)[],
  blockTitles: ReadonlyMap<string, string>,
): Map<string, string> {
  const names = new Map<string, string>();
  for (const graph of graphs) {
    for (const node of graph?.nodes ?? []) {
      if (!names.has(node.id)) {
        names.set(node.id, nodeLabel(node, blockTitles.get(node.block)));
      }
    }
  }
  const uses = new Map<string, number>();
  for (const name of names.values()) {
    uses.set(name, (uses.get(name) ?? 0) + 1);
  }
  for (const [id, name] of names) {
    if ((uses.get(name) ?? 0) > 1 && name !== id) {
      names.set(id, `${name} (${id})`);
    }
  }
  return names;
}

/** Run parameters the engine derives for itself (from from_node): not a setting anyone chose. */
const DERIVED_PARAMETERS = new Set(['forced_nodes']);

export interface CompareRow {
  /** What the row is about, e.g. "train · learning_rate". */
  group: string;
  key: string;
  a: string | null;
  b: string | null;
  differs: boolean;
}

export function formatValue(value: unknown): string {
  if (value === null || value === undefined) {
    return '—';
  }
  if (typeof value === 'string') {
    return value;
  }
  return JSON.stringify(value);
}

function flatten(prefix: string, value: unknown, into: Map<string, string>) {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 0 && prefix) {
      into.set(prefix, '{}');
    }
    for (const [key, inner] of entries) {
      flatten(prefix ? `${prefix}.${key}` : key, inner, into);
    }
    return;
  }
  into.set(prefix, formatValue(value));
}

function graphSettings(graph: Graph | undefined): Map<string, Map<string, string>> {
  const byNode = new Map<string, Map<string, string>>();
  for (const node of graph?.nodes ?? []) {
    const settings = new Map<string, string>([['block', node.block]]);
    flatten('', node.config ?? {}, settings);
    byNode.set(node.id, settings);
  }
  return byNode;
}

function rowsOf(group: string, a: Map<string, string>, b: Map<string, string>): CompareRow[] {
  const keys = [...new Set([...a.keys(), ...b.keys()])].sort();
  return keys.map((key) => {
    const left = a.get(key) ?? null;
    const right = b.get(key) ?? null;
    // Unset and null read the same ("—"), so they are not a difference.
    return { group, key, a: left, b: right, differs: (left ?? '—') !== (right ?? '—') };
  });
}

export interface RunSide {
  parameters: Record<string, unknown>;
  graph?: Graph;
}

/** Run parameters, then every node's block and config, each row marked when the runs differ. */
export function compareParameters(a: RunSide, b: RunSide, nodeName: NodeName = byId): CompareRow[] {
  const paramsA = new Map<string, string>();
  const paramsB = new Map<string, string>();
  flatten('', a.parameters ?? {}, paramsA);
  flatten('', b.parameters ?? {}, paramsB);
  for (const derived of DERIVED_PARAMETERS) {
    paramsA.delete(derived);
    paramsB.delete(derived);
  }
  const rows = rowsOf('run', paramsA, paramsB);

  const nodesA = graphSettings(a.graph);
  const nodesB = graphSettings(b.graph);
  const order = [...nodesA.keys(), ...[...nodesB.keys()].filter((id) => !nodesA.has(id))];
  for (const node of order) {
    rows.push(
      ...rowsOf(nodeName(node), nodesA.get(node) ?? new Map(), nodesB.get(node) ?? new Map()),
    );
  }
  return rows;
}

/** The value each (node, key) ended with: the last scalar, or the value at the last index. */
export function finalMetrics(
  points: MetricPoint[],
  nodeName: NodeName = byId,
): Map<string, number> {
  const finals = new Map<string, { index: number; seq: number; value: number }>();
  for (const point of points) {
    const id = `${nodeName(point.node)} · ${point.key}`;
    const index = point.index ?? Number.POSITIVE_INFINITY;
    const held = finals.get(id);
    if (!held || index > held.index || (index === held.index && point.seq > held.seq)) {
      finals.set(id, { index, seq: point.seq, value: point.value });
    }
  }
  return new Map([...finals].map(([id, final]) => [id, final.value]));
}

export interface MetricCompareRow {
  metric: string;
  a: number | null;
  b: number | null;
  /** b - a when both have it. */
  delta: number | null;
  /** Whether B did better (true), worse (false), or it cannot be told (null). */
  better: boolean | null;
}

const LOWER_IS_BETTER = /(loss|error|rmse|mse|mae|mape|logloss|perplexity)$/i;
const NEITHER = /(^|[_.])(n|n_test|n_train|rows|count|epochs?)$/i;

/** Whether a smaller value of this metric is better (losses, errors); null when neither is. */
export function lowerIsBetter(key: string): boolean | null {
  const name = key.split(' · ').pop() ?? key;
  if (NEITHER.test(name)) {
    return null;
  }
  return LOWER_IS_BETTER.test(name);
}

export function compareMetrics(
  a: MetricPoint[],
  b: MetricPoint[],
  nodeName: NodeName = byId,
): MetricCompareRow[] {
  const finalA = finalMetrics(a, nodeName);
  const finalB = finalMetrics(b, nodeName);
  const metrics = [...new Set([...finalA.keys(), ...finalB.keys()])].sort();
  return metrics.map((metric) => {
    const left = finalA.get(metric) ?? null;
    const right = finalB.get(metric) ?? null;
    const delta = left !== null && right !== null ? right - left : null;
    const lower = lowerIsBetter(metric);
    return {
      metric,
      a: left,
      b: right,
      delta,
      better:
        delta === null || delta === 0 || lower === null ? null : lower ? delta < 0 : delta > 0,
    };
  });
}
