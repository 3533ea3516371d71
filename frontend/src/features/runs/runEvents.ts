/**
 * The state of one run as a live viewer sees it, and the reducer that folds everything into it:
 * REST snapshots, backfilled pages of logs and metrics, and live events, in any order and with
 * repeats. Logs and metrics are kept sorted by seq without duplicates; statuses never go back
 * (a later attempt of a step may, which is how a retry shows).
 */

import type {
  LogEntry,
  LogLevel,
  MetricPoint,
  RunDetail,
  RunStatus,
  Step,
  StepStatus,
} from '../../api/runTypes';

export interface RunEventsState {
  run: RunDetail | null;
  logs: LogEntry[];
  metrics: MetricPoint[];
  /** Highest log seq held: the cursor of the next ?after= backfill. */
  lastLogSeq: number;
  /** Highest metric seq held. */
  lastMetricSeq: number;
}

/** A live event, as the server sends it (extra fields are ignored). */
export type RunEvent =
  | { type: 'run.status'; seq?: number; status: RunStatus; error?: string | null }
  | {
      type: 'step.status';
      seq?: number;
      node: string;
      status: StepStatus;
      attempt?: number;
      progress?: number;
      error?: string | null;
      worker?: string;
    }
  | { type: 'log'; seq: number; node: string; level: LogLevel; message: string; at?: string }
  | {
      type: 'metric';
      seq: number;
      node: string;
      key: string;
      value: number;
      index?: number | null;
      at?: string;
    }
  | { type: 'progress'; seq?: number; node: string; progress: number };

export type RunAction =
  | { type: 'snapshot'; run: RunDetail }
  | { type: 'logs'; entries: LogEntry[] }
  | { type: 'metrics'; points: MetricPoint[] }
  | { type: 'events'; events: RunEvent[]; receivedAt: string }
  | { type: 'reset' };

export const initialRunEventsState: RunEventsState = {
  run: null,
  logs: [],
  metrics: [],
  lastLogSeq: 0,
  lastMetricSeq: 0,
};

/** `existing` and `incoming` merged, sorted by seq, one entry per seq (the first one kept). */
export function mergeBySeq<T extends { seq: number }>(existing: T[], incoming: T[]): T[] {
  if (incoming.length === 0) {
    return existing;
  }
  const last = existing[existing.length - 1]?.seq ?? -Infinity;
  let inOrder = true;
  let previous = last;
  for (const entry of incoming) {
    if (entry.seq <= previous) {
      inOrder = false;
      break;
    }
    previous = entry.seq;
  }
  if (inOrder) {
    return [...existing, ...incoming];
  }
  const bySeq = new Map<number, T>();
  for (const entry of existing) {
    bySeq.set(entry.seq, entry);
  }
  let added = false;
  for (const entry of incoming) {
    if (!bySeq.has(entry.seq)) {
      bySeq.set(entry.seq, entry);
      added = true;
    }
  }
  if (!added) {
    return existing;
  }
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
}

const STEP_PHASE: Record<StepStatus, number> = {
  pending: 0,
  queued: 1,
  running: 2,
  succeeded: 3,
  failed: 3,
  skipped: 3,
  cancelled: 3,
  cached: 3,
};

const RUN_PHASE: Record<RunStatus, number> = {
  queued: 0,
  running: 1,
  succeeded: 2,
  failed: 2,
  cancelled: 2,
};

function stepPhase(status: string): number {
  return STEP_PHASE[status as StepStatus] ?? 0;
}

/** Whether (attemptA, statusA) comes strictly before (attemptB, statusB) in a step's life. */
export function isStepBehind(
  a: { attempt: number; status: string },
  b: { attempt: number; status: string },
): boolean {
  if (a.attempt !== b.attempt) {
    return a.attempt < b.attempt;
  }
  return stepPhase(a.status) < stepPhase(b.status);
}

function isRunBehind(a: string, b: string): boolean {
  return (RUN_PHASE[a as RunStatus] ?? 0) < (RUN_PHASE[b as RunStatus] ?? 0);
}

function mergeSnapshot(current: RunDetail | null, snapshot: RunDetail): RunDetail {
  if (current === null || current.id !== snapshot.id) {
    return snapshot;
  }
  const held = new Map(current.steps.map((step) => [step.node_id, step]));
  const steps = snapshot.steps.map((step) => {
    const mine = held.get(step.node_id);
    return mine && isStepBehind(step, mine) ? mine : step;
  });
  if (isRunBehind(snapshot.status, current.status)) {
    return {
      ...snapshot,
      status: current.status,
      error: current.error,
      finished_at: current.finished_at,
      steps,
    };
  }
  return { ...snapshot, steps };
}

const FINISHED_STEP = new Set(['succeeded', 'failed', 'skipped', 'cancelled', 'cached']);

