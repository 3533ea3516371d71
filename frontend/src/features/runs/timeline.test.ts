import { describe, expect, it } from 'vitest';

import { makeStep } from './testRuns';
import { tickLabel, timelineLayout, timelineTicks } from './timeline';

const T0 = Date.parse('2026-01-01T00:00:00Z');
const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();

describe('timelineLayout', () => {
  it('spans from the first queue to the last finish, with bars as fractions', () => {
    const layout = timelineLayout(
      [
        makeStep('load', {
          status: 'succeeded',
          queued_at: at(0),
          started_at: at(1),
          finished_at: at(3),
        }),
        makeStep('train', {
          status: 'succeeded',
          queued_at: at(3),
          started_at: at(3),
          finished_at: at(10),
        }),
        makeStep('publish', { status: 'skipped' }),
      ],
      T0 + 60_000,
    );

    expect(layout.start).toBe(T0);
    expect(layout.end).toBe(T0 + 10_000);
    const [load, train, publish] = layout.bars;
    expect(load).toMatchObject({
      queued: { from: 0, to: 0.1 },
      ran: { from: 0.1, to: 0.3 },
      seconds: 2,
    });
    expect(train).toMatchObject({ queued: null, ran: { from: 0.3, to: 1 }, seconds: 7 });
    expect(publish).toMatchObject({ queued: null, ran: null, seconds: null, status: 'skipped' });
  });

  it('stretches a running step until now', () => {
    const layout = timelineLayout(
      [makeStep('train', { status: 'running', queued_at: at(0), started_at: at(2) })],
      T0 + 4_000,
    );
    expect(layout.end).toBe(T0 + 4_000);
    expect(layout.bars[0]).toMatchObject({ ran: { from: 0.5, to: 1 }, seconds: 2 });
  });

  it('has an empty, valid span before anything is queued', () => {
    const layout = timelineLayout([makeStep('load')], T0);
    expect(layout.end).toBeGreaterThan(layout.start);
    expect(layout.bars[0]).toMatchObject({ queued: null, ran: null });
  });
});

describe('timelineTicks', () => {
  it('picks round steps', () => {
    expect(timelineTicks(10)).toEqual([0, 2, 4, 6, 8, 10]);
    expect(timelineTicks(0.9)).toEqual([0, 0.2, 0.4, 0.6, 0.8]);
    expect(timelineTicks(240)).toEqual([0, 50, 100, 150, 200]);
    expect(timelineTicks(0)).toEqual([0]);
  });
});

describe('tickLabel', () => {
  it('keeps labels short', () => {
    expect(tickLabel(0)).toBe('0');
    expect(tickLabel(0.2)).toBe('0.2 s');
    expect(tickLabel(50)).toBe('50 s');
    expect(tickLabel(90)).toBe('1 min 30 s');
  });
});
