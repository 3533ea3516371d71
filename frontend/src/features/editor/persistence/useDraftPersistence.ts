import type { BlockSpec } from '../../../graph/types';
import type { Pipeline } from '../../../api/pipelines';
import type { Notify } from '../commands/useNotice';
import type { EditorStore } from '../store/editorStore';
import type { GraphEdits } from '../store/useGraphEdits';
import type { UndoRedo } from '../store/useUndoRedo';
import { useAutosave, type Autosave } from './useAutosave';
import { useGraphFile, type GraphFile } from './useGraphFile';
import { useRunDraft, type RunDraft } from './useRunDraft';
import { useSaveConflict, type SaveConflict } from './useSaveConflict';
import { useSaveVersion, type SaveVersion } from './useSaveVersion';
import { useUnappliedText, type UnappliedText } from './useUnappliedText';
import { useVersionRestore, type VersionRestore } from './useVersionRestore';

export interface DraftPersistence {
  autosave: Autosave;
  unapplied: UnappliedText;
  conflict: SaveConflict;
  saveVersion: SaveVersion;
  restore: VersionRestore;
  run: RunDraft;
  file: GraphFile;
}

interface Options {
  slug: string;
  pipeline: Pipeline;
  blocks: readonly BlockSpec[];
  readOnly: boolean;
  store: EditorStore;
  history: UndoRedo;
  edits: GraphEdits;
  notify: Notify;
  /** The graph shown was replaced (restore, reload, import): e.g. fit the view to it. */
  onReplaced: () => void;
}

/**
 * Everything that moves the draft between the editor and the server: autosave and its conflict
 * protocol, versions (save, restore), running, and the graph as a file. Save a version and Run
 * save the draft first, and are refused while a setting holds text that was not applied.
 */
export function useDraftPersistence(options: Options): DraftPersistence {
  const { slug, pipeline, readOnly, store } = options;
  const autosave = useAutosave({ store, slug, pipeline, enabled: !readOnly });
  const unapplied = useUnappliedText();
  const shared = { ...options, pipelineId: pipeline.id, autosave, unapplied };
  const conflict = useSaveConflict(shared);
  const saveVersion = useSaveVersion(shared);
  const restore = useVersionRestore(shared);
  const run = useRunDraft(shared);
  const file = useGraphFile({ ...shared, name: pipeline.name });
  return { autosave, unapplied, conflict, saveVersion, restore, run, file };
}
