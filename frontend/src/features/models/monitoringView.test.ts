import { describe, expect, it } from 'vitest';

import type { DriftFeature } from '../../api/monitoring';
import {
  driftSummary,
  formatLatency,
  formatPsi,
  formatShare,
  inSignatureOrder,
  psiAxisMax,
  psiBars,
  recentErrors,
  sampleTable,
} from './monitoringView';

describe('formatLatency', () => {
  it.each([
    [null, '—'],
    [0.4231, '0.42 ms'],
    [12.345, '12.3 ms'],
    [250.4, '250 ms'],
    [1520, '1.52 s'],
  ])('%s ms reads %s', (ms, text) => {
    expect(formatLatency(ms)).toBe(text);
  });
});

describe('formatShare', () => {
  it.each([
    [null, '—'],
    [0, '0%'],
    [0.0004, '<0.1%'],
    [0.0123, '1.2%'],
    [0.5, '50%'],
    [1, '100%'],
  ])('%s reads %s', (share, text) => {
    expect(formatShare(share)).toBe(text);
  });
});

describe('formatPsi', () => {
  it('shows three decimals, and a dash when there was nothing to compare', () => {
    expect(formatPsi(0.21345)).toBe('0.213');
    expect(formatPsi(null)).toBe('—');
  });
});

describe('sampleTable', () => {
  it('puts the signature columns first, then any other column sent', () => {
    const table = sampleTable(
      [
        { b: 2, a: 1, extra: 'x' },
        { a: null, b: { nested: true } },
      ],
      [
        { name: 'a', dtype: 'float64' },
        { name: 'b', dtype: 'float64' },
      ],
    );
    expect(table.columns).toEqual(['a', 'b', 'extra']);
    expect(table.rows).toEqual([
      [1, 2, 'x'],
      [null, '{"nested":true}', null],
    ]);
  });
});

describe('recentErrors', () => {
  it('reads the fields it knows and tolerates the rest', () => {
    expect(
      recentErrors([
        {
          created_at: '2026-01-01T00:00:00Z',
          status: 400,
          error_code: 'invalid_row',
          error: 'bad',
        },
        { status: 'n/a' },
      ]),
    ).toEqual([
      { createdAt: '2026-01-01T00:00:00Z', status: 400, code: 'invalid_row', message: 'bad' },
      { createdAt: null, status: null, code: '', message: '' },
    ]);
  });
});

function feature(name: string, psi: number | null, drift = false): DriftFeature {
  return { name, kind: 'numeric', psi, drift, bins: [] };
}

describe('psiBars', () => {
  it('sorts the compared columns by PSI and splits drifted from stable', () => {
    expect(psiBars([feature('a', 0.05), feature('b', 0.4, true), feature('c', null)])).toEqual([
      { name: 'b', psi: 0.4, stable: null, drifted: 0.4 },
      { name: 'a', psi: 0.05, stable: 0.05, drifted: null },
    ]);
  });
});

describe('driftSummary', () => {
  it('counts the drifted columns', () => {
    expect(driftSummary([feature('a', 0.1), feature('b', 0.3, true)])).toBe(
      '1 of 2 columns drifted',
    );
    expect(driftSummary([feature('a', 0.1)])).toBe('No column drifted');
  });
});

describe('inSignatureOrder', () => {
  it('follows the signature, whatever order the report came in, unknown columns last', () => {
    const ordered = inSignatureOrder(
      [feature('extra', 0.1), feature('petal', 0.1), feature('sepal', 0.1)],
      [
        { name: 'sepal', dtype: 'float64' },
        { name: 'petal', dtype: 'float64' },
      ],
    );
    expect(ordered.map((f) => f.name)).toEqual(['sepal', 'petal', 'extra']);
  });
});

describe('psiAxisMax', () => {
  it.each([
    [2.204, 0.2, 2.5],
    [0.803, 0.2, 1],
    [0.05, 0.2, 0.25],
    [0, 0.2, 0.25],
    [14, 0.2, 20],
    [Number.NaN, 0.2, 0.25],
  ])('largest %s, threshold %s: %s', (largest, threshold, end) => {
    expect(psiAxisMax(largest, threshold)).toBeCloseTo(end);
  });
});
