import { useMemo } from 'react';

import { pasteFragment } from '../../../graph/clipboard';
import {
  connect,
  setInputSource,
  type ConnectionCheck,
  type ConnectionRequest,
} from '../../../graph/connections';
import { addNode, moveNodes, removeElements, setConfigValue, setLabel } from '../../../graph/edit';
import { layoutPositions, type Size } from '../../../graph/layout';
import type { BlockSpec, Catalogue, Graph, Position } from '../../../graph/types';
import type { EditorStore } from './editorStore';
import type { UndoRedo } from './useUndoRedo';

/** Every change the editor makes to the graph; each is one undo step unless said otherwise. */
export interface GraphEdits {
  /** Apply any pure update; `coalesce` merges quick successive edits of one thing. */
  apply(update: (graph: Graph) => Graph, coalesce?: string): void;
  /** Add a block at `position` (flow coordinates) and select it; returns its id. */
  addBlock(spec: BlockSpec, position: Position): string;
  /** Connect two ports if the rules allow; the result says why not otherwise. */
  connect(request: ConnectionRequest): ConnectionCheck;
  /** Feed an input port from `source` (an output) instead, or from nothing when null. */
  setInput(
    target: string,
    targetPort: string,
    source: { node: string; port: string } | null,
  ): ConnectionCheck;
  remove(nodeIds: readonly string[], edgeIds?: readonly string[]): void;
  removeSelection(): void;
  setConfig(nodeId: string, key: string, value: unknown): void;
  setLabel(nodeId: string, label: string): void;
  /**
   * Move nodes to where a drag (or an arrow key) left them; the canvas shows a drag in progress
   * on its own, so the graph changes once per drag.
   */
  move(positions: ReadonlyMap<string, Position>, coalesce?: string): void;
  /** Lay the graph out left to right, in rows no wider than `maxWidth` when given. */
  layout(sizes: ReadonlyMap<string, Size>, maxWidth?: number): void;
  /** Paste a copied fragment next to its origin, and select what was pasted. */
  paste(fragment: Graph): void;
  /** Replace the whole graph (an import). */
  replace(graph: Graph): void;
}

export function useGraphEdits(
  store: EditorStore,
  history: UndoRedo,
  catalogue: Catalogue,
): GraphEdits {
  const { record } = history;
  return useMemo(() => {
    function apply(update: (graph: Graph) => Graph, coalesce?: string) {
      const before = store.getState().graph;
      const after = update(before);
      if (after !== before) {
        record(before, coalesce);
        store.setGraph(after);
      }
    }

    return {
      apply,
      addBlock(spec, position) {
        const before = store.getState().graph;
        const { graph, id } = addNode(before, spec, position);
        record(before);
        store.setGraph(graph);
        store.setSelection({ nodes: [id], edges: [] });
        return id;
      },
      connect(request) {
        const result = connect(store.getState().graph, catalogue, request);
        if (result.ok) {
          apply(() => result.graph);
          return { ok: true };
        }
        return result;
      },
      setInput(target, targetPort, source) {
        const result = setInputSource(
          store.getState().graph,
          catalogue,
          target,
          targetPort,
          source,
        );
        if (result.ok) {
          apply(() => result.graph);
          return { ok: true };
        }
        return result;
      },
      remove(nodeIds, edgeIds = []) {
        apply((graph) => removeElements(graph, nodeIds, edgeIds));
      },
      removeSelection() {
        const { selection } = store.getState();
        apply((graph) => removeElements(graph, selection.nodes, selection.edges));
      },
      setConfig(nodeId, key, value) {
        apply((graph) => setConfigValue(graph, nodeId, key, value), `config:${nodeId}:${key}`);
      },
      setLabel(nodeId, label) {
        apply((graph) => setLabel(graph, nodeId, label), `label:${nodeId}`);
      },
      move(positions, coalesce) {
        apply((graph) => moveNodes(graph, positions), coalesce);
      },
      layout(sizes, maxWidth) {
        apply((graph) => moveNodes(graph, layoutPositions(graph, { sizes, maxWidth })));
      },
      paste(fragment) {
        if (fragment.nodes.length === 0) {
          return;
        }
        const before = store.getState().graph;
        const { graph, ids } = pasteFragment(before, fragment);
        record(before);
        store.setGraph(graph);
        store.setSelection({ nodes: ids, edges: [] });
      },
      replace(graph) {
        apply(() => graph);
        store.setSelection({ nodes: [], edges: [] });
      },
    } satisfies GraphEdits;
  }, [store, record, catalogue]);
}
