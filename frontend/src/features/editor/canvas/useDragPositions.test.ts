import { act, renderHook } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import { useDragPositions } from './useDragPositions';

describe('useDragPositions', () => {
  it('holds the positions of the nodes being dragged until they are dropped', () => {
    const { result } = renderHook(() => useDragPositions());
    act(() => result.current.move(new Map([['a', { x: 1, y: 2 }]])));
    act(() =>
      result.current.move(
        new Map([
          ['a', { x: 3, y: 4 }],
          ['b', { x: 5, y: 6 }],
        ]),
      ),
    );
    expect(result.current.positions).toEqual(
      new Map([
        ['a', { x: 3, y: 4 }],
        ['b', { x: 5, y: 6 }],
      ]),
    );
    let dropped = false;
    act(() => {
      dropped = result.current.drop(['a', 'b']);
    });
    expect(dropped).toBe(true);
    expect(result.current.positions.size).toBe(0);
  });

  it('tells a drop from a move that was not dragged (an arrow key)', () => {
    const { result } = renderHook(() => useDragPositions());
    const before = result.current;
    let dropped = true;
    act(() => {
      dropped = result.current.drop(['a']);
    });
    expect(dropped).toBe(false);
    expect(result.current).toBe(before);
  });
});
