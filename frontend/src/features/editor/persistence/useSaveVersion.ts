import { useCallback, useMemo, useState } from 'react';

import { useCreateVersion } from '../../../api/pipelines';
import type { Notify } from '../commands/useNotice';
import type { Autosave } from './useAutosave';
import type { UnappliedText } from './useUnappliedText';

export interface SaveVersion {
  /** The "Save a version" dialog is open. */
  open: boolean;
  pending: boolean;
  error: Error | null;
  openDialog(): void;
  close(): void;
  /** Save the draft, then snapshot it as a version with `message`. */
  save(message: string): Promise<void>;
}

interface Options {
  slug: string;
  pipelineId: number;
  readOnly: boolean;
  autosave: Autosave;
  unapplied: UnappliedText;
  notify: Notify;
}

/** Saving a version: the dialog, and the draft saved first so the version is what is shown. */
export function useSaveVersion({
  slug,
  pipelineId,
  readOnly,
  autosave,
  unapplied,
  notify,
}: Options): SaveVersion {
  const createVersion = useCreateVersion(slug, pipelineId);
  const [open, setOpen] = useState(false);

  const openDialog = useCallback(() => {
    if (!readOnly) {
      createVersion.reset();
      setOpen(true);
    }
  }, [createVersion, readOnly]);

  const close = useCallback(() => setOpen(false), []);

  const save = useCallback(
    async (message: string) => {
      const refusal = unapplied.refusal('saved as a version');
      if (refusal) {
        notify.error(refusal);
        setOpen(false);
        return;
      }
      if (!(await autosave.flush())) {
        createVersion.reset();
        notify.error('The draft could not be saved, so no version was made.');
        setOpen(false);
        return;
      }
      createVersion.mutate(message, {
        onSuccess: (version) => {
          setOpen(false);
          notify.info(`Saved version ${version.number}.`);
        },
      });
    },
    [autosave, createVersion, notify, unapplied],
  );

  return useMemo(
    () => ({
      open,
      pending: createVersion.isPending,
      error: createVersion.error,
      openDialog,
      close,
      save,
    }),
    [open, createVersion.isPending, createVersion.error, openDialog, close, save],
  );
}
