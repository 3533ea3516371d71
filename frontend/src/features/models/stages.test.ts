import { describe, expect, it } from 'vitest';

import type { ModelVersion, Stage } from '../../api/models';
import { archivedByMove, describeArchiving } from './stages';

const version = (number: number, stage: Stage) => ({ version: number, stage }) as ModelVersion;

const VERSIONS = [version(1, 'production'), version(2, 'staging'), version(3, 'none')];

describe('archivedByMove', () => {
  it('names the production version that promoting another archives', () => {
    expect(archivedByMove(VERSIONS, 3, 'production').map((v) => v.version)).toEqual([1]);
  });

  it.each(['none', 'staging', 'archived'] as const)(
    'archives nothing when moving to %s',
    (stage) => {
      expect(archivedByMove(VERSIONS, 3, stage)).toEqual([]);
    },
  );

  it('archives nothing when there is no production version, or it is the one promoted', () => {
    expect(archivedByMove([version(1, 'staging')], 1, 'production')).toEqual([]);
    expect(archivedByMove(VERSIONS, 1, 'production')).toEqual([]);
  });
});

describe('describeArchiving', () => {
  it('says which version leaves production', () => {
    expect(describeArchiving([version(1, 'production')])).toBe(
      'v1 is in production now; it will be archived.',
    );
  });

  it('lists several', () => {
    expect(
      describeArchiving([
        version(1, 'production'),
        version(2, 'production'),
        version(4, 'production'),
      ]),
    ).toBe('v1, v2 and v4 are in production now; they will be archived.');
  });
});
