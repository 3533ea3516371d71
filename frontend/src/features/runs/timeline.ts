/** The Gantt-like timeline of a run's steps: where each bar starts and ends, as fractions. */

import type { Step } from '../../api/runTypes';
import { formatSeconds } from './duration';

export interface TimelineBar {
  node: string;
  status: string;
  /** Fractions of the timeline's span, 0..1; null when the step never waited or never ran. */
  queued: { from: number; to: number } | null;
  ran: { from: number; to: number } | null;
  /** Seconds the step ran (until now for a running one), null when it did not. */
  seconds: number | null;
}

export interface TimelineLayout {
  /** Epoch milliseconds of the left and right edges. */
  start: number;
  end: number;
  bars: TimelineBar[];
}

function time(value: string | null): number | null {
  if (!value) {
    return null;
  }
  const parsed = Date.parse(value);
  return Number.isNaN(parsed) ? null : parsed;
}

/** Bars for `steps` (in the order given), on a span from the first queue to the last finish. */
export function timelineLayout(steps: Step[], now: number): TimelineLayout {
  const starts: number[] = [];
  const ends: number[] = [];
  for (const step of steps) {
    const queued = time(step.queued_at);
    const started = time(step.started_at);
    const finished = time(step.finished_at);
    for (const value of [queued, started]) {
      if (value !== null) {
        starts.push(value);
      }
    }
    if (finished !== null) {
      ends.push(finished);
    } else if (started !== null || queued !== null) {
      ends.push(Math.max(now, started ?? queued ?? now));
    }
  }
  const start = starts.length > 0 ? Math.min(...starts) : now;
  const end = Math.max(start + 1, ...ends);
  const span = end - start;
  const at = (value: number) => Math.min(1, Math.max(0, (value - start) / span));

  const bars = steps.map((step): TimelineBar => {
    const queued = time(step.queued_at);
    const started = time(step.started_at);
    const finished = time(step.finished_at);
    const stop = finished ?? now;
    return {
      node: step.node_id,
      status: step.status,
      queued:
        queued !== null && (started ?? stop) > queued
          ? { from: at(queued), to: at(started ?? stop) }
          : null,
      ran: started !== null ? { from: at(started), to: at(Math.max(started, stop)) } : null,
      seconds: started !== null ? Math.max(0, (stop - started) / 1000) : null,
    };
  });
  return { start, end, bars };
}

/** A tick's label: "0", "2.5 s", "1 min 30 s". */
export function tickLabel(seconds: number): string {
  if (seconds === 0) {
    return '0';
  }
  if (seconds < 60) {
    return `${Number(seconds.toPrecision(3))} s`;
  }
  return formatSeconds(seconds);
}

/** Tick positions for the time axis: a few round numbers of seconds across `spanSeconds`. */
export function timelineTicks(spanSeconds: number, count = 5): number[] {
  if (!(spanSeconds > 0)) {
    return [0];
  }
  const raw = spanSeconds / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step =
    [1, 2, 5].map((m) => m * magnitude).find((candidate) => candidate >= raw) ?? 10 * magnitude;
  const ticks: number[] = [];
  for (let value = 0; value <= spanSeconds + 1e-9; value += step) {
    ticks.push(Number(value.toPrecision(6)));
  }
  return ticks;
}
