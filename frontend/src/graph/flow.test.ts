import type { NodeChange } from '@xyflow/react';
import { describe, expect, it } from 'vitest';

import { sortNodeChanges, type BlockFlowNode } from './flow';

describe('sortNodeChanges', () => {
  it('tells a drag in progress from where a drag or an arrow key left nodes', () => {
    const changes: NodeChange<BlockFlowNode>[] = [
      { type: 'position', id: 'a', position: { x: 10, y: 20 }, dragging: true },
      { type: 'position', id: 'b', position: { x: 30, y: 40 }, dragging: false },
      { type: 'position', id: 'c', position: { x: 50, y: 60 } },
      { type: 'position', id: 'd', dragging: false },
      { type: 'select', id: 'a', selected: true },
      { type: 'dimensions', id: 'a', dimensions: { width: 220, height: 100 } },
    ];
    const sorted = sortNodeChanges(changes);
    expect(sorted.dragging).toEqual(new Map([['a', { x: 10, y: 20 }]]));
    expect(sorted.moved).toEqual(
      new Map([
        ['b', { x: 30, y: 40 }],
        ['c', { x: 50, y: 60 }],
      ]),
    );
    expect(sorted.selected).toEqual(new Map([['a', true]]));
  });
});
