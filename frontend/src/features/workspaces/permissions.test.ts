import { describe, expect, it } from 'vitest';

import { canManageApiKeys, canSetModelStage } from './permissions';

describe.each([
  ['canManageApiKeys', canManageApiKeys],
  ['canSetModelStage', canSetModelStage],
])('%s', (_, allowed) => {
  it.each([
    ['owner', true],
    ['editor', true],
    ['viewer', false],
    [null, false],
    [undefined, false],
  ] as const)('%s: %s', (role, expected) => {
    expect(allowed(role)).toBe(expected);
  });
});
