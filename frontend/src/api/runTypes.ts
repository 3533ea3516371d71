/**
 * Payloads of runs, steps, their logs and metrics, artifacts and pipeline versions: the generated
 * OpenAPI types (schema.d.ts), with the JSON fields the schema leaves open given their shape.
 */

import type { Graph } from '../graph/types';
import type { components } from './schema';

type Schemas = components['schemas'];

export type StepStatus = Schemas['StepStatusEnum'];
export type RunStatus = Schemas['RunStatusEnum'];
export type ArtifactKind = Schemas['StepOutput']['kind'];
export type StepOutput = Schemas['StepOutput'];
export type LogLevel = Schemas['LogLevelEnum'];
export type LogEntry = Schemas['LogEntry'];
export type MetricPoint = Schemas['MetricPoint'];

/** One node's execution within a run (a step copied from a cache has the run it came from). */
export type Step = Omit<Schemas['StepRun'], 'cached_from_run'> & {
  readonly cached_from_run?: number | null;
};

/** What a run was started with: use_cache, from_node, forced_nodes and any parameters. */
export type RunParameters = Record<string, unknown>;

type Authored<T> = Omit<T, 'parameters' | 'created_by'> & {
  readonly parameters: RunParameters;
  readonly created_by: string | null;
};

/** A run as the list shows it. */
export type RunRecord = Authored<Schemas['RunList']>;

/** A run with its steps. */
export type RunDetail = Omit<Authored<Schemas['Run']>, 'steps'> & { readonly steps: Step[] };

export type RunStart = Partial<Schemas['RunStartRequest']>;

export type PipelineDetail = Omit<Schemas['Pipeline'], 'graph'> & { readonly graph: Graph };

export type PipelineVersion = Omit<Schemas['Version'], 'graph'> & {
  readonly graph: Graph;
};

export interface ColumnStats {
  name: string;
  dtype: string;
  nulls: number;
  distinct?: number | null;
  min?: number | string | null;
  max?: number | string | null;
  mean?: number | null;
  std?: number | null;
}

export interface HeatmapFigure {
  type: 'heatmap';
  title: string;
  x_label: string;
  y_label: string;
  labels: (string | number)[];
  values: number[][];
}

export interface LinesFigure {
  type: 'lines';
  title: string;
  x_label: string;
  y_label: string;
  series: { name: string; x: number[]; y: number[] }[];
  note?: string;
}

export interface ScatterFigure {
  type: 'scatter';
  title: string;
  x_label: string;
  y_label: string;
  x: number[];
  y: number[];
}

export type FigureData = HeatmapFigure | LinesFigure | ScatterFigure;

export type CellValue = string | number | boolean | null;

export interface TablePreview {
  kind: 'table';
  columns: string[];
  rows: CellValue[][];
  row_count: number | null;
  stats: ColumnStats[];
  target: string | null;
  lineage: unknown[];
}

export type ArtifactPreview =
  | TablePreview
  | { kind: 'metrics'; data: Record<string, number> }
  | { kind: 'figure'; data: FigureData }
  | { kind: 'model'; metadata: Record<string, unknown> };
