import { describe, expect, it } from 'vitest';

import {
  eventsOf,
  initialRunEventsState,
  isStepBehind,
  mergeBySeq,
  runEventsReducer,
  type RunAction,
  type RunEvent,
  type RunEventsState,
} from './runEvents';
import { makeLog, makeMetric, makeRun, makeStep } from './testRuns';

const AT = '2026-01-01T00:00:05Z';

function reduce(actions: RunAction[], state: RunEventsState = initialRunEventsState) {
  return actions.reduce(runEventsReducer, state);
}

function events(...list: RunEvent[]): RunAction {
  return { type: 'events', events: list, receivedAt: AT };
}

function seqs(entries: { seq: number }[]): number[] {
  return entries.map((entry) => entry.seq);
}

describe('mergeBySeq', () => {
  it('appends entries that come after the last one held, keeping the array when nothing is new', () => {
    const held = [makeLog(1), makeLog(2)];
    expect(seqs(mergeBySeq(held, [makeLog(3), makeLog(5)]))).toEqual([1, 2, 3, 5]);
    expect(mergeBySeq(held, [])).toBe(held);
    expect(mergeBySeq(held, [makeLog(2), makeLog(1)])).toBe(held);
  });

  it('sorts what arrives out of order and drops repeats', () => {
    const merged = mergeBySeq([makeLog(2), makeLog(6)], [makeLog(4), makeLog(6), makeLog(1)]);
    expect(seqs(merged)).toEqual([1, 2, 4, 6]);
  });

  it('keeps the entry it already had when a repeat differs', () => {
    const merged = mergeBySeq([makeLog(3, 'a', 'first')], [makeLog(3, 'a', 'second')]);
    expect(merged[0]?.message).toBe('first');
  });
});

