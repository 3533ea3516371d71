import { describe, expect, it, vi } from 'vitest';

import type { Graph } from '../../../graph/types';
import { createEditorStore } from './editorStore';

const GRAPH: Graph = {
  nodes: [
    { id: 'a', block: 'ingest.sample', config: {}, position: { x: 0, y: 0 } },
    { id: 'b', block: 'feature.split', config: {}, position: { x: 0, y: 0 } },
  ],
  edges: [{ source: 'a', source_port: 'table', target: 'b', target_port: 'table' }],
};

describe('the editor store', () => {
  it('holds the graph and the selection, and tells subscribers of changes', () => {
    const store = createEditorStore(GRAPH);
    const listener = vi.fn();
    store.subscribe(listener);
    store.setSelection({ nodes: ['a'], edges: ['a:table->b:table'] });
    expect(store.getState().selection).toEqual({ nodes: ['a'], edges: ['a:table->b:table'] });
    expect(listener).toHaveBeenCalledTimes(1);
    store.setSelection({ nodes: ['a'], edges: ['a:table->b:table'] });
    expect(listener).toHaveBeenCalledTimes(1);
  });

  it('deselects what the new graph no longer has', () => {
    const store = createEditorStore(GRAPH);
    store.setSelection({ nodes: ['a', 'b'], edges: ['a:table->b:table'] });
    store.setGraph({ nodes: GRAPH.nodes.slice(0, 1), edges: [] });
    expect(store.getState().selection).toEqual({ nodes: ['a'], edges: [] });
  });
});
