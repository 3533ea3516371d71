import { ReactFlowProvider } from '@xyflow/react';
import { useCallback, useMemo, useRef, useState } from 'react';

import type { Pipeline } from '../../api/pipelines';
import { issuesByNode } from '../../graph/issues';
import { catalogueOf, type BlockSpec, type Graph } from '../../graph/types';
import { BlockPalette } from './canvas/BlockPalette';
import { EditorCanvas } from './canvas/EditorCanvas';
import { useCanvasView } from './canvas/useCanvasView';
import { EditorNotice } from './commands/EditorNotice';
import { EditorToolbar } from './commands/EditorToolbar';
import { useClipboard } from './commands/useClipboard';
import { useEditorCommands } from './commands/useEditorCommands';
import { useEditorShortcuts } from './commands/useEditorShortcuts';
import { useNotice } from './commands/useNotice';
import { NodeInspector } from './inspector/NodeInspector';
import { ProblemsPanel } from './inspector/ProblemsPanel';
import { useGraphValidation } from './inspector/useGraphValidation';
import { ConflictBanner } from './persistence/ConflictBanner';
import { SaveVersionDialog } from './persistence/SaveVersionDialog';
import { useDraftPersistence } from './persistence/useDraftPersistence';
import { VersionsPanel } from './persistence/VersionsPanel';
import { createEditorStore, type EditorStore } from './store/editorStore';
import { EditorStoreContext } from './store/EditorStoreContext';
import { useGraphContent } from './store/useGraphContent';
import { useGraphEdits } from './store/useGraphEdits';
import { useUndoRedo } from './store/useUndoRedo';

export interface PipelineEditorProps {
  slug: string;
  workspaceName: string;
  pipeline: Pipeline;
  /** The draft graph as loaded (later changes of this prop are ignored: the editor owns it). */
  graph: Graph;
  blocks: readonly BlockSpec[];
  readOnly: boolean;
}

/**
 * The editor's parts put together: the store's graph is edited (with history) on the canvas and
 * in the inspector, checked by validation, kept on the server by persistence, and acted on by
 * the commands of the toolbar and the keyboard.
 */
function EditorWorkspace({
  store,
  slug,
  workspaceName,
  pipeline,
  blocks,
  readOnly,
}: PipelineEditorProps & { store: EditorStore }) {
  const catalogue = useMemo(() => catalogueOf(blocks), [blocks]);
  const history = useUndoRedo(store);
  const edits = useGraphEdits(store, history, catalogue);
  const clipboard = useClipboard(store, edits);
  const canvasRef = useRef<HTMLDivElement>(null);
  const view = useCanvasView(store, edits, canvasRef);
  const { notice, notify } = useNotice();
  const content = useGraphContent();
  const currentGraph = useCallback(() => store.getState().graph, [store]);
  const validation = useGraphValidation(slug, pipeline.id, content, currentGraph);
  const issues = useMemo(() => issuesByNode(validation.result?.errors ?? []), [validation.result]);
  const persistence = useDraftPersistence({
    slug,
    pipeline,
    blocks,
    readOnly,
    store,
    history,
    edits,
    notify,
    onReplaced: view.fit,
  });
  const { autosave, unapplied, conflict, saveVersion, restore, run, file } = persistence;
  const [versionsOpen, setVersionsOpen] = useState(false);
  const toggleVersions = useCallback(() => setVersionsOpen((open) => !open), []);
  const { run: runDraft } = run;
  const startRun = useCallback(() => void runDraft(), [runDraft]);
  const commands = useEditorCommands({
    store,
    history,
    edits,
    clipboard,
    notify,
    readOnly,
    layout: view.layout,
    fit: view.fit,
    versionsOpen,
    toggleVersions,
    exportGraph: file.exportGraph,
    openSaveVersion: saveVersion.openDialog,
    running: run.running,
    startRun,
  });
  useEditorShortcuts(commands, true);

  return (
    <div className="editor">
      <title>{`${pipeline.name} · Tributary`}</title>
      <EditorToolbar
        name={pipeline.name}
        workspaceHref={`/w/${encodeURIComponent(slug)}`}
        workspaceName={workspaceName}
        readOnly={readOnly}
        save={{
          status: autosave.status,
          error: autosave.error,
          retry: () => void autosave.flush(),
          unapplied: unapplied.messages,
        }}
        validation={validation}
        commands={commands}
        onImport={(chosen) => void file.importFile(chosen)}
      />
      {autosave.status === 'conflict' && (
        <ConflictBanner
          busy={conflict.resolving}
          onReload={() => void conflict.reload()}
          onOverwrite={() => void conflict.overwrite()}
        />
      )}
      <BlockPalette blocks={blocks} readOnly={readOnly} onAdd={view.addAtCentre} />
      <div className="editor__canvas" ref={canvasRef}>
        <EditorCanvas
          catalogue={catalogue}
          issues={issues}
          edits={edits}
          readOnly={readOnly}
          screenToFlow={view.screenToFlow}
        />
        {notice && <EditorNotice notice={notice} onDismiss={notify.dismiss} />}
      </div>
      <ProblemsPanel
        validation={validation}
        nodes={content.nodes}
        catalogue={catalogue}
        onShowNode={view.showNode}
      />
      {versionsOpen ? (
        <VersionsPanel
          slug={slug}
          pipelineId={pipeline.id}
          readOnly={readOnly}
          restoring={restore.restoring}
          restoreError={restore.error}
          onRestore={restore.restore}
          onClose={() => setVersionsOpen(false)}
        />
      ) : (
        <NodeInspector
          slug={slug}
          catalogue={catalogue}
          issues={issues}
          edits={edits}
          readOnly={readOnly}
          onCopy={commands.copy.run}
          onUnapplied={unapplied.report}
          shortcuts={Object.values(commands).filter((command) => command.keysLabel)}
        />
      )}
      <SaveVersionDialog
        open={saveVersion.open}
        pending={saveVersion.pending}
        error={saveVersion.error}
        onSave={(message) => void saveVersion.save(message)}
        onClose={saveVersion.close}
      />
    </div>
  );
}

/** The pipeline editor: its own store (graph and selection) and canvas, around the workspace. */
export function PipelineEditor(props: PipelineEditorProps) {
  const [store] = useState(() => createEditorStore(props.graph));
  return (
    <EditorStoreContext.Provider value={store}>
      <ReactFlowProvider>
        <EditorWorkspace {...props} store={store} />
      </ReactFlowProvider>
    </EditorStoreContext.Provider>
  );
}
