import { useCallback, useState, useSyncExternalStore } from 'react';

import { contentTracker } from '../../../graph/content';
import type { GraphContent } from '../../../graph/types';
import { useEditorStoreApi } from './useEditorStoreApi';

/**
 * The graph being edited without its positions. The component re-renders when something other
 * than a position changes; moving blocks leaves the value (and whatever is memoised on it) as it
 * was.
 */
export function useGraphContent(): GraphContent {
  const store = useEditorStoreApi();
  const [track] = useState(contentTracker);
  const snapshot = useCallback(() => track(store.getState().graph), [track, store]);
  return useSyncExternalStore(store.subscribe, snapshot);
}
