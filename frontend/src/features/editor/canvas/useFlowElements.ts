import { useNodesInitialized, useStoreApi } from '@xyflow/react';
import { useMemo, useState } from 'react';

import {
  edgePortType,
  toFlowEdge,
  toFlowNode,
  type BlockFlowNode,
  type PortFlowEdge,
} from '../../../graph/flow';
import type { NodeIssues } from '../../../graph/issues';
import { edgeId } from '../../../graph/json';
import type {
  BlockSpec,
  Catalogue,
  Graph,
  GraphContent,
  GraphEdge,
  GraphNode,
  Position,
} from '../../../graph/types';
import type { Selection } from '../store/editorStore';

/** A node's size as the canvas measured it. */
interface Measured {
  width?: number;
  height?: number;
}

interface CachedNode {
  spec: BlockSpec | undefined;
  selected: boolean;
  issues: NodeIssues | undefined;
  position: Position;
  flow: BlockFlowNode;
}

interface CachedEdge {
  portType: string | undefined;
  selected: boolean;
  flow: PortFlowEdge;
}

function samePosition(a: Position, b: Position): boolean {
  return a.x === b.x && a.y === b.y;
}

/** `next`, or `previous` when they hold the same elements (React Flow then has nothing to do). */
function sameSize(a: Measured | undefined, b: Measured | undefined): boolean {
  return a?.width === b?.width && a?.height === b?.height;
}

function sameOr<T>(previous: T[], next: T[]): T[] {
  return previous.length === next.length && previous.every((item, index) => item === next[index])
    ? previous
    : next;
}

/** Flow elements by the (immutable) graph node or edge they were made from. */
class FlowCache {
  private readonly nodes = new WeakMap<GraphNode, CachedNode>();
  private readonly edges = new WeakMap<GraphEdge, CachedEdge>();
  private nodeList: BlockFlowNode[] = [];
  private edgeList: PortFlowEdge[] = [];

  /** The node list to show: the previous one when no node in it changed. */
  nodesShown(nodes: BlockFlowNode[]): BlockFlowNode[] {
    this.nodeList = sameOr(this.nodeList, nodes);
    return this.nodeList;
  }

  /** The edge list to show: the previous one when no edge in it changed. */
  edgesShown(edges: PortFlowEdge[]): PortFlowEdge[] {
    this.edgeList = sameOr(this.edgeList, edges);
    return this.edgeList;
  }

  /**
   * The flow node for `node`, the previous one while what it shows is unchanged. A new one keeps
   * the previous `data` when only its selection or position changed (the block component then
   * skips it), and carries the size the canvas measured: React Flow forgets the size of a node
   * given to it without one.
   */
  node(
    node: GraphNode,
    wanted: Omit<CachedNode, 'flow'>,
    measured: (id: string) => Measured | undefined,
  ): BlockFlowNode {
    const previous = this.nodes.get(node);
    const sameData =
      previous !== undefined && previous.spec === wanted.spec && previous.issues === wanted.issues;
    const size = measured(node.id);
    if (
      previous &&
      sameData &&
      previous.selected === wanted.selected &&
      samePosition(previous.position, wanted.position) &&
      sameSize(previous.flow.measured, size)
    ) {
      return previous.flow;
    }
    const flow = toFlowNode(node, wanted.spec, {
      selected: wanted.selected,
      issues: wanted.issues,
      position: wanted.position,
      measured: size,
    });
    if (previous && sameData) {
      flow.data = previous.flow.data;
    }
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
 * The React Flow nodes and edges for the graph, with the nodes being dragged at `dragged`
 * positions. An element is reused while what it shows is unchanged, so React Flow and the
 * memoised node component skip it: dragging one node of 300 redraws one. The edges depend on
 * the graph's content only, so a move leaves them (and React Flow's edge lookups) as they were.
 */
export function useFlowElements(
  graph: Graph,
  content: GraphContent,
  selection: Selection,
  dragged: ReadonlyMap<string, Position>,
  catalogue: Catalogue,
  issues: ReadonlyMap<string, NodeIssues>,
): { nodes: BlockFlowNode[]; edges: PortFlowEdge[] } {
  const [cache] = useState(() => new FlowCache());
  const flowStore = useStoreApi<BlockFlowNode, PortFlowEdge>();

  // Once the canvas has measured every node, the nodes are given again with their sizes: the
  // minimap draws a node only when the node it was given has a size.
  const measuredAll = useNodesInitialized();
  const nodes = useMemo(() => {
    const selected = new Set(selection.nodes);
    const { nodeLookup } = flowStore.getState();
    const measured = (id: string) => nodeLookup.get(id)?.measured;
    return cache.nodesShown(
      graph.nodes.map((node) =>
        cache.node(
          node,
          {
            spec: catalogue.get(node.block),
            selected: selected.has(node.id),
            issues: issues.get(node.id),
            position: dragged.get(node.id) ?? node.position,
          },
          measured,
        ),
      ),
    );
    // measuredAll is read through the canvas's store (nodeLookup), not by name.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [cache, flowStore, graph.nodes, selection.nodes, dragged, catalogue, issues, measuredAll]);

  const edges = useMemo(() => {
    const selected = new Set(selection.edges);
    const byId = new Map(content.nodes.map((node) => [node.id, node]));
    return cache.edgesShown(
      content.edges.map((edge) =>
        cache.edge(edge, {
          portType: edgePortType(edge, byId, catalogue),
          selected: selected.has(edgeId(edge)),
        }),
      ),
    );
  }, [cache, content, selection.edges, catalogue]);

  return { nodes, edges };
}
