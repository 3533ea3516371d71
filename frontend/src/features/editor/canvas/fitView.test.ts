import { describe, expect, it } from 'vitest';

import { FIT_PADDING_PX, layoutWidth, READABLE_ZOOM, readableViewport } from './fitView';

const { top, right, bottom, left } = FIT_PADDING_PX;

describe('readableViewport', () => {
  it('centres a small graph at 100%, no larger', () => {
    const viewport = readableViewport({ x: 0, y: 0, width: 200, height: 100 }, 800, 600);
    expect(viewport.zoom).toBe(1);
    expect(viewport.x).toBe(left + (800 - left - right - 200) / 2);
    expect(viewport.y).toBe(top + (600 - top - bottom - 100) / 2);
  });

  it('zooms out to fit a graph while it stays readable', () => {
    const viewport = readableViewport(
      { x: 100, y: 50, width: 1000, height: 200 },
      800 + left + right,
      600,
    );
    expect(viewport.zoom).toBeCloseTo(0.8);
    expect(viewport.x).toBeCloseTo(left - 100 * 0.8);
  });

  it('shows a graph too large to read whole from its top-left corner, at the readable minimum', () => {
    const viewport = readableViewport({ x: -40, y: 20, width: 3000, height: 2000 }, 735, 600);
    expect(viewport.zoom).toBe(READABLE_ZOOM);
    expect(viewport.x).toBe(left + 40 * READABLE_ZOOM);
    expect(viewport.y).toBe(top - 20 * READABLE_ZOOM);
  });

  it('gives the layout width that fits the canvas at the readable zoom', () => {
    expect(layoutWidth(735) * READABLE_ZOOM).toBeCloseTo(735 - left - right);
  });
});
