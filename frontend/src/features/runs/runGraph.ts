/** A pipeline version's graph and a run's steps as the read-only canvas draws them. */

import type { Edge, Node } from '@xyflow/react';

import type { LogEntry, PipelineGraph, Step } from '../../api/runTypes';

export type RunNodeData = {
  label: string;
  block: string;
  blockTitle: string;
  status: string;
  progress: number;
  attempt: number;
  maxAttempts: number;
  startedAt: string | null;
  finishedAt: string | null;
  /** Warnings the step logged: a step can succeed and still have something to say. */
  warnings: number;
};

export type RunFlowNode = Node<RunNodeData, 'run'>;

export const NODE_WIDTH = 190;
export const NODE_HEIGHT = 78;
const COLUMN_GAP = 70;
const ROW_GAP = 36;

/** Depth of each node: the longest path from a source to it. */
export function nodeDepths(graph: PipelineGraph): Map<string, number> {
  const incoming = new Map<string, string[]>(graph.nodes.map((node) => [node.id, []]));
  for (const edge of graph.edges) {
    incoming.get(edge.target)?.push(edge.source);
  }
  const depths = new Map<string, number>();
  const visiting = new Set<string>();
  const depthOf = (id: string): number => {
    const known = depths.get(id);
    if (known !== undefined) {
      return known;
    }
    if (visiting.has(id)) {
      return 0;
    }
    visiting.add(id);
    const parents = incoming.get(id) ?? [];
    const depth = parents.length === 0 ? 0 : 1 + Math.max(...parents.map(depthOf));
    visiting.delete(id);
    depths.set(id, depth);
    return depth;
  };
  graph.nodes.forEach((node) => depthOf(node.id));
  return depths;
}

/** The graph's own positions, or columns by depth when they overlap (e.g. an imported graph). */
export function nodePositions(graph: PipelineGraph): Map<string, { x: number; y: number }> {
  const seen = new Set<string>();
  let overlapping = false;
  for (const node of graph.nodes) {
    const key = `${Math.round(node.position?.x ?? 0)}:${Math.round(node.position?.y ?? 0)}`;
    overlapping ||= seen.has(key);
    seen.add(key);
  }
  if (!overlapping) {
    return new Map(graph.nodes.map((node) => [node.id, node.position ?? { x: 0, y: 0 }]));
  }
  const depths = nodeDepths(graph);
  const rows = new Map<number, number>();
  const positions = new Map<string, { x: number; y: number }>();
  for (const node of graph.nodes) {
    const depth = depths.get(node.id) ?? 0;
    const row = rows.get(depth) ?? 0;
    rows.set(depth, row + 1);
    positions.set(node.id, {
      x: depth * (NODE_WIDTH + COLUMN_GAP),
      y: row * (NODE_HEIGHT + ROW_GAP),
    });
  }
  return positions;
}

/** Graph nodes ordered by depth, then as listed: the order lists and the timeline use. */
export function orderedNodeIds(graph: PipelineGraph): string[] {
  const depths = nodeDepths(graph);
  return graph.nodes
    .map((node, index) => ({ id: node.id, depth: depths.get(node.id) ?? 0, index }))
    .sort((a, b) => a.depth - b.depth || a.index - b.index)
    .map((node) => node.id);
}

/** `sizes` with the measured sizes among `changes` applied; the same map when none differs. */
export function withMeasuredSizes(
  sizes: ReadonlyMap<string, NodeSize>,
  changes: readonly { type: string; id?: string; dimensions?: NodeSize }[],
): ReadonlyMap<string, NodeSize> {
  let next: Map<string, NodeSize> | null = null;
  for (const change of changes) {
    if (change.type !== 'dimensions' || !change.id || !change.dimensions) {
      continue;
    }
    const { width, height } = change.dimensions;
    const known = (next ?? sizes).get(change.id);
    if (known?.width === width && known.height === height) {
      continue;
    }
    next ??= new Map(sizes);
    next.set(change.id, { width, height });
  }
  return next ?? sizes;
}

export function nodeLabel(node: { id: string; label?: string }, blockTitle?: string): string {
  return node.label?.trim() || blockTitle || node.id;
}

/** The warning lines each node logged, in order (e.g. a publish gate that was not met). */
export function warningsByNode(logs: readonly Pick<LogEntry, 'node' | 'level' | 'message'>[]) {
  const warnings = new Map<string, string[]>();
  for (const line of logs) {
    if (line.level === 'warning') {
      const list = warnings.get(line.node) ?? [];
      list.push(line.message);
      warnings.set(line.node, list);
    }
  }
  return warnings;
}

/** ", 1 warning" / ", 3 warnings", or nothing. */
export function warningCount(count: number): string {
  return count === 0 ? '' : `, ${count} ${count === 1 ? 'warning' : 'warnings'}`;
}

/** A node's size as React Flow measured it on the page. */
export type NodeSize = { width: number; height: number };

/**
 * The canvas nodes of a run. `sizes` are the sizes React Flow measured: every live event makes
 * new node objects, and React Flow keeps a node hidden until it knows its size, so each new
 * object must carry the size already measured (a node whose size did not change is not
 * measured again).
 */
export function toFlowNodes(
  graph: PipelineGraph,
  steps: Step[],
  blockTitles: ReadonlyMap<string, string>,
  selected: string | null,
  sizes: ReadonlyMap<string, NodeSize> = new Map(),
  warnings: ReadonlyMap<string, readonly string[]> = new Map(),
): RunFlowNode[] {
  const stepByNode = new Map(steps.map((step) => [step.node_id, step]));
  const positions = nodePositions(graph);
  return graph.nodes.map((node) => {
    const step = stepByNode.get(node.id);
    const blockTitle = blockTitles.get(node.block) ?? node.block;
    const label = nodeLabel(node, blockTitles.get(node.block));
    const status = step?.status ?? 'pending';
    const size = sizes.get(node.id);
    return {
      id: node.id,
      type: 'run',
      position: positions.get(node.id) ?? { x: 0, y: 0 },
      ...(size ? { measured: size } : {}),
      selected: node.id === selected,
      draggable: false,
      connectable: false,
      deletable: false,
      // React Flow's own role (a group, "node") keeps the progress bar inside exposed.
      ariaLabel: `${label}: ${status}${warningCount(warnings.get(node.id)?.length ?? 0)}`,
      data: {
        label,
        block: node.block,
        blockTitle,
        status,
        progress: step?.progress ?? 0,
        attempt: step?.attempt ?? 0,
        maxAttempts: step?.max_attempts ?? 0,
        startedAt: step?.started_at ?? null,
        finishedAt: step?.finished_at ?? null,
        warnings: warnings.get(node.id)?.length ?? 0,
      },
    };
  });
}

export function toFlowEdges(graph: PipelineGraph, steps: Step[]): Edge[] {
  const status = new Map(steps.map((step) => [step.node_id, step.status]));
  return graph.edges.map((edge) => {
    const flowing =
      status.get(edge.target) === 'running' &&
      ['succeeded', 'cached'].includes(status.get(edge.source) ?? '');
    return {
      id: `${edge.source}.${edge.source_port}->${edge.target}.${edge.target_port}`,
      source: edge.source,
      target: edge.target,
      animated: flowing,
      focusable: false,
      ariaLabel: `${edge.source} ${edge.source_port} to ${edge.target} ${edge.target_port}`,
    };
  });
}
