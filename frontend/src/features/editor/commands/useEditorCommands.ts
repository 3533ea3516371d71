import { useCallback, useMemo } from 'react';

import type { EditorStore } from '../store/editorStore';
import { useEditorStore } from '../store/useEditorStore';
import type { GraphEdits } from '../store/useGraphEdits';
import type { UndoRedo } from '../store/useUndoRedo';
import type { EditorCommands } from './commands';
import type { Clipboard } from './useClipboard';
import { plural, type Notify } from './useNotice';

interface Options {
  store: EditorStore;
  history: UndoRedo;
  edits: GraphEdits;
  clipboard: Clipboard;
  notify: Notify;
  readOnly: boolean;
  /** Auto-layout and zoom to fit, on the canvas's view. */
  layout(): void;
  fit(): void;
  /** The versions panel is shown instead of the block settings. */
  versionsOpen: boolean;
  toggleVersions(): void;
  exportGraph(): void;
  openSaveVersion(): void;
  /** A run is being started. */
  running: boolean;
  startRun(): void;
}

/** The editor's commands, each with its name, shortcut and whether it can run now. */
export function useEditorCommands({
  store,
  history,
  edits,
  clipboard,
  notify,
  readOnly,
  layout,
  fit,
  versionsOpen,
  toggleVersions,
  exportGraph,
  openSaveVersion,
  running,
  startRun,
}: Options): EditorCommands {
  const selection = useEditorStore((state) => state.selection);
  const hasSelection = selection.nodes.length > 0 || selection.edges.length > 0;

  const copy = useCallback(() => {
    const count = clipboard.copy();
    if (count > 0) {
      notify.info(`Copied ${plural(count, 'block')}.`);
    }
  }, [clipboard, notify]);

  const paste = useCallback(() => {
    if (readOnly) {
      return;
    }
    const count = clipboard.paste();
    notify.info(
      count > 0
        ? `Pasted ${plural(count, 'block')}.`
        : 'Nothing to paste: select blocks and copy them first.',
    );
  }, [clipboard, notify, readOnly]);

  const selectAll = useCallback(() => {
    store.setSelection({ nodes: store.getState().graph.nodes.map((node) => node.id), edges: [] });
  }, [store]);

  return useMemo(
    () => ({
      undo: {
        id: 'undo',
        label: 'Undo',
        keys: 'Control+Z Meta+Z',
        keysLabel: 'Ctrl/⌘+Z',
        enabled: !readOnly && history.canUndo,
        run: history.undo,
      },
      redo: {
        id: 'redo',
        label: 'Redo',
        keys: 'Control+Shift+Z Meta+Shift+Z Control+Y',
        keysLabel: 'Ctrl/⌘+Shift+Z',
        enabled: !readOnly && history.canRedo,
        run: history.redo,
      },
      copy: {
        id: 'copy',
        label: 'Copy',
        keys: 'Control+C Meta+C',
        keysLabel: 'Ctrl/⌘+C',
        enabled: hasSelection,
        run: copy,
      },
      paste: {
        id: 'paste',
        label: 'Paste',
        keys: 'Control+V Meta+V',
        keysLabel: 'Ctrl/⌘+V',
        enabled: !readOnly && clipboard.size > 0,
        run: paste,
        // The shortcut says there is nothing to paste.
        whenDisabled: paste,
      },
      delete: {
        id: 'delete',
        label: 'Delete selection',
        keys: 'Delete Backspace',
        keysLabel: 'Delete or Backspace',
        scope: 'canvas',
        enabled: !readOnly && hasSelection,
        run: edits.removeSelection,
      },
      selectAll: {
        id: 'selectAll',
        label: 'Select all',
        keys: 'Control+A Meta+A',
        keysLabel: 'Ctrl/⌘+A',
        enabled: true,
        run: selectAll,
      },
      layout: { id: 'layout', label: 'Auto-layout', enabled: !readOnly, run: layout },
      fit: { id: 'fit', label: 'Zoom to fit', enabled: true, run: fit },
      versions: {
        id: 'versions',
        label: 'Versions',
        enabled: true,
        pressed: versionsOpen,
        run: toggleVersions,
      },
      export: { id: 'export', label: 'Export', enabled: true, run: exportGraph },
      saveVersion: {
        id: 'saveVersion',
        label: 'Save version',
        hint: 'Save a version',
        keys: 'Control+S Meta+S',
        keysLabel: 'Ctrl/⌘+S',
        scope: 'everywhere',
        enabled: !readOnly,
        run: openSaveVersion,
      },
      run: {
        id: 'run',
        label: 'Run',
        enabled: !readOnly && !running,
        busy: running,
        run: startRun,
      },
    }),
    [
      readOnly,
      history,
      hasSelection,
      copy,
      paste,
      clipboard.size,
      edits.removeSelection,
      selectAll,
      layout,
      fit,
      versionsOpen,
      toggleVersions,
      exportGraph,
      openSaveVersion,
      running,
      startRun,
    ],
  );
}
