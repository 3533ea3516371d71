import { ReactFlowProvider, useReactFlow } from '@xyflow/react';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useNavigate } from 'react-router-dom';

import {
  fetchPipeline,
  useCreateVersion,
  useRestoreVersion,
  useRunPipeline,
  type Pipeline,
  type PipelineVersion,
} from '../../api/pipelines';
import { issuesByNode } from '../../graph/issues';
import { DEFAULT_NODE_SIZE, freePosition, type Size } from '../../graph/layout';
import { parseGraph, parseGraphText, toApiGraph } from '../../graph/json';
import { catalogueOf, type BlockSpec, type Graph, type Position } from '../../graph/types';
import { BlockPalette } from './BlockPalette';
import { ConflictBanner } from './ConflictBanner';
import { downloadJson, graphFileName } from './download';
import { EditorCanvas } from './EditorCanvas';
import { createEditorStore, type EditorStore } from './editorStore';
import { EditorStoreContext } from './EditorStoreContext';
import { EditorToolbar } from './EditorToolbar';
import { FIT_VIEW, layoutWidth, readableViewport } from './fitView';
import { NodeInspector } from './NodeInspector';
import { ProblemsPanel } from './ProblemsPanel';
import { SaveVersionDialog } from './SaveVersionDialog';
import { useAutosave } from './useAutosave';
import { useClipboard } from './useClipboard';
import { useEditorShortcuts } from './useEditorShortcuts';
import { useEditorStore } from './useEditorStore';
import { useGraphContent } from './useGraphContent';
import { useGraphEdits } from './useGraphEdits';
import { useGraphValidation } from './useGraphValidation';
import { useUndoRedo } from './useUndoRedo';
import { VersionsPanel } from './VersionsPanel';

const FIT_VIEW_ANIMATED = { ...FIT_VIEW, duration: 200 };
const NOTICE_MS = 6000;

interface Notice {
  tone: 'info' | 'error';
  text: string;
}

