import { act, renderHook, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';

import type { LogEntry, MetricPoint, RunDetail } from '../../api/runTypes';
import { makeLog, makeMetric, makeRun, makeStep } from './testRuns';
import { useRunEvents } from './useRunEvents';

/** A tiny fake of the run endpoints that honours ?after=, and the requests it got. */
function fakeServer(initial: { run: RunDetail; logs: LogEntry[]; metrics: MetricPoint[] }) {
  const state = { ...initial, requests: [] as string[], missing: false };
  const json = (status: number, body: unknown) =>
    new Response(JSON.stringify(body), {
      status,
      headers: { 'Content-Type': 'application/json' },
    });
  vi.stubGlobal(
    'fetch',
    vi.fn(async (input: RequestInfo | URL) => {
      const url = new URL(String(input), 'http://localhost');
      state.requests.push(`${url.pathname}${url.search}`);
      if (state.missing) {
        return json(404, { message: 'run 7 not found in this workspace', code: 'not_found' });
      }
      const after = Number(url.searchParams.get('after') ?? 0);
      const page = <T extends { seq: number }>(all: T[]) => {
        const results = all.filter((entry) => entry.seq > after);
        return { count: results.length, next: null, previous: null, results };
      };
      if (url.pathname.endsWith('/logs/')) {
        return json(200, page(state.logs));
      }
      if (url.pathname.endsWith('/metrics/')) {
        return json(200, page(state.metrics));
      }
      return json(200, state.run);
    }),
  );
  return state;
}

/** A WebSocket the test drives: it opens when told and delivers what the test sends. */
class FakeSocket {
  static all: FakeSocket[] = [];
  onopen: (() => void) | null = null;
  onmessage: ((event: MessageEvent) => void) | null = null;
  onclose: ((event: CloseEvent) => void) | null = null;
  closed = false;
  readonly url: string;
  constructor(url: string) {
    this.url = url;
    FakeSocket.all.push(this);
  }
  open() {
    this.onopen?.();
  }
  send(message: unknown) {
    this.onmessage?.({ data: JSON.stringify(message) } as MessageEvent);
  }
  drop(code = 1006) {
    this.onclose?.({ code } as CloseEvent);
  }
  close() {
    this.closed = true;
  }
}

const running = () =>
  makeRun([
    makeStep('load', { status: 'succeeded', attempt: 1 }),
    makeStep('train', { status: 'running', attempt: 1 }),
  ]);

afterEach(() => {
  FakeSocket.all = [];
});

describe('useRunEvents, polling', () => {
  it('backfills after the last seq it holds until the run has ended', async () => {
    const server = fakeServer({ run: running(), logs: [makeLog(1), makeLog(2)], metrics: [] });
    const { result } = renderHook(() =>
      useRunEvents('demo', 7, { transport: 'poll', pollIntervalMs: 10 }),
    );

    await waitFor(() => expect(result.current.logs).toHaveLength(2));
    expect(result.current.connection).toBe('polling');
    expect(result.current.run?.status).toBe('running');

    server.logs.push(makeLog(3), makeLog(4));
    server.metrics.push(makeMetric(5, 'loss', 0.5, 1));
    server.run = makeRun(
      [
        makeStep('load', { status: 'succeeded', attempt: 1 }),
        makeStep('train', { status: 'succeeded', attempt: 1 }),
      ],
      { status: 'succeeded', finished_at: '2026-01-01T00:00:09Z' },
    );

    await waitFor(() => expect(result.current.connection).toBe('finished'));
    expect(result.current.logs.map((entry) => entry.seq)).toEqual([1, 2, 3, 4]);
    expect(result.current.metrics.map((point) => point.seq)).toEqual([5]);
    expect(result.current.run?.steps[1]?.status).toBe('succeeded');
    const logRequests = server.requests.filter((path) => path.includes('/logs/'));
    expect(logRequests[0]).toContain('after=0');
    expect(logRequests.some((path) => path.includes('after=2'))).toBe(true);
  });

  it('stops asking for a run that is not there, and says why', async () => {
    const server = fakeServer({ run: running(), logs: [], metrics: [] });
    server.missing = true;
    const { result } = renderHook(() =>
      useRunEvents('demo', 7, { transport: 'poll', pollIntervalMs: 10 }),
    );

    await waitFor(() => expect(result.current.connection).toBe('finished'));
    expect(result.current.error?.message).toBe('run 7 not found in this workspace');
    const asked = server.requests.length;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(server.requests.length).toBe(asked);
  });
});

describe('useRunEvents, WebSocket', () => {
  it('applies the live stream, and backfills over REST after a dropped connection', async () => {
    vi.stubGlobal('WebSocket', FakeSocket);
    const server = fakeServer({ run: running(), logs: [makeLog(1)], metrics: [] });
    const { result, unmount } = renderHook(() =>
      useRunEvents('demo', 7, { pollIntervalMs: 10_000 }),
    );

    await waitFor(() => expect(FakeSocket.all).toHaveLength(1));
    const socket = FakeSocket.all[0] as FakeSocket;
    expect(socket.url).toMatch(/\/ws\/runs\/7\/$/);
    act(() => socket.open());
    expect(result.current.connection).toBe('live');

    act(() => {
      socket.send({
        type: 'snapshot',
        status: 'running',
        seq: 1,
        steps: [{ type: 'step.status', node: 'train', status: 'running', attempt: 1 }],
        logs: [{ type: 'log', node: 'load', seq: 1, level: 'info', message: 'line 1' }],
        metrics: [],
      });
      socket.send({ type: 'log', node: 'train', seq: 2, level: 'info', message: 'epoch 1' });
      socket.send({ type: 'metric', node: 'train', seq: 3, key: 'loss', value: 0.9, index: 1 });
      socket.send({ type: 'progress', node: 'train', seq: 3, progress: 0.25 });
    });
    expect(result.current.logs.map((entry) => entry.seq)).toEqual([1, 2]);
    expect(result.current.metrics).toHaveLength(1);
    expect(result.current.run?.steps[1]?.progress).toBe(0.25);

    // While the socket is down, two lines are written; the REST backfill brings them.
    server.logs.push(makeLog(2, 'train', 'epoch 1'), makeLog(4), makeLog(5));
    act(() => socket.drop());
    expect(result.current.connection).toBe('polling');
    await waitFor(() => expect(result.current.logs.map((e) => e.seq)).toEqual([1, 2, 4, 5]));
    expect(server.requests.some((path) => /logs\/\?after=2\b/.test(path))).toBe(true);

    unmount();
  });
});
