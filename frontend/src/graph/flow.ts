/**
 * The graph as React Flow nodes and edges, and back. Types only come from @xyflow/react: this
 * module has no runtime dependency on React.
 */

import type { Edge, Node, NodeChange } from '@xyflow/react';

import type { ConnectionRequest } from './connections';
import type { NodeIssues } from './issues';
import { edgeId } from './json';
import type {
  BlockSpec,
  Catalogue,
  Graph,
  GraphEdge,
  GraphNode,
  NodeContent,
  Position,
} from './types';

/** What the canvas's block node renders. */
export interface BlockNodeData extends Record<string, unknown> {
  node: GraphNode;
  /** Undefined for a block the catalogue does not have (an imported graph, a removed block). */
  spec: BlockSpec | undefined;
  issues: NodeIssues | undefined;
}

export type BlockFlowNode = Node<BlockNodeData, 'block'>;

export interface PortEdgeData extends Record<string, unknown> {
  edge: GraphEdge;
  /** The type carried (table, model, ...), when the source block is known. */
  portType: string | undefined;
}

export type PortFlowEdge = Edge<PortEdgeData>;

export interface FlowNodeOptions {
  selected?: boolean;
  issues?: NodeIssues;
  measured?: { width?: number; height?: number };
  /** Where the canvas shows the node, when not at its own position (while it is dragged). */
  position?: Position;
}

export function toFlowNode(
  node: GraphNode,
  spec: BlockSpec | undefined,
  options: FlowNodeOptions = {},
): BlockFlowNode {
  const flowNode: BlockFlowNode = {
    id: node.id,
    type: 'block',
    position: options.position ?? node.position,
    data: { node, spec, issues: options.issues },
    selected: options.selected ?? false,
  };
  if (options.measured) {
    flowNode.measured = options.measured;
  }
  return flowNode;
}

/** The type an edge carries: its source output port's type, when the block is known. */
export function edgePortType(
  edge: GraphEdge,
  nodes: ReadonlyMap<string, NodeContent>,
  catalogue: Catalogue,
): string | undefined {
  const source = nodes.get(edge.source);
  return source
    ? catalogue.get(source.block)?.outputs.find((port) => port.name === edge.source_port)?.type
    : undefined;
}

export function toFlowEdge(
  edge: GraphEdge,
  portType: string | undefined,
  selected = false,
): PortFlowEdge {
  return {
    id: edgeId(edge),
    source: edge.source,
    sourceHandle: edge.source_port,
    target: edge.target,
    targetHandle: edge.target_port,
    selected,
    className: portType ? `port-edge port-edge--${portType}` : 'port-edge',
    data: { edge, portType },
  };
}

/** Every node and edge of the graph for React Flow. */
export function toFlow(
  graph: Graph,
  catalogue: Catalogue,
  selection: { nodes?: Iterable<string>; edges?: Iterable<string> } = {},
): { nodes: BlockFlowNode[]; edges: PortFlowEdge[] } {
  const selectedNodes = new Set(selection.nodes ?? []);
  const selectedEdges = new Set(selection.edges ?? []);
  const byId = new Map(graph.nodes.map((node) => [node.id, node]));
  return {
    nodes: graph.nodes.map((node) =>
      toFlowNode(node, catalogue.get(node.block), { selected: selectedNodes.has(node.id) }),
    ),
    edges: graph.edges.map((edge) =>
      toFlowEdge(edge, edgePortType(edge, byId, catalogue), selectedEdges.has(edgeId(edge))),
    ),
  };
}

/** The graph that React Flow nodes and edges show (positions from the canvas). */
export function fromFlow(nodes: readonly BlockFlowNode[], edges: readonly Edge[]): Graph {
  return {
    nodes: nodes.map((flowNode) => ({
      ...flowNode.data.node,
      position: { x: flowNode.position.x, y: flowNode.position.y },
    })),
    edges: edges.flatMap((edge) =>
      edge.sourceHandle && edge.targetHandle
        ? [
            {
              source: edge.source,
              source_port: edge.sourceHandle,
              target: edge.target,
              target_port: edge.targetHandle,
            },
          ]
        : [],
    ),
  };
}

/** A React Flow connection (handles are port names) as a connection request. */
export function connectionRequest(connection: {
  source: string | null;
  target: string | null;
  sourceHandle?: string | null;
  targetHandle?: string | null;
}): ConnectionRequest | null {
  const { source, target, sourceHandle, targetHandle } = connection;
  if (!source || !target || !sourceHandle || !targetHandle) {
    return null;
  }
  return { source, sourcePort: sourceHandle, target, targetPort: targetHandle };
}

/** The node changes from React Flow that the editor acts on, by kind. */
export interface NodeChanges {
  /** Positions of nodes being dragged (the drag goes on). */
  dragging: Map<string, Position>;
  /** Positions where a drag or an arrow key left nodes. */
  moved: Map<string, Position>;
  /** Selection changes: id -> selected. */
  selected: Map<string, boolean>;
}

export function sortNodeChanges(changes: readonly NodeChange<BlockFlowNode>[]): NodeChanges {
  const sorted: NodeChanges = { dragging: new Map(), moved: new Map(), selected: new Map() };
  for (const change of changes) {
    if (change.type === 'position' && change.position) {
      (change.dragging ? sorted.dragging : sorted.moved).set(change.id, change.position);
    } else if (change.type === 'select') {
      sorted.selected.set(change.id, change.selected);
    }
  }
  return sorted;
}
