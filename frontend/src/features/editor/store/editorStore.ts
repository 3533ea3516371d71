/**
 * The editor's store: the graph being edited and the selection, nothing else. Saving, history,
 * validation and runs live in hooks of their own that read from it.
 */

import { edgeId } from '../../../graph/json';
import type { Graph } from '../../../graph/types';

export interface Selection {
  nodes: readonly string[];
  edges: readonly string[];
}

export interface EditorState {
  graph: Graph;
  selection: Selection;
}

export interface EditorStore {
  getState(): EditorState;
  /** Replace the graph; selected nodes and edges that no longer exist are deselected. */
  setGraph(graph: Graph): void;
  setSelection(selection: Selection): void;
  subscribe(listener: () => void): () => void;
}

export const NO_SELECTION: Selection = { nodes: [], edges: [] };

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((value, index) => value === b[index]);
}

function prune(selection: Selection, graph: Graph): Selection {
  if (selection.nodes.length === 0 && selection.edges.length === 0) {
    return selection;
  }
  const nodeIds = new Set(graph.nodes.map((node) => node.id));
  const edgeIds = new Set(graph.edges.map(edgeId));
  const nodes = selection.nodes.filter((id) => nodeIds.has(id));
  const edges = selection.edges.filter((id) => edgeIds.has(id));
  return nodes.length === selection.nodes.length && edges.length === selection.edges.length
    ? selection
    : { nodes, edges };
}

export function createEditorStore(graph: Graph): EditorStore {
  let state: EditorState = { graph, selection: NO_SELECTION };
  const listeners = new Set<() => void>();

  function set(next: EditorState) {
    if (next.graph === state.graph && next.selection === state.selection) {
      return;
    }
    state = next;
    listeners.forEach((listener) => listener());
  }

  return {
    getState: () => state,
    setGraph: (next) => set({ graph: next, selection: prune(state.selection, next) }),
    setSelection: (selection) => {
      const same =
        sameList(selection.nodes, state.selection.nodes) &&
        sameList(selection.edges, state.selection.edges);
      set({ ...state, selection: same ? state.selection : selection });
    },
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
