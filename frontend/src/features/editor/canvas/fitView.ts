import type { FitViewOptions } from '@xyflow/react';

/** The smallest zoom "zoom to fit" goes to: block text stays readable; larger graphs scroll. */
export const READABLE_ZOOM = 0.75;

/**
 * Room kept around a fitted graph, in screen pixels: ports stay clear of the band along the
 * edges where dragging a connection pans the canvas (40 px), and the minimap (bottom right)
 * covers no block.
 */
export const FIT_PADDING_PX = { top: 48, right: 56, bottom: 104, left: 56 };

/** React Flow's own fitView with the same limits, for when the canvas has not been measured. */
export const FIT_VIEW = {
  padding: {
    top: `${FIT_PADDING_PX.top}px`,
    right: `${FIT_PADDING_PX.right}px`,
    bottom: `${FIT_PADDING_PX.bottom}px`,
    left: `${FIT_PADDING_PX.left}px`,
  },
  minZoom: READABLE_ZOOM,
  maxZoom: 1,
} satisfies FitViewOptions;

/** The widest an auto-layout may be (flow units) to fit a canvas `width` pixels wide when read. */
export function layoutWidth(width: number): number {
  return Math.max(0, width - FIT_PADDING_PX.left - FIT_PADDING_PX.right) / READABLE_ZOOM;
}

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface Viewport {
  x: number;
  y: number;
  zoom: number;
}

/**
 * Where to look at a graph with `bounds` (flow units) on a canvas `width` x `height` pixels:
 * the whole graph, centred, when it fits at a readable zoom (at most 100%); else the readable
 * minimum, showing the graph from its top-left corner (where data enters) to pan on from.
 */
export function readableViewport(bounds: Box, width: number, height: number): Viewport {
  const roomX = Math.max(1, width - FIT_PADDING_PX.left - FIT_PADDING_PX.right);
  const roomY = Math.max(1, height - FIT_PADDING_PX.top - FIT_PADDING_PX.bottom);
  const fit = Math.min(roomX / Math.max(bounds.width, 1), roomY / Math.max(bounds.height, 1));
  const zoom = Math.min(1, Math.max(READABLE_ZOOM, fit));
  const place = (start: number, size: number, room: number, padding: number) => {
    const shown = size * zoom;
    return (shown <= room ? padding + (room - shown) / 2 : padding) - start * zoom;
  };
  return {
    x: place(bounds.x, bounds.width, roomX, FIT_PADDING_PX.left),
    y: place(bounds.y, bounds.height, roomY, FIT_PADDING_PX.top),
    zoom,
  };
}
