import { useCallback } from 'react';
import { useNavigate } from 'react-router-dom';

import { useRunPipeline } from '../../../api/pipelines';
import type { Notify } from '../commands/useNotice';
import type { Autosave } from './useAutosave';
import type { UnappliedText } from './useUnappliedText';

export interface RunDraft {
  /** A run is being started. */
  running: boolean;
  /** Save the draft, run it, and open the run. */
  run(): Promise<void>;
}

interface Options {
  slug: string;
  pipelineId: number;
  autosave: Autosave;
  unapplied: UnappliedText;
  notify: Notify;
}

/** Running the draft: saved first (the server runs what it has), then the run's page. */
export function useRunDraft({ slug, pipelineId, autosave, unapplied, notify }: Options): RunDraft {
  const navigate = useNavigate();
  const runPipeline = useRunPipeline(slug, pipelineId);

  const run = useCallback(async () => {
    const refusal = unapplied.refusal('run');
    if (refusal) {
      notify.error(refusal);
      return;
    }
    if (!(await autosave.flush())) {
      notify.error('The draft could not be saved, so it was not run.');
      return;
    }
    runPipeline.mutate(
      {},
      {
        onSuccess: (started) => navigate(`/w/${encodeURIComponent(slug)}/runs/${started.id}`),
        onError: (error) => notify.error(`Could not run: ${error.message}`),
      },
    );
  }, [autosave, navigate, notify, runPipeline, slug, unapplied]);

  return { running: runPipeline.isPending, run };
}
