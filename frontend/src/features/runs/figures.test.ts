import { describe, expect, it } from 'vitest';

import {
  figureProps,
  formatMetric,
  heatmapProps,
  linesProps,
  metricAxis,
  metricBounds,
  metricCharts,
  metricFamily,
  niceAxis,
  scatterProps,
  seriesColor,
} from './figures';
import { makeMetric } from './testRuns';

describe('heatmapProps (confusion matrix)', () => {
  const figure = heatmapProps({
    type: 'heatmap',
    title: 'Confusion matrix',
    x_label: 'Predicted',
    y_label: 'Actual',
    labels: [0, 1, 2],
    values: [
      [15, 0, 0],
      [0, 8, 7],
      [0, 0, 15],
    ],
  });

  it('keeps the title, axis labels and labels as text', () => {
    expect(figure).toMatchObject({
      title: 'Confusion matrix',
      xLabel: 'Predicted',
      yLabel: 'Actual',
      labels: ['0', '1', '2'],
    });
  });

  it('shades cells by the largest count and shares them by row', () => {
    expect(figure.max).toBe(15);
    expect(figure.rows[0]?.[0]).toEqual({ value: 15, rowShare: 1, intensity: 1 });
    expect(figure.rows[1]?.[2]?.rowShare).toBeCloseTo(7 / 15);
    expect(figure.rows[1]?.[1]?.intensity).toBeCloseTo(8 / 15);
  });

  it('counts the diagonal against the total', () => {
    expect(figure.total).toBe(45);
    expect(figure.diagonal).toBe(38);
  });

  it('draws an empty matrix without dividing by zero', () => {
    const empty = heatmapProps({
      type: 'heatmap',
      title: 'Confusion matrix',
      x_label: 'Predicted',
      y_label: 'Actual',
      labels: ['a'],
      values: [[0]],
    });
    expect(empty.rows[0]?.[0]).toEqual({ value: 0, rowShare: 0, intensity: 0 });
  });
});

describe('linesProps (ROC curve)', () => {
  const roc = linesProps({
    type: 'lines',
    title: 'ROC curve',
    x_label: 'False positive rate',
    y_label: 'True positive rate',
    series: [
      { name: 'class 1 (AUC 0.95)', x: [0, 0.1, 1], y: [0, 0.8, 1] },
      { name: 'class 2', x: [0, 1, 1], y: [0, 1] },
    ],
  });

  it('pairs x and y into points per series, each with its own colour', () => {
    expect(roc.series[0]?.points).toEqual([
      { x: 0, y: 0 },
      { x: 0.1, y: 0.8 },
      { x: 1, y: 1 },
    ]);
    expect(roc.series[1]?.points).toHaveLength(2);
    expect(roc.series[0]?.color).toBe(seriesColor(0));
    expect(roc.series[1]?.color).not.toBe(roc.series[0]?.color);
  });

  it('draws the chance diagonal for rate axes only', () => {
    expect(roc.diagonal).toBe(true);
    const other = linesProps({ ...rocFigure(), x_label: 'epoch', y_label: 'loss' });
    expect(other.diagonal).toBe(false);
  });

  it("passes the figure's note on, or says there is nothing to draw", () => {
    expect(roc.note).toBeNull();
    const noProba = linesProps({ ...rocFigure(), series: [], note: 'no probabilities' });
    expect(noProba.note).toBe('no probabilities');
    expect(linesProps({ ...rocFigure(), series: [] }).note).toBe('Nothing to draw.');
  });

  function rocFigure() {
    return {
      type: 'lines' as const,
      title: 'ROC curve',
      x_label: 'False positive rate',
      y_label: 'True positive rate',
      series: [{ name: 's', x: [0, 1], y: [0, 1] }],
    };
  }
});

