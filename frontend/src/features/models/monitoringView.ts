/** Monitoring and drift payloads turned into what the model page shows. Pure, so it is tested. */

import type { SignatureColumn } from '../../api/models';
import type { DriftFeature } from '../../api/monitoring';

/** 0.42 -> "0.42 ms", 12.345 -> "12.3 ms", 1520 -> "1.52 s"; null -> "—". */
export function formatLatency(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || Number.isNaN(ms)) {
    return '—';
  }
  if (ms >= 1000) {
    return `${(ms / 1000).toPrecision(3)} s`;
  }
  if (ms >= 100) {
    return `${Math.round(ms)} ms`;
  }
  return `${Number(ms.toPrecision(ms < 1 ? 2 : 3))} ms`;
}

/** A share as a percentage: 0.0123 -> "1.2%", 0 -> "0%", null -> "—". */
export function formatShare(share: number | null | undefined): string {
  if (share === null || share === undefined || Number.isNaN(share)) {
    return '—';
  }
  if (share === 0) {
    return '0%';
  }
  const percent = share * 100;
  return `${percent < 0.1 ? '<0.1' : percent.toFixed(percent < 10 ? 1 : 0)}%`;
}

/** A PSI for people: three decimals, null when there were no inputs to compare. */
export function formatPsi(psi: number | null | undefined): string {
  return psi === null || psi === undefined || Number.isNaN(psi) ? '—' : psi.toFixed(3);
}

export type Cell = string | number | boolean | null;

function cell(value: unknown): Cell {
  if (value === null || value === undefined) {
    return null;
  }
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
    return value;
  }
  return JSON.stringify(value);
}

/** Sampled request rows as a table: signature columns first, then any other column sent. */
export function sampleTable(
  sample: Record<string, unknown>[],
  signature: SignatureColumn[],
): { columns: string[]; rows: Cell[][] } {
  const columns = signature.map((column) => column.name);
  const known = new Set(columns);
  for (const row of sample) {
    for (const key of Object.keys(row)) {
      if (!known.has(key)) {
        known.add(key);
        columns.push(key);
      }
    }
  }
  return { columns, rows: sample.map((row) => columns.map((column) => cell(row[column]))) };
}

/** A failed predict request, as the monitoring endpoint lists it. */
export interface RecentError {
  createdAt: string | null;
  status: number | null;
  code: string;
  message: string;
}

/** The `recent_errors` entries (untyped JSON in the schema) read defensively. */
export function recentErrors(entries: Record<string, unknown>[]): RecentError[] {
  return entries.map((entry) => ({
    createdAt: typeof entry.created_at === 'string' ? entry.created_at : null,
    status: typeof entry.status === 'number' ? entry.status : null,
    code: typeof entry.error_code === 'string' ? entry.error_code : '',
    message: typeof entry.error === 'string' ? entry.error : '',
  }));
}

/** One bar of the PSI chart: the value sits in `drifted` or `stable`, so each gets its colour. */
export interface PsiBar {
  name: string;
  psi: number;
  stable: number | null;
  drifted: number | null;
}

/** Columns that could be compared, most drifted first. */
export function psiBars(features: DriftFeature[]): PsiBar[] {
  return features
    .filter((feature): feature is DriftFeature & { psi: number } => feature.psi !== null)
    .map((feature) => ({
      name: feature.name,
      psi: feature.psi,
      stable: feature.drift ? null : feature.psi,
      drifted: feature.drift ? feature.psi : null,
    }))
    .sort((a, b) => b.psi - a.psi);
}

/** The features in the order of the version's signature (the order requests send them). */
export function inSignatureOrder(
  features: DriftFeature[],
  signature: SignatureColumn[],
): DriftFeature[] {
  const position = new Map(signature.map((column, index) => [column.name, index]));
  const rank = (feature: DriftFeature) => position.get(feature.name) ?? signature.length;
  return [...features].sort((a, b) => rank(a) - rank(b));
}

const NICE_STEPS = [1, 2, 2.5, 5, 10];

/** The end of the PSI axis: a round number above both the largest PSI and the threshold. */
export function psiAxisMax(largest: number, threshold: number): number {
  const target = Math.max(Number.isFinite(largest) ? largest : 0, threshold * 1.25);
  if (!(target > 0) || !Number.isFinite(target)) {
    return 1;
  }
  const magnitude = 10 ** Math.floor(Math.log10(target));
  const step = NICE_STEPS.find((candidate) => candidate * magnitude >= target) ?? 10;
  return step * magnitude;
}

/** "2 of 5 columns drifted", "No column drifted". */
export function driftSummary(features: DriftFeature[]): string {
  const drifted = features.filter((feature) => feature.drift).length;
  if (drifted === 0) {
    return 'No column drifted';
  }
  const noun = features.length === 1 ? 'column' : 'columns';
  return `${drifted} of ${features.length} ${noun} drifted`;
}
