import { useCallback, useMemo, useRef, useState } from 'react';

import type { Position } from '../../../graph/types';

/**
 * Where the blocks being dragged are. The canvas owns these positions while the drag lasts, so a
 * mouse move redraws the canvas alone; the graph gets them once, when the drag ends.
 */
export interface DragPositions {
  /** The nodes being dragged, by id, at their latest positions. */
  positions: ReadonlyMap<string, Position>;
  /** Some nodes moved while being dragged. */
  move(positions: ReadonlyMap<string, Position>): void;
  /** The drag of these nodes ended: forget them. Returns whether any was being dragged. */
  drop(ids: Iterable<string>): boolean;
}

const NONE: ReadonlyMap<string, Position> = new Map();

export function useDragPositions(): DragPositions {
  const [positions, setPositions] = useState(NONE);
  // The ids being dragged, for the event handlers (the state is for rendering).
  const dragging = useRef(new Set<string>());

  const move = useCallback((moved: ReadonlyMap<string, Position>) => {
    moved.forEach((_, id) => dragging.current.add(id));
    setPositions((now) => new Map([...now, ...moved]));
  }, []);

  const drop = useCallback((ids: Iterable<string>) => {
    const ended = [...ids].filter((id) => dragging.current.delete(id));
    if (ended.length > 0) {
      setPositions((now) => {
        const next = new Map(now);
        ended.forEach((id) => next.delete(id));
        return next.size > 0 ? next : NONE;
      });
    }
    return ended.length > 0;
  }, []);

  return useMemo(() => ({ positions, move, drop }), [positions, move, drop]);
}
