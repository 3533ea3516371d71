import { useCallback, useMemo, useRef, useState } from 'react';

import {
  emptyHistory,
  historyReducer,
  type History,
  type HistoryAction,
} from '../../../graph/history';
import type { Graph } from '../../../graph/types';
import type { EditorStore } from './editorStore';

export interface UndoRedo {
  /** Remember `before` as the state an edit replaced; `coalesce` merges quick edits of one field. */
  record(before: Graph, coalesce?: string): void;
  undo(): void;
  redo(): void;
  /** Forget the history (the draft was reloaded from the server). */
  clear(): void;
  canUndo: boolean;
  canRedo: boolean;
}

/** Undo and redo of the store's graph. */
export function useUndoRedo(store: EditorStore): UndoRedo {
  const history = useRef<History<Graph>>(emptyHistory());
  const [flags, setFlags] = useState({ canUndo: false, canRedo: false });

  const dispatch = useCallback(
    (action: HistoryAction<Graph>) => {
      const result = historyReducer(history.current, action);
      history.current = result.history;
      if (result.value) {
        store.setGraph(result.value);
      }
      const next = {
        canUndo: result.history.past.length > 0,
        canRedo: result.history.future.length > 0,
      };
      setFlags((previous) =>
        previous.canUndo === next.canUndo && previous.canRedo === next.canRedo ? previous : next,
      );
    },
    [store],
  );

  const record = useCallback(
    (before: Graph, coalesce?: string) => dispatch({ type: 'record', before, coalesce }),
    [dispatch],
  );
  const undo = useCallback(
    () => dispatch({ type: 'undo', current: store.getState().graph }),
    [dispatch, store],
  );
  const redo = useCallback(
    () => dispatch({ type: 'redo', current: store.getState().graph }),
    [dispatch, store],
  );
  const clear = useCallback(() => dispatch({ type: 'clear' }), [dispatch]);

  return useMemo(
    () => ({ record, undo, redo, clear, ...flags }),
    [record, undo, redo, clear, flags],
  );
}
