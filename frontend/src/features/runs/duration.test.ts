import { describe, expect, it } from 'vitest';

import { describeDuration, elapsedSeconds, formatSeconds } from './duration';

describe('formatSeconds', () => {
  it.each([
    [0, '0 ms'],
    [0.35, '350 ms'],
    [1, '1.0 s'],
    [4.24, '4.2 s'],
    [12.6, '13 s'],
    [59.4, '59 s'],
    [60, '1 min 0 s'],
    [185, '3 min 5 s'],
    [59.7, '1 min 0 s'],
    [3599.6, '1 h 0 min'],
    [7800, '2 h 10 min'],
  ])('%s s reads "%s"', (seconds, text) => {
    expect(formatSeconds(seconds)).toBe(text);
  });

  it('shows a dash for what is not a duration', () => {
    expect(formatSeconds(-1)).toBe('—');
    expect(formatSeconds(Number.NaN)).toBe('—');
  });
});

describe('elapsedSeconds', () => {
  const now = Date.parse('2026-01-01T00:01:00Z');

  it('measures from start to end', () => {
    expect(elapsedSeconds('2026-01-01T00:00:00Z', '2026-01-01T00:00:04.5Z', now)).toBe(4.5);
  });

  it('measures until now while unfinished', () => {
    expect(elapsedSeconds('2026-01-01T00:00:30Z', null, now)).toBe(30);
  });

  it('is null before it started, and never negative', () => {
    expect(elapsedSeconds(null, null, now)).toBeNull();
    expect(elapsedSeconds('2026-01-01T00:02:00Z', null, now)).toBe(0);
  });
});

describe('describeDuration', () => {
  const now = Date.parse('2026-01-01T00:00:10Z');

  it('says so while a run is still going', () => {
    const running = { started_at: '2026-01-01T00:00:00Z', finished_at: null };
    expect(describeDuration(running, now)).toBe('10 s so far');
  });

  it('gives the duration of a finished one', () => {
    const finished = { started_at: '2026-01-01T00:00:00Z', finished_at: '2026-01-01T00:00:02Z' };
    expect(describeDuration(finished, now)).toBe('2.0 s');
  });

  it('is a dash for one that has not started', () => {
    expect(describeDuration({ started_at: null, finished_at: null }, now)).toBe('—');
  });
});