describe('scatterProps (residuals)', () => {
  it('centres the y axis on zero around the largest residual', () => {
    const plot = scatterProps({
      type: 'scatter',
      title: 'Residuals',
      x_label: 'Predicted',
      y_label: 'Residual',
      x: [1, 2, 3],
      y: [-4, 2, 10],
    });
    expect(plot.points).toEqual([
      { x: 1, y: -4 },
      { x: 2, y: 2 },
      { x: 3, y: 10 },
    ]);
    expect(plot.yDomain).toEqual([-11, 11]);
  });

  it('drops points that are not numbers', () => {
    const plot = scatterProps({
      type: 'scatter',
      title: 'Residuals',
      x_label: 'Predicted',
      y_label: 'Residual',
      x: [1, Number.NaN],
      y: [0, 1],
    });
    expect(plot.points).toEqual([{ x: 1, y: 0 }]);
    expect(plot.yDomain).toEqual([-1, 1]);
  });
});

describe('figureProps', () => {
  it('dispatches on the figure type and marks unknown ones', () => {
    expect(
      figureProps({ type: 'scatter', title: 't', x_label: 'x', y_label: 'y', x: [], y: [] }).type,
    ).toBe('scatter');
    const unknown = figureProps({ type: 'sankey', title: 'Flows' } as never);
    expect(unknown).toEqual({ type: 'unknown', title: 'Flows' });
  });
});

describe('metricCharts', () => {
  it('charts per-epoch metrics by node and family, one row per epoch', () => {
    const { charts, scalars } = metricCharts([
      makeMetric(1, 'loss', 1.0, 1),
      makeMetric(2, 'val_loss', 1.1, 1),
      makeMetric(3, 'val_accuracy', 0.5, 1),
      makeMetric(4, 'loss', 0.7, 2),
      makeMetric(5, 'val_loss', 0.8, 2),
      makeMetric(6, 'val_accuracy', 0.6, 2),
      makeMetric(7, 'accuracy', 0.9, null, 'evaluate'),
    ]);

    expect(charts.map((chart) => chart.id)).toEqual(['train:loss', 'train:accuracy']);
    expect(charts[0]?.keys).toEqual(['loss', 'val_loss']);
    expect(charts[0]?.rows).toEqual([
      { index: 1, loss: 1.0, val_loss: 1.1 },
      { index: 2, loss: 0.7, val_loss: 0.8 },
    ]);
    expect(scalars).toEqual([{ node: 'evaluate', key: 'accuracy', value: 0.9 }]);
  });

  it('lets a later point replace an earlier one for the same key and index (a retry)', () => {
    const { charts, scalars } = metricCharts([
      makeMetric(1, 'loss', 1.0, 1),
      makeMetric(2, 'f1', 0.1),
      makeMetric(9, 'loss', 0.9, 1),
      makeMetric(10, 'f1', 0.2),
    ]);
    expect(charts[0]?.rows).toEqual([{ index: 1, loss: 0.9 }]);
    expect(scalars).toEqual([{ node: 'train', key: 'f1', value: 0.2 }]);
  });

  it('sorts rows by epoch even when points arrive out of order', () => {
    const { charts } = metricCharts([makeMetric(2, 'loss', 0.5, 3), makeMetric(1, 'loss', 1, 1)]);
    expect(charts[0]?.rows.map((row) => row.index)).toEqual([1, 3]);
  });
});

describe('metricFamily and formatMetric', () => {
  it.each([
    ['val_loss', 'loss'],
    ['train_accuracy', 'accuracy'],
    ['validation.f1', 'f1'],
    ['loss', 'loss'],
    ['value_at_risk', 'value_at_risk'],
  ])('%s belongs with %s', (key, family) => {
    expect(metricFamily(key)).toBe(family);
  });

  it('rounds to four significant digits', () => {
    expect(formatMetric(0.844444)).toBe('0.8444');
    expect(formatMetric(45)).toBe('45');
    expect(formatMetric(null)).toBe('—');
  });
});

