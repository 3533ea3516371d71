import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act, renderHook } from '@testing-library/react';
import type { ReactNode } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { ApiError } from '../../../api/client';
import type * as PipelinesApi from '../../../api/pipelines';
import { savePipeline, type Pipeline } from '../../../api/pipelines';
import type { Graph } from '../../../graph/types';
import { createEditorStore } from '../store/editorStore';
import {
  AUTOSAVE_DELAY_MS,
  isRetryable,
  RETRY_FIRST_MS,
  retryDelay,
  useAutosave,
} from './useAutosave';

vi.mock('../../../api/pipelines', async (original) => ({
  ...(await original<typeof PipelinesApi>()),
  savePipeline: vi.fn(),
}));

const save = vi.mocked(savePipeline);

const GRAPH: Graph = {
  nodes: [{ id: 'a', block: 'ingest.sample', config: {}, position: { x: 0, y: 0 } }],
  edges: [],
};

function pipeline(revision: number, graph: Graph = GRAPH): Pipeline {
  return {
    id: 7,
    name: 'P',
    description: '',
    graph,
    revision,
    latest_version: null,
    created_by: 'ada',
    created_at: '2025-01-01T00:00:00Z',
    updated_at: '2025-01-01T00:00:00Z',
  } as unknown as Pipeline;
}

const offline = () => new ApiError(0, { message: 'Cannot reach', code: 'network_error' });

function setup() {
  const store = createEditorStore(GRAPH);
  const client = new QueryClient();
  const wrapper = ({ children }: { children: ReactNode }) => (
    <QueryClientProvider client={client}>{children}</QueryClientProvider>
  );
  const hook = renderHook(
    () => useAutosave({ store, slug: 'demo', pipeline: pipeline(3), enabled: true }),
    { wrapper },
  );
  const edit = () =>
    act(() => {
      const graph = store.getState().graph;
      store.setGraph({
        ...graph,
        nodes: graph.nodes.map((node) => ({ ...node, config: { n: Math.random() } })),
      });
    });
  const advance = (ms: number) =>
    act(async () => {
      await vi.advanceTimersByTimeAsync(ms);
    });
  return { hook, edit, advance };
}

beforeEach(() => {
  vi.useFakeTimers();
  save.mockReset();
});

afterEach(() => {
  vi.useRealTimers();
});

describe('retrying failed saves', () => {
  it('retries after a network error with growing delays until it saves', async () => {
    save
      .mockRejectedValueOnce(offline())
      .mockRejectedValueOnce(offline())
      .mockImplementation((_slug, _id, update) =>
        Promise.resolve(pipeline(update.revision + 1, update.graph as Graph)),
      );
    const { hook, edit, advance } = setup();
    edit();
    await advance(AUTOSAVE_DELAY_MS);
    expect(save).toHaveBeenCalledTimes(1);
    expect(hook.result.current.status).toBe('error');
    await advance(RETRY_FIRST_MS - 1);
    expect(save).toHaveBeenCalledTimes(1);
    await advance(1);
    expect(save).toHaveBeenCalledTimes(2);
    expect(hook.result.current.status).toBe('error');
    await advance(2 * RETRY_FIRST_MS - 1);
    expect(save).toHaveBeenCalledTimes(2);
    await advance(1);
    expect(save).toHaveBeenCalledTimes(3);
    expect(hook.result.current.status).toBe('saved');
    await advance(10 * RETRY_FIRST_MS);
    expect(save).toHaveBeenCalledTimes(3);
  });

  it('saves at once when the browser is back online', async () => {
    save.mockRejectedValueOnce(offline()).mockResolvedValue(pipeline(4));
    const { hook, edit, advance } = setup();
    edit();
    await advance(AUTOSAVE_DELAY_MS);
    expect(hook.result.current.status).toBe('error');
    await act(async () => {
      window.dispatchEvent(new Event('online'));
      await vi.advanceTimersByTimeAsync(0);
    });
    expect(save).toHaveBeenCalledTimes(2);
    expect(hook.result.current.status).toBe('saved');
  });

  it('does not retry a save the server refused as bad', async () => {
    save.mockRejectedValue(new ApiError(400, { message: 'bad graph', code: 'invalid' }));
    const { hook, edit, advance } = setup();
    edit();
    await advance(AUTOSAVE_DELAY_MS + 10 * RETRY_FIRST_MS);
    expect(save).toHaveBeenCalledTimes(1);
    expect(hook.result.current.status).toBe('error');
  });

  it('knows which failures to retry, and caps the delay', () => {
    expect(isRetryable(offline())).toBe(true);
    expect(isRetryable(new ApiError(503, { message: 'down', code: 'x' }))).toBe(true);
    expect(isRetryable(new ApiError(409, { message: 'stale', code: 'conflict' }))).toBe(false);
    expect(isRetryable(new Error('other'))).toBe(false);
    expect(retryDelay(0)).toBe(RETRY_FIRST_MS);
    expect(retryDelay(1)).toBe(2 * RETRY_FIRST_MS);
    expect(retryDelay(50)).toBe(60_000);
  });
});