function applyStepEvent(
  step: Step,
  event: Extract<RunEvent, { type: 'step.status' }>,
  at: string,
): Step {
  const attempt = event.attempt ?? step.attempt;
  if (isStepBehind({ attempt, status: event.status }, step)) {
    return step;
  }
  const retried = attempt !== step.attempt;
  const startedAt = retried ? null : step.started_at;
  const finishedAt = retried ? null : step.finished_at;
  return {
    ...step,
    status: event.status,
    attempt,
    progress: event.progress ?? step.progress,
    error_message: event.error === undefined ? step.error_message : (event.error ?? ''),
    worker: event.worker || step.worker,
    queued_at: event.status === 'queued' ? (step.queued_at ?? at) : step.queued_at,
    started_at: event.status === 'running' ? (startedAt ?? at) : startedAt,
    finished_at: FINISHED_STEP.has(event.status) ? (finishedAt ?? at) : finishedAt,
  };
}

function applyToSteps(run: RunDetail, node: string, update: (step: Step) => Step): RunDetail {
  let changed = false;
  const steps = run.steps.map((step) => {
    if (step.node_id !== node) {
      return step;
    }
    const next = update(step);
    changed ||= next !== step;
    return next;
  });
  return changed ? { ...run, steps } : run;
}

function applyStatusEvent(run: RunDetail, event: RunEvent, at: string): RunDetail {
  if (event.type === 'step.status') {
    return applyToSteps(run, event.node, (step) => applyStepEvent(step, event, at));
  }
  if (event.type === 'progress') {
    return applyToSteps(run, event.node, (step) =>
      step.status === 'running' && step.progress !== event.progress
        ? { ...step, progress: event.progress }
        : step,
    );
  }
  if (event.type === 'run.status') {
    if (isRunBehind(event.status, run.status) || event.status === run.status) {
      return run;
    }
    const finished = RUN_PHASE[event.status] === 2;
    return {
      ...run,
      status: event.status,
      error: event.error ?? run.error,
      started_at: run.started_at ?? (event.status === 'running' ? at : null),
      finished_at: finished ? (run.finished_at ?? at) : run.finished_at,
    };
  }
  return run;
}

function withLogs(state: RunEventsState, entries: LogEntry[]): RunEventsState {
  const logs = mergeBySeq(state.logs, entries);
  if (logs === state.logs) {
    return state;
  }
  return { ...state, logs, lastLogSeq: logs[logs.length - 1]?.seq ?? 0 };
}

function withMetrics(state: RunEventsState, points: MetricPoint[]): RunEventsState {
  const metrics = mergeBySeq(state.metrics, points);
  if (metrics === state.metrics) {
    return state;
  }
  return { ...state, metrics, lastMetricSeq: metrics[metrics.length - 1]?.seq ?? 0 };
}

function applyEvents(state: RunEventsState, events: RunEvent[], at: string): RunEventsState {
  const logs: LogEntry[] = [];
  const metrics: MetricPoint[] = [];
  let run = state.run;
  for (const event of events) {
    if (event.type === 'log') {
      logs.push({
        seq: event.seq,
        node: event.node,
        level: event.level,
        message: event.message,
        created_at: event.at ?? at,
      });
    } else if (event.type === 'metric') {
      metrics.push({
        seq: event.seq,
        node: event.node,
        key: event.key,
        value: event.value,
        index: event.index ?? null,
        created_at: event.at ?? at,
      });
    } else if (run !== null) {
      run = applyStatusEvent(run, event, at);
    }
  }
  const next = withMetrics(withLogs(state, logs), metrics);
  return run === state.run ? next : { ...next, run };
}

export function runEventsReducer(state: RunEventsState, action: RunAction): RunEventsState {
  switch (action.type) {
    case 'snapshot':
      return { ...state, run: mergeSnapshot(state.run, action.run) };
    case 'logs':
      return withLogs(state, action.entries);
    case 'metrics':
      return withMetrics(state, action.points);
    case 'events':
      return applyEvents(state, action.events, action.receivedAt);
    case 'reset':
      return initialRunEventsState;
  }
}

const EVENT_TYPES = new Set(['run.status', 'step.status', 'log', 'metric', 'progress']);

/**
 * The run events in one WebSocket message. A snapshot (the first message) is the run's status,
 * its steps' statuses and its latest logs and metrics, so it unfolds into those events; anything
 * that is not an event is dropped.
 */
export function eventsOf(message: unknown): RunEvent[] {
  if (Array.isArray(message)) {
    return message.flatMap(eventsOf);
  }
  if (typeof message !== 'object' || message === null) {
    return [];
  }
  const record = message as Record<string, unknown>;
  if (record.type === 'snapshot') {
    const parts: unknown[] = [];
    if (typeof record.status === 'string') {
      parts.push({ type: 'run.status', status: record.status, error: record.error ?? null });
    }
    for (const key of ['steps', 'logs', 'metrics']) {
      if (Array.isArray(record[key])) {
        parts.push(...(record[key] as unknown[]));
      }
    }
    return parts.flatMap(eventsOf);
  }
  if (Array.isArray(record.events)) {
    return record.events.flatMap(eventsOf);
  }
  if (typeof record.type === 'string' && EVENT_TYPES.has(record.type)) {
    return [record as unknown as RunEvent];
  }
  return [];
}
