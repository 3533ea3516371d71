import { useContext } from 'react';

import type { EditorStore } from './editorStore';
import { EditorStoreContext } from './EditorStoreContext';

/** The editor store itself, for event handlers that read the latest state when they run. */
export function useEditorStoreApi(): EditorStore {
  const store = useContext(EditorStoreContext);
  if (!store) {
    throw new Error('the editor store is used outside its EditorStoreContext provider');
  }
  return store;
}
