/**
 * A run as it happens: its status and steps, logs and metrics, kept current from the run's
 * WebSocket (ws/runs/<id>/) and, whenever that is not open, by polling the REST API every
 * second. The socket's protocol is docs/live-events.md: a snapshot, then events in seq order.
 * Nothing is lost across a reconnect: logs and metrics are backfilled with
 * ?after=<last seq held>, and the reducer drops what arrives twice. Everything about the
 * transport lives in this file; the state and how events fold into it live in runEvents.ts.
 */

import { useCallback, useEffect, useRef, useState } from 'react';

import { ApiError } from '../../api/client';
import { fetchLogsAfter, fetchMetricsAfter, fetchRun, isRunActive } from '../../api/runs';
import type { RunDetail } from '../../api/runTypes';
import {
  eventsOf,
  initialRunEventsState,
  runEventsReducer,
  type RunAction,
  type RunEventsState,
} from './runEvents';
import { closeQuietly, socketUrl } from './sockets';

export type Connection = 'connecting' | 'live' | 'polling' | 'finished';

export interface RunEvents extends RunEventsState {
  connection: Connection;
  /** The last failure to load, cleared by the next success. */
  error: Error | null;
  /** Fold a run the caller got from the API (e.g. the answer to cancel) into the state. */
  applySnapshot: (run: RunDetail) => void;
}

export interface RunEventsOptions {
  /** 'poll' never opens a WebSocket (tests, or a server without one). */
  transport?: 'auto' | 'poll';
  pollIntervalMs?: number;
}

const RECONNECT_MAX_MS = 30_000;
const CLOSE_UNAUTHENTICATED = 4401;
const CLOSE_FORBIDDEN = 4403;
const STATUS_REFRESH_MS = 250;

interface FollowArgs {
  slug: string;
  runId: number;
  transport: 'auto' | 'poll';
  pollIntervalMs: number;
  dispatch: (action: RunAction) => void;
  latest: () => RunEventsState;
  onConnection: (connection: Connection) => void;
  onError: (error: Error | null) => void;
}

