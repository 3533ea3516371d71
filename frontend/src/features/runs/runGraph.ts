/** A pipeline version's graph and a run's steps as the read-only canvas draws them. */

import type { Edge, Node } from '@xyflow/react';

import type { LogEntry, Step } from '../../api/runTypes';
import { edgeId } from '../../graph/json';
import { layoutPositions, type Size } from '../../graph/layout';
import { nodeDepths } from '../../graph/topo';
import type { Graph, Position } from '../../graph/types';
import { nodeLabel } from './nodeLabel';

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

/** The size a run node is laid out with (its CSS width; its usual height). */
export const RUN_NODE_SIZE: Size = { width: 190, height: 78 };
const COLUMN_GAP = 70;
const ROW_GAP = 36;

/**
 * The graph's own positions, or an automatic layout (the editor's, left to right) when they
 * overlap (e.g. an imported graph).
 */
export function nodePositions(graph: Graph): Map<string, Position> {
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
  return layoutPositions(graph, {
    sizes: new Map(graph.nodes.map((node) => [node.id, RUN_NODE_SIZE])),
    rankGap: COLUMN_GAP,
    nodeGap: ROW_GAP,
  });
}

/** Graph nodes ordered by depth, then as listed: the order lists and the timeline use. */
export function orderedNodeIds(graph: Graph): string[] {
  const depths = nodeDepths(graph);
  return graph.nodes
    .map((node, index) => ({ id: node.id, depth: depths.get(node.id) ?? 0, index }))
    .sort((a, b) => a.depth - b.depth || a.index - b.index)
    .map((node) => node.id);
}

/** `sizes` with the measured sizes among `changes` applied; the same map when none differs. */
export function withMeasuredSizes(
  sizes: ReadonlyMap<string, Size>,
  changes: readonly { type: string; id?: string; dimensions?: Size }[],
): ReadonlyMap<string, Size> {
  let next: Map<string, Size> | null = null;
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

/**
 * The canvas nodes of a run. `sizes` are the sizes React Flow measured: every live event makes
 * new node objects, and React Flow keeps a node hidden until it knows its size, so each new
 * object must carry the size already measured (a node whose size did not change is not
 * measured again).
 */
export function toFlowNodes(
  graph: Graph,
  steps: Step[],
  blockTitles: ReadonlyMap<string, string>,
  selected: string | null,
  sizes: ReadonlyMap<string, Size> = new Map(),
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

export function toFlowEdges(graph: Graph, steps: Step[]): Edge[] {
  const status = new Map(steps.map((step) => [step.node_id, step.status]));
  return graph.edges.map((edge) => {
    const flowing =
      status.get(edge.target) === 'running' &&
      ['succeeded', 'cached'].includes(status.get(edge.source) ?? '');
    return {
      id: edgeId(edge),
      source: edge.source,
      target: edge.target,
      animated: flowing,
      focusable: false,
      ariaLabel: `${edge.source} ${edge.source_port} to ${edge.target} ${edge.target_port}`,
    };
  });
}
