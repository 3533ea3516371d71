import { describe, expect, it } from 'vitest';

import type { Stage } from '../../api/models';
import { chosenVersion, servingVersion } from './versionChoice';

const v = (version: number, stage: Stage = 'none') => ({ version, stage });

describe('servingVersion', () => {
  it('is the production version when there is one', () => {
    expect(servingVersion([v(3), v(2, 'production'), v(1)])).toEqual(v(2, 'production'));
  });

  it('is the newest version otherwise, whatever the order', () => {
    expect(servingVersion([v(1), v(3, 'staging'), v(2, 'archived')])).toEqual(v(3, 'staging'));
  });

  it('is undefined for no versions', () => {
    expect(servingVersion([])).toBeUndefined();
  });
});

describe('chosenVersion', () => {
  const versions = [v(3), v(2, 'production'), v(1)];

  it('takes the version asked for', () => {
    expect(chosenVersion(versions, '1')).toEqual(v(1));
  });

  it.each([null, '', 'x', '9', '-1'])('falls back to the serving version for %j', (param) => {
    expect(chosenVersion(versions, param)).toEqual(v(2, 'production'));
  });
});