/** Start following a run; returns the function that stops it. */
function followRun(args: FollowArgs): () => void {
  const { slug, runId, dispatch, latest, onConnection, onError } = args;
  const abort = new AbortController();
  let stopped = false;
  let socket: WebSocket | null = null;
  let socketOpen = false;
  let pollTimer: ReturnType<typeof setTimeout> | undefined;
  let reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  let refreshTimer: ReturnType<typeof setTimeout> | undefined;
  let reconnectDelay = 1_000;
  let syncing: Promise<void> | null = null;

  const finished = () => {
    const run = latest().run;
    return run !== null && !isRunActive(run.status);
  };

  /** Snapshot, then every log line and metric point after the cursors held. */
  async function syncOnce(): Promise<void> {
    const run = await fetchRun(slug, runId, abort.signal);
    dispatch({ type: 'snapshot', run });
    const state = latest();
    const [logs, metrics] = await Promise.all([
      fetchLogsAfter(slug, runId, state.lastLogSeq, abort.signal),
      fetchMetricsAfter(slug, runId, state.lastMetricSeq, abort.signal),
    ]);
    dispatch({ type: 'logs', entries: logs });
    dispatch({ type: 'metrics', points: metrics });
  }

  function sync(): Promise<void> {
    syncing ??= syncOnce()
      .then(() => onError(null))
      .catch((error: unknown) => {
        if (abort.signal.aborted) {
          return;
        }
        onError(error instanceof Error ? error : new Error(String(error)));
        // A run that is not there (or not ours to see) will not appear by asking again.
        if (error instanceof ApiError && [401, 403, 404].includes(error.status)) {
          finish();
        }
      })
      .finally(() => {
        syncing = null;
      });
    return syncing;
  }

  function finish() {
    stop();
    onConnection('finished');
  }

  function schedulePoll(delay: number) {
    clearTimeout(pollTimer);
    pollTimer = setTimeout(() => void poll(), delay);
  }

  async function poll() {
    if (stopped || socketOpen) {
      return;
    }
    const wasFinished = finished();
    await sync();
    if (stopped || socketOpen) {
      return;
    }
    // One more round after the run ends collects what its last steps wrote.
    if (wasFinished && finished()) {
      finish();
      return;
    }
    schedulePoll(args.pollIntervalMs);
  }

  function refreshSoon() {
    clearTimeout(refreshTimer);
    refreshTimer = setTimeout(() => {
      void sync().then(() => {
        if (!stopped && finished()) {
          finish();
        }
      });
    }, STATUS_REFRESH_MS);
  }

  function onMessage(raw: string) {
    let message: unknown;
    try {
      message = JSON.parse(raw);
    } catch {
      return;
    }
    const events = eventsOf(message);
    if (events.length === 0) {
      return;
    }
    dispatch({ type: 'events', events, receivedAt: new Date().toISOString() });
    // Status events carry no timings or outputs: the REST snapshot has them.
    if (events.some((event) => event.type === 'step.status' || event.type === 'run.status')) {
      refreshSoon();
    }
  }

  function connect() {
    if (stopped) {
      return;
    }
    let ws: WebSocket;
    try {
      ws = new WebSocket(socketUrl(`/ws/runs/${runId}/`));
    } catch {
      scheduleReconnect();
      return;
    }
    socket = ws;
    ws.onopen = () => {
      socketOpen = true;
      reconnectDelay = 1_000;
      clearTimeout(pollTimer);
      onConnection('live');
      // Whatever happened while the socket was closed comes from the REST backfill.
      void sync();
    };
    ws.onmessage = (event: MessageEvent) => {
      if (typeof event.data === 'string') {
        onMessage(event.data);
      }
    };
    ws.onclose = (event: CloseEvent) => {
      socket = null;
      socketOpen = false;
      if (stopped) {
        return;
      }
      // Refused (not signed in, or not a member): polling says why, if anything does.
      if (event.code === CLOSE_UNAUTHENTICATED || event.code === CLOSE_FORBIDDEN) {
        onConnection('polling');
        schedulePoll(0);
        return;
      }
      if (finished()) {
        void sync().then(finish);
        return;
      }
      onConnection('polling');
      schedulePoll(0);
      scheduleReconnect();
    };
  }

  function scheduleReconnect() {
    clearTimeout(reconnectTimer);
    reconnectTimer = setTimeout(connect, reconnectDelay);
    reconnectDelay = Math.min(reconnectDelay * 2, RECONNECT_MAX_MS);
  }

  function stop() {
    stopped = true;
    abort.abort();
    clearTimeout(pollTimer);
    clearTimeout(reconnectTimer);
    clearTimeout(refreshTimer);
    if (socket) {
      closeQuietly(socket);
      socket = null;
    }
  }

  onConnection('connecting');
  void sync().then(() => {
    if (stopped) {
      return;
    }
    if (finished()) {
      finish();
      return;
    }
    if (args.transport === 'auto' && typeof WebSocket !== 'undefined') {
      connect();
    }
    if (!socketOpen) {
      onConnection('polling');
      schedulePoll(args.pollIntervalMs);
    }
  });
  return stop;
}

/** Follow run `runId` of workspace `slug` until it ends (and then hold its final state). */
export function useRunEvents(
  slug: string,
  runId: number,
  options: RunEventsOptions = {},
): RunEvents {
  const { transport = 'auto', pollIntervalMs = 1_000 } = options;
  const [state, setState] = useState(initialRunEventsState);
  const [connection, setConnection] = useState<Connection>('connecting');
  const [error, setError] = useState<Error | null>(null);
  // The transport reads cursors between renders, so the state is held here and mirrored.
  const stateRef = useRef(state);

  const dispatchAndTrack = useCallback((action: RunAction) => {
    const next = runEventsReducer(stateRef.current, action);
    if (next !== stateRef.current) {
      stateRef.current = next;
      setState(next);
    }
  }, []);

  useEffect(() => {
    dispatchAndTrack({ type: 'reset' });
    return followRun({
      slug,
      runId,
      transport,
      pollIntervalMs,
      dispatch: dispatchAndTrack,
      latest: () => stateRef.current,
      onConnection: setConnection,
      onError: setError,
    });
  }, [slug, runId, transport, pollIntervalMs, dispatchAndTrack]);

  const applySnapshot = useCallback(
    (run: RunDetail) => dispatchAndTrack({ type: 'snapshot', run }),
    [dispatchAndTrack],
  );

  return { ...state, connection, error, applySnapshot };
}
