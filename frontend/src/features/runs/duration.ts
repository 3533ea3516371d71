/** Durations of runs and steps: finished ones from their timestamps, running ones until now. */

/** 0.35 -> "350 ms", 4.2 -> "4.2 s", 185 -> "3 min 5 s", 7800 -> "2 h 10 min". */
export function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) {
    return '—';
  }
  if (seconds < 1) {
    return `${Math.round(seconds * 1000)} ms`;
  }
  if (seconds < 59.5) {
    return `${seconds.toFixed(seconds < 10 ? 1 : 0)} s`;
  }
  const whole = Math.round(seconds);
  const minutes = Math.floor(whole / 60);
  if (minutes < 60) {
    return `${minutes} min ${whole % 60} s`;
  }
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** Seconds from `start` to `end` (or to `now` while unfinished); null before it started. */
export function elapsedSeconds(
  start: string | null | undefined,
  end: string | null | undefined,
  now: number,
): number | null {
  if (!start) {
    return null;
  }
  const from = Date.parse(start);
  const to = end ? Date.parse(end) : now;
  if (Number.isNaN(from) || Number.isNaN(to)) {
    return null;
  }
  return Math.max(0, (to - from) / 1000);
}

interface Timed {
  started_at: string | null;
  finished_at: string | null;
}

/** "4.2 s", "running 12 s", or "—" for something that has not started. */
export function describeDuration(item: Timed, now: number): string {
  const seconds = elapsedSeconds(item.started_at, item.finished_at, now);
  if (seconds === null) {
    return '—';
  }
  return item.finished_at ? formatSeconds(seconds) : `${formatSeconds(seconds)} so far`;
}
