import { useCallback } from 'react';

import { parseGraphText, toApiGraph } from '../../../graph/json';
import type { BlockSpec, Graph } from '../../../graph/types';
import { plural, type Notify } from '../commands/useNotice';
import type { EditorStore } from '../store/editorStore';
import type { GraphEdits } from '../store/useGraphEdits';
import { downloadJson, graphFileName } from './download';

export interface GraphFile {
  /** Download the graph as a JSON file named after the pipeline. */
  exportGraph(): void;
  /** Replace the graph with a JSON file's (an undoable edit), if it can be read and run here. */
  importFile(file: File): Promise<void>;
}

interface Options {
  name: string;
  blocks: readonly BlockSpec[];
  store: EditorStore;
  edits: GraphEdits;
  notify: Notify;
  /** The graph shown was replaced: e.g. fit the view to it. */
  onReplaced: () => void;
}

function unknownBlocks(graph: Graph, blocks: readonly BlockSpec[]): string[] {
  const known = new Set(blocks.map((block) => block.key));
  return [...new Set(graph.nodes.map((node) => node.block).filter((key) => !known.has(key)))];
}

/** Export and import of the graph JSON, the format the API shares. */
export function useGraphFile({
  name,
  blocks,
  store,
  edits,
  notify,
  onReplaced,
}: Options): GraphFile {
  const exportGraph = useCallback(() => {
    downloadJson(toApiGraph(store.getState().graph), graphFileName(name));
  }, [store, name]);

  const importFile = useCallback(
    async (file: File) => {
      const parsed = parseGraphText(await file.text());
      if (!parsed.ok) {
        notify.error(`Could not import ${file.name}: ${parsed.error}.`);
        return;
      }
      const unknown = unknownBlocks(parsed.graph, blocks);
      if (unknown.length > 0) {
        notify.error(
          `Could not import ${file.name}: this server has no block ${unknown.map((key) => `“${key}”`).join(', ')}.`,
        );
        return;
      }
      edits.replace(parsed.graph);
      notify.info(
        `Imported ${file.name}: ${plural(parsed.graph.nodes.length, 'block')}. Undo to go back.`,
      );
      onReplaced();
    },
    [blocks, edits, notify, onReplaced],
  );

  return { exportGraph, importFile };
}