export interface PipelineEditorProps {
  slug: string;
  workspaceName: string;
  pipeline: Pipeline;
  /** The draft graph as loaded (later changes of this prop are ignored: the editor owns it). */
  graph: Graph;
  blocks: readonly BlockSpec[];
  readOnly: boolean;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

function unknownBlocks(graph: Graph, blocks: readonly BlockSpec[]): string[] {
  const known = new Set(blocks.map((block) => block.key));
  return [...new Set(graph.nodes.map((node) => node.block).filter((key) => !known.has(key)))];
}

function EditorWorkspace({
  store,
  slug,
  workspaceName,
  pipeline,
  blocks,
  readOnly,
}: PipelineEditorProps & { store: EditorStore }) {
  const navigate = useNavigate();
  const flow = useReactFlow();
  const catalogue = useMemo(() => catalogueOf(blocks), [blocks]);
  const history = useUndoRedo(store);
  const edits = useGraphEdits(store, history, catalogue);
  const autosave = useAutosave({ store, slug, pipeline, enabled: !readOnly });
  const clipboard = useClipboard(store, edits);
  const content = useGraphContent();
  const selection = useEditorStore((state) => state.selection);
  const currentGraph = useCallback(() => store.getState().graph, [store]);
  const validation = useGraphValidation(slug, pipeline.id, content, currentGraph);
  const issues = useMemo(() => issuesByNode(validation.result?.errors ?? []), [validation.result]);
  const createVersion = useCreateVersion(slug, pipeline.id);
  const restore = useRestoreVersion(slug, pipeline.id);
  const runPipeline = useRunPipeline(slug, pipeline.id);
  const [notice, setNotice] = useState<Notice | null>(null);
  const [saveOpen, setSaveOpen] = useState(false);
  const [versionsOpen, setVersionsOpen] = useState(false);
  const [resolving, setResolving] = useState(false);
  const [unapplied, setUnapplied] = useState<ReadonlyMap<string, string>>(new Map());
  const canvasRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (notice?.tone !== 'info') {
      return undefined;
    }
    const timer = setTimeout(() => setNotice(null), NOTICE_MS);
    return () => clearTimeout(timer);
  }, [notice]);

  const reportUnapplied = useCallback((nodeId: string, field: string, message: string | null) => {
    const key = `${nodeId}\u0000${field}`;
    setUnapplied((now) => {
      if ((now.get(key) ?? null) === message) {
        return now;
      }
      const next = new Map(now);
      if (message === null) {
        next.delete(key);
      } else {
        next.set(key, message);
      }
      return next;
    });
  }, []);

  const unappliedNotice = useCallback(
    (action: string): boolean => {
      if (unapplied.size === 0) {
        return false;
      }
      setNotice({
        tone: 'error',
        text: `${plural(unapplied.size, 'setting')} of the selected block ${
          unapplied.size === 1 ? 'holds' : 'hold'
        } text that was not applied, so the pipeline was not ${action}: correct it first.`,
      });
      return true;
    },
    [unapplied],
  );

  const fit = useCallback(() => {
    requestAnimationFrame(() => {
      const box = canvasRef.current?.getBoundingClientRect();
      const nodes = flow.getNodes();
      if (!box?.width || nodes.length === 0) {
        void flow.fitView(FIT_VIEW_ANIMATED);
        return;
      }
      const bounds = flow.getNodesBounds(nodes);
      void flow.setViewport(readableViewport(bounds, box.width, box.height), { duration: 200 });
    });
  }, [flow]);

  const layout = useCallback(() => {
    const sizes = new Map<string, Size>();
    for (const node of store.getState().graph.nodes) {
      const measured = flow.getInternalNode(node.id)?.measured;
      if (measured?.width && measured.height) {
        sizes.set(node.id, { width: measured.width, height: measured.height });
      }
    }
    const width = canvasRef.current?.getBoundingClientRect().width;
    edits.layout(sizes, width ? layoutWidth(width) : undefined);
    fit();
  }, [edits, fit, flow, store]);

  const screenToFlow = useCallback((point: Position) => flow.screenToFlowPosition(point), [flow]);

  const addAtCentre = useCallback(
    (spec: BlockSpec) => {
      const box = canvasRef.current?.getBoundingClientRect();
      const centre = box
        ? flow.screenToFlowPosition({ x: box.left + box.width / 2, y: box.top + box.height / 2 })
        : { x: 0, y: 0 };
      const start = { x: centre.x - DEFAULT_NODE_SIZE.width / 2, y: centre.y - 50 };
      edits.addBlock(spec, freePosition(store.getState().graph, start));
    },
    [edits, flow, store],
  );

  const copy = useCallback(() => {
    const count = clipboard.copy();
    if (count > 0) {
      setNotice({ tone: 'info', text: `Copied ${plural(count, 'block')}.` });
    }
  }, [clipboard]);

  const paste = useCallback(() => {
    if (readOnly) {
      return;
    }
    const count = clipboard.paste();
    setNotice(
      count > 0
        ? { tone: 'info', text: `Pasted ${plural(count, 'block')}.` }
        : { tone: 'info', text: 'Nothing to paste: select blocks and copy them first.' },
    );
  }, [clipboard, readOnly]);

  const selectAll = useCallback(() => {
    store.setSelection({ nodes: store.getState().graph.nodes.map((node) => node.id), edges: [] });
  }, [store]);

  const showNode = useCallback(
    (id: string) => {
      store.setSelection({ nodes: [id], edges: [] });
      void flow.fitView({ nodes: [{ id }], duration: 300, maxZoom: 1.2, padding: 0.6 });
    },
    [flow, store],
  );

  const exportGraph = useCallback(() => {
    downloadJson(toApiGraph(store.getState().graph), graphFileName(pipeline.name));
  }, [store, pipeline.name]);

  const importFile = useCallback(
    async (file: File) => {
      const parsed = parseGraphText(await file.text());
      if (!parsed.ok) {
        setNotice({ tone: 'error', text: `Could not import ${file.name}: ${parsed.error}.` });
        return;
      }
      const unknown = unknownBlocks(parsed.graph, blocks);
      if (unknown.length > 0) {
        setNotice({
          tone: 'error',
          text: `Could not import ${file.name}: this server has no block ${unknown.map((key) => `“${key}”`).join(', ')}.`,
        });
        return;
      }
      edits.replace(parsed.graph);
      setNotice({
        tone: 'info',
        text: `Imported ${file.name}: ${plural(parsed.graph.nodes.length, 'block')}. Undo to go back.`,
      });
      fit();
    },
    [blocks, edits, fit],
  );

  const saveVersion = useCallback(
    async (message: string) => {
      if (unappliedNotice('saved as a version')) {
        setSaveOpen(false);
        return;
      }
      if (!(await autosave.flush())) {
        createVersion.reset();
        setNotice({ tone: 'error', text: 'The draft could not be saved, so no version was made.' });
        setSaveOpen(false);
        return;
      }
      createVersion.mutate(message, {
        onSuccess: (version) => {
          setSaveOpen(false);
          setNotice({ tone: 'info', text: `Saved version ${version.number}.` });
        },
      });
    },
    [autosave, createVersion, unappliedNotice],
  );

  const openSaveVersion = useCallback(() => {
    if (!readOnly) {
      createVersion.reset();
      setSaveOpen(true);
    }
  }, [createVersion, readOnly]);

  const run = useCallback(async () => {
    if (unappliedNotice('run')) {
      return;
    }
    if (!(await autosave.flush())) {
      setNotice({ tone: 'error', text: 'The draft could not be saved, so it was not run.' });
      return;
    }
    runPipeline.mutate(
      {},
      {
        onSuccess: (started) => navigate(`/w/${encodeURIComponent(slug)}/runs/${started.id}`),
        onError: (error) => setNotice({ tone: 'error', text: `Could not run: ${error.message}` }),
      },
    );
  }, [autosave, navigate, runPipeline, slug, unappliedNotice]);

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
        setNotice({ tone: 'info', text: `Restored version ${version.number}. Undo to go back.` });
        fit();
        return true;
      } catch {
        return false;
      }
    },
    [autosave, edits, fit, restore],
  );

  const reload = useCallback(async () => {
    setResolving(true);
    try {
      const fresh = await fetchPipeline(slug, pipeline.id);
      const parsed = parseGraph(fresh.graph);
      if (!parsed.ok) {
        throw new Error(`the saved graph cannot be read: ${parsed.error}`);
      }
      autosave.reset(fresh, parsed.graph);
      history.clear();
      store.setGraph(parsed.graph);
      store.setSelection({ nodes: [], edges: [] });
      setNotice({ tone: 'info', text: 'Reloaded the latest saved draft.' });
      fit();
    } catch (error) {
      setNotice({
        tone: 'error',
        text: `Could not reload: ${error instanceof Error ? error.message : String(error)}`,
      });
    } finally {
      setResolving(false);
    }
  }, [autosave, fit, history, pipeline.id, slug, store]);

  const overwrite = useCallback(async () => {
    setResolving(true);
    try {
      const fresh = await fetchPipeline(slug, pipeline.id);
      const parsed = parseGraph(fresh.graph);
      autosave.reset(fresh, parsed.ok ? parsed.graph : { nodes: [], edges: [] });
      await autosave.flush();
    } catch (error) {
      setNotice({
        tone: 'error',
        text: `Could not save: ${error instanceof Error ? error.message : String(error)}`,
      });
    } finally {
      setResolving(false);
    }
  }, [autosave, pipeline.id, slug]);

  useEditorShortcuts(
    {
      undo: history.undo,
      redo: history.redo,
      copy,
      paste,
      selectAll,
      saveVersion: openSaveVersion,
    },
    true,
  );

  return (
    <div className="editor">
      <title>{`${pipeline.name} · Tributary`}</title>
      <EditorToolbar
        name={pipeline.name}
        workspaceHref={`/w/${encodeURIComponent(slug)}`}
        workspaceName={workspaceName}
        saveStatus={autosave.status}
        saveError={autosave.error}
        onRetrySave={() => void autosave.flush()}
        unapplied={[...unapplied.values()]}
        validation={validation}
        readOnly={readOnly}
        canUndo={history.canUndo}
        canRedo={history.canRedo}
        hasSelection={selection.nodes.length > 0 || selection.edges.length > 0}
        canPaste={clipboard.size > 0}
        onUndo={history.undo}
        onRedo={history.redo}
        onCopy={copy}
        onPaste={paste}
        onDelete={edits.removeSelection}
        onLayout={layout}
        onFit={fit}
        onExport={exportGraph}
        onImport={(file) => void importFile(file)}
        versionsOpen={versionsOpen}
        onToggleVersions={() => setVersionsOpen((open) => !open)}
        onSaveVersion={openSaveVersion}
        onRun={() => void run()}
        running={runPipeline.isPending}
      />
      {autosave.status === 'conflict' && (
        <ConflictBanner
          busy={resolving}
          onReload={() => void reload()}
          onOverwrite={() => void overwrite()}
        />
      )}
      <BlockPalette blocks={blocks} readOnly={readOnly} onAdd={addAtCentre} />
      <div className="editor__canvas" ref={canvasRef}>
        <EditorCanvas
          catalogue={catalogue}
          issues={issues}
          edits={edits}
          readOnly={readOnly}
          screenToFlow={screenToFlow}
        />
        {notice && (
          <div
            className={`editor-notice editor-notice--${notice.tone}`}
            role={notice.tone === 'error' ? 'alert' : 'status'}
          >
            <p>{notice.text}</p>
            <button type="button" className="link-button" onClick={() => setNotice(null)}>
              Dismiss
            </button>
          </div>
        )}
      </div>
      <ProblemsPanel
        validation={validation}
        nodes={content.nodes}
        catalogue={catalogue}
        onShowNode={showNode}
      />
      {versionsOpen ? (
        <VersionsPanel
          slug={slug}
          pipelineId={pipeline.id}
          readOnly={readOnly}
          restoring={restore.isPending}
          restoreError={restore.error}
          onRestore={restoreVersion}
          onClose={() => setVersionsOpen(false)}
        />
      ) : (
        <NodeInspector
          slug={slug}
          catalogue={catalogue}
          issues={issues}
          edits={edits}
          readOnly={readOnly}
          onCopy={copy}
          onUnapplied={reportUnapplied}
        />
      )}
      <SaveVersionDialog
        open={saveOpen}
        pending={createVersion.isPending}
        error={createVersion.error}
        onSave={(message) => void saveVersion(message)}
        onClose={() => setSaveOpen(false)}
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
