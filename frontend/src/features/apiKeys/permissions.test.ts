import { describe, expect, it } from 'vitest';

import { canManageApiKeys } from './permissions';

describe('canManageApiKeys', () => {
  it.each([
    ['owner', true],
    ['editor', true],
    ['viewer', false],
    [null, false],
    [undefined, false],
  ] as const)('%s: %s', (role, allowed) => {
    expect(canManageApiKeys(role)).toBe(allowed);
  });
});
