import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';

import { ApiError } from '../../../api/client';
import { pipelineKeys, savePipeline, type Pipeline } from '../../../api/pipelines';
import { graphKey, toApiGraph } from '../../../graph/json';
import type { Graph } from '../../../graph/types';
import type { EditorStore } from '../store/editorStore';

export const AUTOSAVE_DELAY_MS = 800;
/** The first retry after a save that failed on the way (network, server); doubled each time. */
export const RETRY_FIRST_MS = 2000;
export const RETRY_MAX_MS = 60_000;

/** A failed save that may work when tried again as it is: no answer, or a server fault. */
export function isRetryable(error: Error): boolean {
  return (
    error instanceof ApiError && (error.status === 0 || error.status === 429 || error.status >= 500)
  );
}

/** How long to wait before retry number `attempt` (0 first). */
export function retryDelay(attempt: number): number {
  return Math.min(RETRY_FIRST_MS * 2 ** attempt, RETRY_MAX_MS);
}

/**
 * saved: the server has the graph shown; pending: changes wait for the pause before saving;
 * saving: a save is on its way; error: the last save failed (kept for the next try);
 * conflict: someone else saved since this draft was loaded, so saving stopped.
 */
export type SaveStatus = 'saved' | 'pending' | 'saving' | 'error' | 'conflict';

export interface Autosave {
  status: SaveStatus;
  error: Error | null;
  /** Save now if anything is unsaved; resolves to whether the server has the current graph. */
  flush(): Promise<boolean>;
  /**
   * The draft was replaced from the server (reload, restore): start again from it. Showing
   * `graph` in the store afterwards is not an edit.
   */
  reset(pipeline: Pipeline, graph: Graph): void;
  /** The revision the next save will be based on. */
  revision(): number;
}

interface Options {
  store: EditorStore;
  slug: string;
  pipeline: Pipeline;
  /** False for viewers: nothing is ever saved. */
  enabled: boolean;
}

/**
 * Save the draft a moment after each edit, with the revision it was based on. A save that fails
 * on the way is tried again by itself: with growing delays, and at once when the browser is
 * back online.
 */
export function useAutosave({ store, slug, pipeline, enabled }: Options): Autosave {
  const queryClient = useQueryClient();
  const pipelineId = pipeline.id;
  const [status, setStatus] = useState<SaveStatus>('saved');
  const [error, setError] = useState<Error | null>(null);
  const revision = useRef(pipeline.revision);
  const [openedKey] = useState(() => graphKey(store.getState().graph));
  const savedKey = useRef(openedKey);
  const conflict = useRef(false);
  const inFlight = useRef<Promise<boolean> | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const seen = useRef(store.getState().graph);
  const retryTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const retries = useRef(0);
  const retryRef = useRef<() => void>(() => undefined);

  const save = useCallback(async (): Promise<boolean> => {
    clearTimeout(retryTimer.current);
    while (inFlight.current) {
      await inFlight.current;
    }
    if (conflict.current) {
      return false;
    }
    const graph = store.getState().graph;
    const key = graphKey(graph);
    if (key === savedKey.current) {
      setStatus('saved');
      return true;
    }
    setStatus('saving');
    const attempt = (async () => {
      try {
        const saved = await savePipeline(slug, pipelineId, {
          revision: revision.current,
          graph: toApiGraph(graph),
        });
        revision.current = saved.revision;
        savedKey.current = key;
        queryClient.setQueryData(pipelineKeys.detail(slug, pipelineId), saved);
        retries.current = 0;
        setError(null);
        const current = graphKey(store.getState().graph) === key;
        setStatus(current ? 'saved' : 'pending');
        return current;
      } catch (reason) {
        const failure = reason instanceof Error ? reason : new Error(String(reason));
        if (failure instanceof ApiError && failure.status === 409) {
          conflict.current = true;
          setStatus('conflict');
        } else {
          setStatus('error');
          if (isRetryable(failure)) {
            const delay = retryDelay(retries.current);
            retries.current += 1;
            retryTimer.current = setTimeout(() => retryRef.current(), delay);
          }
        }
        setError(failure);
        return false;
      }
    })();
    inFlight.current = attempt;
    try {
      return await attempt;
    } finally {
      inFlight.current = null;
    }
  }, [store, slug, pipelineId, queryClient]);

  const schedule = useCallback(() => {
    clearTimeout(timer.current);
    timer.current = setTimeout(() => {
      void save().then((current) => {
        if (
          !current &&
          !conflict.current &&
          graphKey(store.getState().graph) !== savedKey.current
        ) {
          setStatus((now) => (now === 'error' ? now : 'pending'));
        }
      });
    }, AUTOSAVE_DELAY_MS);
  }, [save, store]);

  useEffect(() => {
    retryRef.current = () => void save();
  }, [save]);

  useEffect(() => {
    if (!enabled) {
      return undefined;
    }
    const online = () => {
      if (!conflict.current && graphKey(store.getState().graph) !== savedKey.current) {
        retries.current = 0;
        void save();
      }
    };
    window.addEventListener('online', online);
    return () => {
      window.removeEventListener('online', online);
      clearTimeout(retryTimer.current);
    };
  }, [enabled, save, store]);

  useEffect(() => {
    if (!enabled) {
      return undefined;
    }
    const unsubscribe = store.subscribe(() => {
      const graph = store.getState().graph;
      if (graph === seen.current || conflict.current) {
        return;
      }
      seen.current = graph;
      setStatus((now) => (now === 'saving' || now === 'error' ? now : 'pending'));
      schedule();
    });
    return () => {
      unsubscribe();
      clearTimeout(timer.current);
    };
  }, [enabled, store, schedule]);

  useEffect(() => {
    if (status === 'saved' || !enabled) {
      return undefined;
    }
    const warn = (event: BeforeUnloadEvent) => event.preventDefault();
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [status, enabled]);

  const flush = useCallback(() => {
    clearTimeout(timer.current);
    return enabled ? save() : Promise.resolve(false);
  }, [enabled, save]);

  const reset = useCallback((fresh: Pipeline, graph: Graph) => {
    clearTimeout(timer.current);
    clearTimeout(retryTimer.current);
    retries.current = 0;
    revision.current = fresh.revision;
    savedKey.current = graphKey(graph);
    seen.current = graph;
    conflict.current = false;
    setError(null);
    setStatus('saved');
  }, []);

  const currentRevision = useCallback(() => revision.current, []);

  return useMemo(
    () => ({ status, error, flush, reset, revision: currentRevision }),
    [status, error, flush, reset, currentRevision],
  );
}
