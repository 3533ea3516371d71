import { useCallback } from 'react';

import { useRestoreVersion, type PipelineVersion } from '../../../api/pipelines';
import { parseGraph } from '../../../graph/json';
import type { Notify } from '../commands/useNotice';
import type { GraphEdits } from '../store/useGraphEdits';
import type { Autosave } from './useAutosave';

export interface VersionRestore {
  restoring: boolean;
  error: Error | null;
  /** Make `version` the draft (an undoable edit); resolves to whether it worked. */
  restore(version: PipelineVersion): Promise<boolean>;
}

interface Options {
  slug: string;
  pipelineId: number;
  autosave: Autosave;
  edits: GraphEdits;
  notify: Notify;
  /** The graph shown was replaced: e.g. fit the view to it. */
  onReplaced: () => void;
}

/**
 * Restoring a version: the server makes it the draft (revision-checked like a save, after the
 * pending edits are saved), and the editor shows it as one edit, so Undo goes back.
 */
export function useVersionRestore({
  slug,
  pipelineId,
  autosave,
  edits,
  notify,
  onReplaced,
}: Options): VersionRestore {
  const restore = useRestoreVersion(slug, pipelineId);

  const restoreVersion = useCallback(
    async (version: PipelineVersion) => {
      await autosave.flush();
      try {
        const fresh = await restore.mutateAsync({
          number: version.number,
          revision: autosave.revision(),
        });
        const parsed = parseGraph(fresh.graph);
        if (!parsed.ok) {
          throw new Error(`version ${version.number} cannot be read: ${parsed.error}`);
        }
        autosave.reset(fresh, parsed.graph);
        edits.replace(parsed.graph);
        notify.info(`Restored version ${version.number}. Undo to go back.`);
        onReplaced();
        return true;
      } catch {
        return false;
      }
    },
    [autosave, edits, notify, onReplaced, restore],
  );

  return { restoring: restore.isPending, error: restore.error, restore: restoreVersion };
}
