import { describe, expect, it } from 'vitest';

import {
  hasOutputs,
  isStepFinished,
  runStatusTone,
  STEP_STATUS_STYLES,
  statusLegend,
  stepStatusStyle,
} from './status';

describe('step status styles', () => {
  it('gives every status its own colour', () => {
    const colours = Object.values(STEP_STATUS_STYLES).map((style) => style.color);
    expect(new Set(colours).size).toBe(colours.length);
  });

  it('draws an unknown status as pending instead of failing', () => {
    expect(stepStatusStyle('paused')).toBe(STEP_STATUS_STYLES.pending);
    expect(stepStatusStyle('failed').tone).toBe('danger');
  });

  it('maps run statuses to badge tones', () => {
    expect(runStatusTone('succeeded')).toBe('success');
    expect(runStatusTone('failed')).toBe('danger');
    expect(runStatusTone('running')).toBe('info');
    expect(runStatusTone('something-new')).toBe('neutral');
  });
});

describe('statusLegend', () => {
  it('lists every status in the order a run goes through them, with counts', () => {
    const legend = statusLegend(['succeeded', 'running', 'succeeded', 'pending']);

    expect(legend.map((entry) => entry.status)).toEqual([
      'pending',
      'queued',
      'running',
      'succeeded',
      'cached',
      'failed',
      'skipped',
      'cancelled',
    ]);
    expect(Object.fromEntries(legend.map((entry) => [entry.status, entry.count]))).toMatchObject({
      pending: 1,
      queued: 0,
      running: 1,
      succeeded: 2,
    });
    expect(legend.find((entry) => entry.status === 'failed')?.label).toBe('Failed');
  });
});

describe('finished steps', () => {
  it.each([
    ['succeeded', true, true],
    ['cached', true, true],
    ['failed', true, false],
    ['skipped', true, false],
    ['cancelled', true, false],
    ['running', false, false],
    ['queued', false, false],
    ['pending', false, false],
  ])('%s: finished %s, has outputs %s', (status, finished, outputs) => {
    expect(isStepFinished(status)).toBe(finished);
    expect(hasOutputs(status)).toBe(outputs);
  });
});
