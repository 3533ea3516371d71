import { useMemo, useState } from 'react';

import {
  edgePortType,
  toFlowEdge,
  toFlowNode,
  type BlockFlowNode,
  type PortFlowEdge,
} from '../../graph/flow';
import type { NodeIssues } from '../../graph/issues';
import { edgeId } from '../../graph/json';
import type { BlockSpec, Catalogue, Graph, GraphEdge, GraphNode } from '../../graph/types';
import type { Selection } from './editorStore';

export interface Measured {
  width: number;
  height: number;
}

interface CachedNode {
  spec: BlockSpec | undefined;
  selected: boolean;
  issues: NodeIssues | undefined;
  measured: Measured | undefined;
  flow: BlockFlowNode;
}

interface CachedEdge {
  portType: string | undefined;
  selected: boolean;
  flow: PortFlowEdge;
}

/** Flow elements by the (immutable) graph node or edge they were made from. */
class FlowCache {
  nodes = new WeakMap<GraphNode, CachedNode>();
  edges = new WeakMap<GraphEdge, CachedEdge>();

  node(node: GraphNode, wanted: Omit<CachedNode, 'flow'>): BlockFlowNode {
    const previous = this.nodes.get(node);
    if (
      previous &&
      previous.spec === wanted.spec &&
      previous.selected === wanted.selected &&
      previous.issues === wanted.issues &&
      previous.measured === wanted.measured
    ) {
      return previous.flow;
    }
    const flow = toFlowNode(node, wanted.spec, wanted);
    this.nodes.set(node, { ...wanted, flow });
    return flow;
  }

  edge(edge: GraphEdge, wanted: Omit<CachedEdge, 'flow'>): PortFlowEdge {
    const previous = this.edges.get(edge);
    if (
      previous &&
      previous.portType === wanted.portType &&
      previous.selected === wanted.selected
    ) {
      return previous.flow;
    }
    const flow = toFlowEdge(edge, wanted.portType, wanted.selected);
    this.edges.set(edge, { ...wanted, flow });
    return flow;
  }
}

/**
 * The React Flow nodes and edges for the graph. An element is reused while what it shows is
 * unchanged, so React Flow and the memoised node component skip it: dragging one node of 300
 * redraws one.
 */
export function useFlowElements(
  graph: Graph,
  selection: Selection,
  catalogue: Catalogue,
  issues: ReadonlyMap<string, NodeIssues>,
  measured: ReadonlyMap<string, Measured>,
): { nodes: BlockFlowNode[]; edges: PortFlowEdge[] } {
  const [cache] = useState(() => new FlowCache());

  const nodes = useMemo(() => {
    const selected = new Set(selection.nodes);
    return graph.nodes.map((node) =>
      cache.node(node, {
        spec: catalogue.get(node.block),
        selected: selected.has(node.id),
        issues: issues.get(node.id),
        measured: measured.get(node.id),
      }),
    );
  }, [cache, graph.nodes, selection.nodes, catalogue, issues, measured]);

  const edges = useMemo(() => {
    const selected = new Set(selection.edges);
    const byId = new Map(graph.nodes.map((node) => [node.id, node]));
    return graph.edges.map((edge) =>
      cache.edge(edge, {
        portType: edgePortType(edge, byId, catalogue),
        selected: selected.has(edgeId(edge)),
      }),
    );
  }, [cache, graph.edges, graph.nodes, selection.edges, catalogue]);

  return { nodes, edges };
}
