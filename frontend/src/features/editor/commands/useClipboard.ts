import { useCallback, useMemo, useState } from 'react';

import { copySelection } from '../../../graph/clipboard';
import { parseGraph } from '../../../graph/json';
import type { Graph } from '../../../graph/types';
import type { EditorStore } from '../store/editorStore';
import type { GraphEdits } from '../store/useGraphEdits';

const STORAGE_KEY = 'tributary.editor.clipboard';
const PASTE_STEP = 40;

function read(): Graph | null {
  try {
    const text = window.sessionStorage.getItem(STORAGE_KEY);
    if (!text) {
      return null;
    }
    const parsed = parseGraph(JSON.parse(text));
    return parsed.ok && parsed.graph.nodes.length > 0 ? parsed.graph : null;
  } catch {
    return null;
  }
}

function write(fragment: Graph) {
  try {
    window.sessionStorage.setItem(STORAGE_KEY, JSON.stringify(fragment));
  } catch {
    // Storage may be full or disabled: copying then only lasts until the next copy.
  }
}

function shifted(fragment: Graph): Graph {
  return {
    ...fragment,
    nodes: fragment.nodes.map((node) => ({
      ...node,
      position: { x: node.position.x + PASTE_STEP, y: node.position.y + PASTE_STEP },
    })),
  };
}

export interface Clipboard {
  /** Copy the selected blocks (and the connections between them); returns how many. */
  copy(): number;
  /** Paste what was copied (in this pipeline or another), a little further each time. */
  paste(): number;
  /** How many blocks a paste would add. */
  size: number;
}

/** Copy and paste of selected blocks, kept for the browser tab (so it works across pipelines). */
export function useClipboard(store: EditorStore, edits: GraphEdits): Clipboard {
  const [size, setSize] = useState(() => read()?.nodes.length ?? 0);

  const copy = useCallback(() => {
    const { graph, selection } = store.getState();
    if (selection.nodes.length === 0) {
      return 0;
    }
    const fragment = copySelection(graph, selection.nodes);
    write(fragment);
    setSize(fragment.nodes.length);
    return fragment.nodes.length;
  }, [store]);

  const paste = useCallback(() => {
    const fragment = read();
    if (!fragment) {
      return 0;
    }
    edits.paste(shifted(fragment));
    write(shifted(fragment));
    return fragment.nodes.length;
  }, [edits]);

  return useMemo(() => ({ copy, paste, size }), [copy, paste, size]);
}
