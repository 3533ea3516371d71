import { useCallback, useState } from 'react';

import { fetchPipeline } from '../../../api/pipelines';
import { parseGraph } from '../../../graph/json';
import type { Notify } from '../commands/useNotice';
import type { EditorStore } from '../store/editorStore';
import type { UndoRedo } from '../store/useUndoRedo';
import type { Autosave } from './useAutosave';

export interface SaveConflict {
  /** Reload or Keep mine is under way. */
  resolving: boolean;
  /** Show the latest saved draft instead of this one (history is forgotten). */
  reload(): Promise<void>;
  /** Save this draft over the one saved since, based on its revision. */
  overwrite(): Promise<void>;
}

interface Options {
  slug: string;
  pipelineId: number;
  store: EditorStore;
  history: UndoRedo;
  autosave: Autosave;
  notify: Notify;
  /** The graph shown was replaced: e.g. fit the view to it. */
  onReplaced: () => void;
}

/**
 * The way out of a save conflict (someone else saved since this draft was loaded, and autosave
 * stopped): either side wins, by the user's choice. Both start from the server's latest draft,
 * so its revision is the one the next save is based on.
 */
export function useSaveConflict({
  slug,
  pipelineId,
  store,
  history,
  autosave,
  notify,
  onReplaced,
}: Options): SaveConflict {
  const [resolving, setResolving] = useState(false);

  const reload = useCallback(async () => {
    setResolving(true);
    try {
      const fresh = await fetchPipeline(slug, pipelineId);
      const parsed = parseGraph(fresh.graph);
      if (!parsed.ok) {
        throw new Error(`the saved graph cannot be read: ${parsed.error}`);
      }
      autosave.reset(fresh, parsed.graph);
      history.clear();
      store.setGraph(parsed.graph);
      store.setSelection({ nodes: [], edges: [] });
      notify.info('Reloaded the latest saved draft.');
      onReplaced();
    } catch (error) {
      notify.error(`Could not reload: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      setResolving(false);
    }
  }, [autosave, history, notify, onReplaced, pipelineId, slug, store]);

  const overwrite = useCallback(async () => {
    setResolving(true);
    try {
      const fresh = await fetchPipeline(slug, pipelineId);
      const parsed = parseGraph(fresh.graph);
      autosave.reset(fresh, parsed.ok ? parsed.graph : { nodes: [], edges: [] });
      await autosave.flush();
    } catch (error) {
      notify.error(`Could not save: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      setResolving(false);
    }
  }, [autosave, notify, pipelineId, slug]);

  return { resolving, reload, overwrite };
}