describe('logs and metrics', () => {
  it('keeps live logs in seq order without duplicates, and the cursor at the highest seq', () => {
    const state = reduce([
      events(
        { type: 'log', seq: 3, node: 'train', level: 'info', message: 'c' },
        { type: 'log', seq: 1, node: 'train', level: 'info', message: 'a' },
      ),
      events({ type: 'log', seq: 3, node: 'train', level: 'info', message: 'c again' }),
      events({ type: 'log', seq: 2, node: 'load', level: 'warning', message: 'b', at: AT }),
    ]);

    expect(seqs(state.logs)).toEqual([1, 2, 3]);
    expect(state.logs.map((entry) => entry.message)).toEqual(['a', 'b', 'c']);
    expect(state.lastLogSeq).toBe(3);
    expect(state.logs[1]).toMatchObject({ node: 'load', level: 'warning', created_at: AT });
  });

  it('merges a REST backfill with what the socket already delivered', () => {
    // The socket delivered 5 and 6 before the reconnect's ?after=2 page arrived with 3..6.
    const live = reduce([
      { type: 'logs', entries: [makeLog(1), makeLog(2)] },
      events(
        { type: 'log', seq: 5, node: 'train', level: 'info', message: 'line 5' },
        { type: 'log', seq: 6, node: 'train', level: 'info', message: 'line 6' },
      ),
    ]);
    const backfilled = reduce(
      [{ type: 'logs', entries: [makeLog(3), makeLog(4), makeLog(5), makeLog(6)] }],
      live,
    );

    expect(seqs(backfilled.logs)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(backfilled.lastLogSeq).toBe(6);
  });

  it('leaves the state untouched when a backfill brings nothing new', () => {
    const state = reduce([{ type: 'logs', entries: [makeLog(1)] }]);
    expect(reduce([{ type: 'logs', entries: [makeLog(1)] }], state)).toBe(state);
    expect(reduce([{ type: 'metrics', points: [] }], state)).toBe(state);
  });

  it('keeps metrics and their cursor apart from logs', () => {
    const state = reduce([
      { type: 'logs', entries: [makeLog(1), makeLog(4)] },
      events(
        { type: 'metric', seq: 3, node: 'train', key: 'loss', value: 0.5, index: 2 },
        { type: 'metric', seq: 2, node: 'train', key: 'loss', value: 0.9, index: 1 },
      ),
      { type: 'metrics', points: [makeMetric(2, 'loss', 0.9, 1), makeMetric(5, 'acc', 0.8)] },
    ]);

    expect(seqs(state.metrics)).toEqual([2, 3, 5]);
    expect(state.lastMetricSeq).toBe(5);
    expect(state.lastLogSeq).toBe(4);
    expect(state.metrics[0]).toMatchObject({ key: 'loss', value: 0.9, index: 1 });
  });
});

describe('statuses', () => {
  const queued = makeRun([
    makeStep('load', { status: 'queued', attempt: 1 }),
    makeStep('train', { status: 'pending' }),
  ]);

  it('ignores status events until there is a run to apply them to', () => {
    const state = reduce([events({ type: 'step.status', node: 'load', status: 'running' })]);
    expect(state.run).toBeNull();
  });

  it('moves steps forward and stamps when they started and finished', () => {
    const state = reduce([
      { type: 'snapshot', run: queued },
      events(
        { type: 'step.status', node: 'load', status: 'running', attempt: 1, worker: 'w1' },
        { type: 'progress', node: 'load', progress: 0.5 },
      ),
    ]);
    const load = state.run?.steps[0];
    expect(load).toMatchObject({ status: 'running', progress: 0.5, worker: 'w1', started_at: AT });

    const done = reduce(
      [events({ type: 'step.status', node: 'load', status: 'succeeded', attempt: 1 })],
      state,
    );
    expect(done.run?.steps[0]).toMatchObject({ status: 'succeeded', finished_at: AT });
  });

  it('never moves a step back within an attempt, whatever order events come in', () => {
    const state = reduce([
      { type: 'snapshot', run: queued },
      events({ type: 'step.status', node: 'load', status: 'succeeded', attempt: 1 }),
      events({ type: 'step.status', node: 'load', status: 'running', attempt: 1 }),
      events({ type: 'progress', node: 'load', progress: 0.1 }),
    ]);
    expect(state.run?.steps[0]).toMatchObject({ status: 'succeeded', progress: 0 });
  });

  it('lets a retry (a later attempt) start over', () => {
    const failedOnce = makeRun([
      makeStep('load', {
        status: 'running',
        attempt: 1,
        started_at: '2026-01-01T00:00:01Z',
      }),
    ]);
    const state = reduce([
      { type: 'snapshot', run: failedOnce },
      events({ type: 'step.status', node: 'load', status: 'queued', attempt: 2 }),
    ]);
    expect(state.run?.steps[0]).toMatchObject({ status: 'queued', attempt: 2, started_at: null });
  });

  it('keeps what events said when an older snapshot arrives after them', () => {
    const state = reduce([
      { type: 'snapshot', run: queued },
      events(
        { type: 'step.status', node: 'load', status: 'succeeded', attempt: 1 },
        { type: 'run.status', status: 'failed', error: 'boom' },
      ),
      { type: 'snapshot', run: queued },
    ]);
    expect(state.run?.steps[0]?.status).toBe('succeeded');
    expect(state.run?.status).toBe('failed');
    expect(state.run?.error).toBe('boom');
  });

  it('takes a newer snapshot whole, with its outputs and timings', () => {
    const newer = makeRun(
      [
        makeStep('load', {
          status: 'succeeded',
          attempt: 1,
          finished_at: '2026-01-01T00:00:03Z',
          outputs: [{ id: 9, port: 'table', kind: 'table', size_bytes: 10, digest: 'x' }],
        }),
        makeStep('train', { status: 'queued', attempt: 1 }),
      ],
      { status: 'running' },
    );
    const state = reduce([
      { type: 'snapshot', run: queued },
      { type: 'snapshot', run: newer },
    ]);
    expect(state.run?.steps[0]?.outputs).toHaveLength(1);
    expect(state.run?.steps[1]?.status).toBe('queued');
  });

  it('finishes the run on its final status event and ignores older ones after', () => {
    const state = reduce([
      { type: 'snapshot', run: queued },
      events({ type: 'run.status', status: 'succeeded' }),
      events({ type: 'run.status', status: 'running' }),
    ]);
    expect(state.run?.status).toBe('succeeded');
    expect(state.run?.finished_at).toBe(AT);
  });

  it('starts over on reset', () => {
    const state = reduce([{ type: 'snapshot', run: queued }, { type: 'reset' }]);
    expect(state).toBe(initialRunEventsState);
  });
});

describe('isStepBehind', () => {
  it('orders by attempt, then pending < queued < running < finished', () => {
    expect(isStepBehind({ attempt: 1, status: 'queued' }, { attempt: 1, status: 'running' })).toBe(
      true,
    );
    expect(isStepBehind({ attempt: 1, status: 'failed' }, { attempt: 1, status: 'running' })).toBe(
      false,
    );
    expect(isStepBehind({ attempt: 1, status: 'failed' }, { attempt: 2, status: 'queued' })).toBe(
      true,
    );
  });
});

describe('eventsOf', () => {
  it('unfolds a snapshot into the run status, step statuses, logs and metrics', () => {
    const found = eventsOf({
      type: 'snapshot',
      run: 7,
      status: 'running',
      error: null,
      seq: 4,
      steps: [{ type: 'step.status', run: 7, node: 'load', status: 'running', attempt: 1 }],
      logs: [{ type: 'log', run: 7, node: 'load', seq: 3, level: 'info', message: 'hi' }],
      metrics: [{ type: 'metric', run: 7, node: 'load', seq: 4, key: 'k', value: 1, index: null }],
      earlier_logs: false,
    });
    expect(found.map((event) => event.type)).toEqual([
      'run.status',
      'step.status',
      'log',
      'metric',
    ]);
  });

  it('takes single events, lists and batches, and drops everything else', () => {
    const log = { type: 'log', seq: 1, node: 'a', level: 'info', message: 'x' };
    expect(eventsOf(log)).toHaveLength(1);
    expect(eventsOf([log, log])).toHaveLength(2);
    expect(eventsOf({ type: 'run.events', events: [log] })).toHaveLength(1);
    expect(eventsOf({ type: 'subscribed' })).toEqual([]);
    expect(eventsOf('hello')).toEqual([]);
    expect(eventsOf(null)).toEqual([]);
  });
});
