/** Which log lines the log panel shows. */

import type { LogEntry, LogLevel } from '../../api/runTypes';

export const LOG_LEVELS: LogLevel[] = ['debug', 'info', 'warning', 'error'];

const SEVERITY: Record<string, number> = { debug: 0, info: 1, warning: 2, error: 3 };

export interface LogFilter {
  /** A node id, or '' for every node. */
  node: string;
  /** The least severe level shown ('debug' shows everything). */
  minLevel: LogLevel;
  /** Case-insensitive text the message must contain; '' for any. */
  text: string;
}

export const ALL_LOGS: LogFilter = { node: '', minLevel: 'debug', text: '' };

export function severity(level: string): number {
  return SEVERITY[level] ?? 1;
}

export function matchesLog(entry: LogEntry, filter: LogFilter, needle: string): boolean {
  if (filter.node && entry.node !== filter.node) {
    return false;
  }
  if (severity(entry.level) < severity(filter.minLevel)) {
    return false;
  }
  return needle === '' || entry.message.toLowerCase().includes(needle);
}

/** The entries that pass `filter`, in their order; the same array when nothing is filtered. */
export function filterLogs(entries: LogEntry[], filter: LogFilter): LogEntry[] {
  const needle = filter.text.trim().toLowerCase();
  if (!filter.node && filter.minLevel === 'debug' && needle === '') {
    return entries;
  }
  return entries.filter((entry) => matchesLog(entry, filter, needle));
}

/** The last `limit` entries, and how many were left out before them. */
export function tail<T>(entries: T[], limit: number): { shown: T[]; hidden: number } {
  if (entries.length <= limit) {
    return { shown: entries, hidden: 0 };
  }
  return { shown: entries.slice(entries.length - limit), hidden: entries.length - limit };
}
