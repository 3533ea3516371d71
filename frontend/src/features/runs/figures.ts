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

/** Limits a metric cannot pass; a missing side is open. */
export interface MetricBounds {
  min?: number;
  max?: number;
}

const SCORES = new Set([
  'accuracy',
  'acc',
  'balanced_accuracy',
  'precision',
  'recall',
  'f1',
  'f1_score',
  'roc_auc',
  'auc',
  'pr_auc',
  'average_precision',
]);
const LOSSES = /(^|_)(loss|mse|rmse|mae|msle|log_loss|cross_entropy|error)$/;

/**
 * The bounds of metric family `family`: scores (accuracy, precision, recall, f1, roc_auc) lie
 * in [0, 1], r2 is at most 1, losses and errors are at least 0. "f1_macro" counts as f1.
 */
export function metricBounds(family: string): MetricBounds {
  const name = family.toLowerCase().replace(/[\s.-]+/g, '_');
  const base = name.replace(/_(macro|micro|weighted|binary|samples|ovr|ovo)$/, '');
  if (SCORES.has(base)) {
    return { min: 0, max: 1 };
  }
  if (base === 'r2' || base === 'r2_score') {
    return { max: 1 };
  }
  if (LOSSES.test(name)) {
    return { min: 0 };
  }
  return {};
}

export interface Axis {
  domain: [number, number];
  ticks: number[];
}

/** The smallest of 1, 2, 2.5 and 5 times a power of ten that is at least `raw`. */
function niceStep(raw: number): number {
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].find((factor) => factor * power >= raw * (1 - 1e-9)) ?? 10;
  return step * power;
}

/** `value` without the float noise of repeated steps (0.30000000000000004 -> 0.3). */
function clean(value: number, step: number): number {
  const decimals = Math.max(0, -Math.floor(Math.log10(step)) + 2);
  return Number(value.toFixed(Math.min(decimals, 20)));
}

/**
 * A y axis for `values`: the range widened to round numbers, with about `count` ticks at round
 * steps (1, 2, 2.5 or 5 times a power of ten), kept within `bounds`. Null when there is nothing
 * to draw.
 */
export function niceAxis(values: number[], bounds: MetricBounds = {}, count = 5): Axis | null {
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) {
    return null;
  }
  const least = Math.min(...finite);
  const most = Math.max(...finite);
  let lo = least;
  let hi = most;
  if (lo === hi) {
    const pad = lo === 0 ? 1 : Math.abs(lo) * 0.1;
    lo -= pad;
    hi += pad;
  }
  const step = niceStep((hi - lo) / Math.max(1, count - 1));
  let start = clean(Math.floor(lo / step + 1e-9) * step, step);
  let end = clean(Math.ceil(hi / step - 1e-9) * step, step);
  // A bound the data itself passes (a mislabelled metric) would hide points: keep them.
  if (bounds.min !== undefined && least >= bounds.min) {
    start = Math.max(start, bounds.min);
  }
  if (bounds.max !== undefined && most <= bounds.max) {
    end = Math.min(end, bounds.max);
  }
  const ticks: number[] = [];
  for (let tick = Math.ceil(start / step - 1e-9); tick * step <= end + step * 1e-9; tick += 1) {
    ticks.push(clean(tick * step, step));
  }
  return { domain: [start, end], ticks };
}

/** The y axis of a metric chart: round ticks, within what the metric can take. */
export function metricAxis(chart: MetricChart): Axis | null {
  const values = chart.rows.flatMap((row) =>
    chart.keys.map((key) => row[key]).filter((value) => value !== undefined),
  );
  return niceAxis(values, metricBounds(chart.family));
}
