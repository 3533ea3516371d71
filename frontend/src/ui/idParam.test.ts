import { describe, expect, it } from 'vitest';

import { parseIdParam } from './idParam';

describe('parseIdParam', () => {
  it.each([
    ['1', 1],
    ['42', 42],
    ['007', 7],
  ])('reads %s as %s', (value, id) => {
    expect(parseIdParam(value)).toBe(id);
  });

  it.each([undefined, '', 'abc', '0', '-1', '4.2', '1e3', ' 1', '99999999999999999999'])(
    'refuses %j',
    (value) => {
      expect(parseIdParam(value)).toBeNull();
    },
  );
});
