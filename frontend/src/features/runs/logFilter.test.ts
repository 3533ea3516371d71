import { describe, expect, it } from 'vitest';

import type { LogEntry } from '../../api/runTypes';
import { ALL_LOGS, filterLogs, tail } from './logFilter';

function line(seq: number, node: string, level: LogEntry['level'], message: string): LogEntry {
  return { seq, node, level, message, created_at: '2026-01-01T00:00:00Z' };
}

const LOGS = [
  line(1, 'load', 'info', 'loaded 150 rows'),
  line(2, 'load', 'debug', 'reading parquet'),
  line(3, 'train', 'info', 'epoch 1 loss 0.9'),
  line(4, 'train', 'warning', 'Loss is not decreasing'),
  line(5, 'train', 'error', 'CUDA out of memory'),
];

describe('filterLogs', () => {
  it('returns the same array when nothing is filtered', () => {
    expect(filterLogs(LOGS, ALL_LOGS)).toBe(LOGS);
  });

  it('keeps one node', () => {
    const shown = filterLogs(LOGS, { ...ALL_LOGS, node: 'train' });
    expect(shown.map((entry) => entry.seq)).toEqual([3, 4, 5]);
  });

  it('keeps a level and everything more severe', () => {
    expect(filterLogs(LOGS, { ...ALL_LOGS, minLevel: 'info' }).map((e) => e.seq)).toEqual([
      1, 3, 4, 5,
    ]);
    expect(filterLogs(LOGS, { ...ALL_LOGS, minLevel: 'warning' }).map((e) => e.seq)).toEqual([
      4, 5,
    ]);
    expect(filterLogs(LOGS, { ...ALL_LOGS, minLevel: 'error' }).map((e) => e.seq)).toEqual([5]);
  });

  it('matches text case-insensitively, trimmed, combined with the other filters', () => {
    const shown = filterLogs(LOGS, { node: 'train', minLevel: 'debug', text: '  LOSS ' });
    expect(shown.map((entry) => entry.seq)).toEqual([3, 4]);
  });

  it('keeps the order it was given', () => {
    const reversed = [...LOGS].reverse();
    expect(filterLogs(reversed, { ...ALL_LOGS, node: 'load' }).map((e) => e.seq)).toEqual([2, 1]);
  });
});

describe('tail', () => {
  it('keeps the last entries and counts the rest', () => {
    expect(tail([1, 2, 3, 4, 5], 2)).toEqual({ shown: [4, 5], hidden: 3 });
    expect(tail([1, 2], 5)).toEqual({ shown: [1, 2], hidden: 0 });
  });
});