describe('metricBounds', () => {
  it.each([
    ['accuracy', { min: 0, max: 1 }],
    ['precision', { min: 0, max: 1 }],
    ['recall_macro', { min: 0, max: 1 }],
    ['f1', { min: 0, max: 1 }],
    ['f1_weighted', { min: 0, max: 1 }],
    ['roc_auc', { min: 0, max: 1 }],
    ['r2', { max: 1 }],
    ['loss', { min: 0 }],
    ['log_loss', { min: 0 }],
    ['rmse', { min: 0 }],
    ['learning_rate', {}],
    ['lossy_count', {}],
  ])('%s', (family, bounds) => {
    expect(metricBounds(family)).toEqual(bounds);
  });
});

describe('niceAxis', () => {
  const isRound = (step: number) =>
    [1, 2, 2.5, 5].some((factor) => {
      const power = 10 ** Math.floor(Math.log10(step));
      return Math.abs(step - factor * power) < power * 1e-9;
    });

  it('gives an accuracy chart round ticks, none above 1', () => {
    const axis = niceAxis([0.7, 0.84, 0.93, 0.99, 1], { min: 0, max: 1 });
    expect(axis).toEqual({ domain: [0.7, 1], ticks: [0.7, 0.8, 0.9, 1] });
  });

  it('starts a loss chart at 0 at the lowest', () => {
    expect(niceAxis([0.05, 0.4, 2.3], { min: 0 })).toEqual({ domain: [0, 3], ticks: [0, 1, 2, 3] });
    expect(niceAxis([0.031, 0.042], { min: 0 })?.ticks).toEqual([0.03, 0.035, 0.04, 0.045]);
  });

  it('widens a single value, still within the bounds', () => {
    expect(niceAxis([1, 1, 1], { min: 0, max: 1 })).toEqual({
      domain: [0.9, 1],
      ticks: [0.9, 0.95, 1],
    });
    expect(niceAxis([0])).toEqual({ domain: [-1, 1], ticks: [-1, -0.5, 0, 0.5, 1] });
  });

  it.each([
    [[0.68, 1.02]],
    [[0.123, 0.456, 0.789]],
    [[-3.2, 14.7]],
    [[1200, 1850]],
    [[0.0001, 0.00042]],
  ])('covers %j with evenly spaced round ticks', (values) => {
    const axis = niceAxis(values);
    expect(axis).not.toBeNull();
    const { domain, ticks } = axis as { domain: [number, number]; ticks: number[] };
    expect(domain[0]).toBeLessThanOrEqual(Math.min(...values));
    expect(domain[1]).toBeGreaterThanOrEqual(Math.max(...values));
    expect(ticks.length).toBeGreaterThanOrEqual(3);
    expect(ticks.length).toBeLessThanOrEqual(7);
    const step = (ticks[1] ?? 0) - (ticks[0] ?? 0);
    expect(isRound(step)).toBe(true);
    for (const tick of ticks) {
      expect(Math.abs(Number((tick / step).toFixed(6)) % 1)).toBe(0);
    }
  });

  it('keeps points that pass the bounds in view', () => {
    expect(niceAxis([-0.2, 0.5], { min: 0, max: 1 })?.domain).toEqual([-0.2, 0.6]);
  });

  it('has no axis for nothing', () => {
    expect(niceAxis([])).toBeNull();
    expect(niceAxis([Number.NaN])).toBeNull();
  });
});

describe('metricAxis', () => {
  it('bounds a chart by its family, over every split', () => {
    const { charts } = metricCharts([
      makeMetric(1, 'accuracy', 0.71, 0),
      makeMetric(2, 'val_accuracy', 0.69, 0),
      makeMetric(3, 'accuracy', 0.98, 1),
      makeMetric(4, 'val_accuracy', 0.95, 1),
    ]);
    expect(charts[0] && metricAxis(charts[0])).toEqual({
      domain: [0.6, 1],
      ticks: [0.6, 0.7, 0.8, 0.9, 1],
    });
  });
});
