/** Figure artifacts and metric points turned into what the charts draw. Pure, so it is tested. */

import type {
  FigureData,
  HeatmapFigure,
  LinesFigure,
  MetricPoint,
  ScatterFigure,
} from '../../api/runTypes';

export const SERIES_COLORS = [
  '#1d5fb8',
  '#c2410c',
  '#0f766e',
  '#7c3aed',
  '#b42318',
  '#4d7c0f',
  '#a16207',
  '#be185d',
];

export function seriesColor(index: number): string {
  return SERIES_COLORS[index % SERIES_COLORS.length] ?? '#1d5fb8';
}

export interface HeatmapCell {
  value: number;
  /** The value as a share of its row (for a confusion matrix: of the actual class). */
  rowShare: number;
  /** 0..1, how dark the cell is drawn. */
  intensity: number;
}

export interface HeatmapProps {
  title: string;
  xLabel: string;
  yLabel: string;
  labels: string[];
  rows: HeatmapCell[][];
  max: number;
  total: number;
  diagonal: number;
}

export function heatmapProps(figure: HeatmapFigure): HeatmapProps {
  const labels = figure.labels.map(String);
  const values = figure.values.map((row) => row.map((value) => Number(value) || 0));
  const max = Math.max(0, ...values.flat());
  let total = 0;
  let diagonal = 0;
  const rows = values.map((row, rowIndex) => {
    const rowTotal = row.reduce((sum, value) => sum + value, 0);
    total += rowTotal;
    diagonal += row[rowIndex] ?? 0;
    return row.map((value) => ({
      value,
      rowShare: rowTotal > 0 ? value / rowTotal : 0,
      intensity: max > 0 ? value / max : 0,
    }));
  });
  return {
    title: figure.title,
    xLabel: figure.x_label,
    yLabel: figure.y_label,
    labels,
    rows,
    max,
    total,
    diagonal,
  };
}

export interface Point {
  x: number;
  y: number;
}

export interface ChartSeries {
  name: string;
  color: string;
  points: Point[];
}

export interface LinesProps {
  title: string;
  xLabel: string;
  yLabel: string;
  series: ChartSeries[];
  note: string | null;
  /** Draw the chance line y = x (ROC curves). */
  diagonal: boolean;
}

function zip(xs: number[], ys: number[]): Point[] {
  const length = Math.min(xs.length, ys.length);
  const points: Point[] = [];
  for (let i = 0; i < length; i += 1) {
    const x = Number(xs[i]);
    const y = Number(ys[i]);
    if (Number.isFinite(x) && Number.isFinite(y)) {
      points.push({ x, y });
    }
  }
  return points;
}

export function linesProps(figure: LinesFigure): LinesProps {
  const series = (figure.series ?? []).map((one, index) => ({
    name: one.name,
    color: seriesColor(index),
    points: zip(one.x, one.y),
  }));
  const rates = /positive rate/i;
  return {
    title: figure.title,
    xLabel: figure.x_label,
    yLabel: figure.y_label,
    series,
    note: figure.note ?? (series.length === 0 ? 'Nothing to draw.' : null),
    diagonal: rates.test(figure.x_label) && rates.test(figure.y_label),
  };
}

export interface ScatterProps {
  title: string;
  xLabel: string;
  yLabel: string;
  points: Point[];
  /** y from -m to m, so that a residual plot is centred on zero. */
  yDomain: [number, number];
}

export function scatterProps(figure: ScatterFigure): ScatterProps {
  const points = zip(figure.x, figure.y);
  const reach = Math.max(0, ...points.map((point) => Math.abs(point.y)));
  const bound = reach === 0 ? 1 : Number((reach * 1.05).toPrecision(2));
  return {
    title: figure.title,
    xLabel: figure.x_label,
    yLabel: figure.y_label,
    points,
    yDomain: [-bound, bound],
  };
}

export type FigureProps =
  | ({ type: 'heatmap' } & HeatmapProps)
  | ({ type: 'lines' } & LinesProps)
  | ({ type: 'scatter' } & ScatterProps)
  | { type: 'unknown'; title: string };

export function figureProps(figure: FigureData): FigureProps {
  switch (figure.type) {
    case 'heatmap':
      return { type: 'heatmap', ...heatmapProps(figure) };
    case 'lines':
      return { type: 'lines', ...linesProps(figure) };
    case 'scatter':
      return { type: 'scatter', ...scatterProps(figure) };
    default:
      return { type: 'unknown', title: (figure as { title?: string }).title ?? 'Figure' };
  }
}

const SPLIT_PREFIX = /^(val|valid|validation|train|training|test)[_./-]/i;

/** "val_accuracy" -> "accuracy": keys that differ only by their split share a chart. */
export function metricFamily(key: string): string {
  return key.replace(SPLIT_PREFIX, '');
}

export interface MetricChart {
  /** Stable id: node and family. */
  id: string;
  node: string;
  family: string;
  keys: string[];
  /** One row per index (epoch): {index, [key]: value}. */
  rows: Record<string, number>[];
}

export interface ScalarMetric {
  node: string;
  key: string;
  value: number;
}

/**
 * Metric points (sorted by seq) as charts of the per-epoch ones, one per node and family, and
 * the latest value of the others. A later point for the same key and index replaces an earlier
 * one (a retried step reports again).
 */
export function metricCharts(points: MetricPoint[]): {
  charts: MetricChart[];
  scalars: ScalarMetric[];
} {
  const charts = new Map<
    string,
    { node: string; family: string; keys: string[]; byIndex: Map<number, Record<string, number>> }
  >();
  const scalars = new Map<string, ScalarMetric>();
  for (const point of points) {
    if (point.index === null || point.index === undefined) {
      scalars.set(`${point.node}\u0000${point.key}`, {
        node: point.node,
        key: point.key,
        value: point.value,
      });
      continue;
    }
    const family = metricFamily(point.key);
    const id = `${point.node}:${family}`;
    let chart = charts.get(id);
    if (!chart) {
      chart = { node: point.node, family, keys: [], byIndex: new Map() };
      charts.set(id, chart);
    }
    if (!chart.keys.includes(point.key)) {
      chart.keys.push(point.key);
    }
    let row = chart.byIndex.get(point.index);
    if (!row) {
      row = { index: point.index };
      chart.byIndex.set(point.index, row);
    }
    row[point.key] = point.value;
  }
  return {
    charts: [...charts.entries()].map(([id, chart]) => ({
      id,
      node: chart.node,
      family: chart.family,
      keys: [...chart.keys].sort((a, b) => a.length - b.length || a.localeCompare(b)),
      rows: [...chart.byIndex.entries()].sort(([a], [b]) => a - b).map(([, row]) => row),
    })),
    scalars: [...scalars.values()],
  };
}

const numberFormat = new Intl.NumberFormat('en-US', { maximumSignificantDigits: 4 });

/** A metric value for people: 0.84444 -> "0.8444", 45 -> "45". */
export function formatMetric(value: number | null | undefined): string {
  if (value === null || value === undefined || Number.isNaN(value)) {
    return '—';
  }
  return numberFormat.format(value);
}
