import { useSyncExternalStore } from 'react';

import type { EditorState } from './editorStore';
import { useEditorStoreApi } from './useEditorStoreApi';

/**
 * A slice of the editor's state; the component re-renders when the slice changes. `select` must
 * return a part of the state (not a new object), e.g. `(state) => state.graph`.
 */
export function useEditorStore<T>(select: (state: EditorState) => T): T {
  const store = useEditorStoreApi();
  return useSyncExternalStore(store.subscribe, () => select(store.getState()));
}
