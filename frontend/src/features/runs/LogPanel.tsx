import { useEffect, useId, useLayoutEffect, useMemo, useRef, useState } from 'react';

import type { LogEntry, LogLevel } from '../../api/runTypes';
import { filterLogs, tail, type LogFilter } from './logFilter';

const SHOWN_LINES = 2_000;
const LEVEL_OPTIONS: { value: LogLevel; label: string }[] = [
  { value: 'debug', label: 'All levels' },
  { value: 'info', label: 'Info and above' },
  { value: 'warning', label: 'Warnings and errors' },
  { value: 'error', label: 'Errors only' },
];

const timeFormat = new Intl.DateTimeFormat('en-GB', {
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

function clock(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? '' : timeFormat.format(date);
}

/** The run's log: filtered by node, level and text, following the tail unless scrolled up. */
export function LogPanel({
  logs,
  nodes,
  filter,
  onFilterChange,
  waiting,
}: {
  logs: LogEntry[];
  nodes: { id: string; label: string }[];
  filter: LogFilter;
  onFilterChange: (filter: LogFilter) => void;
  waiting: boolean;
}) {
  const id = useId();
  const [follow, setFollow] = useState(true);
  const viewport = useRef<HTMLDivElement>(null);
  const filtered = useMemo(() => filterLogs(logs, filter), [logs, filter]);
  const { shown, hidden } = tail(filtered, SHOWN_LINES);
  const labels = useMemo(() => new Map(nodes.map((node) => [node.id, node.label])), [nodes]);

  useLayoutEffect(() => {
    const element = viewport.current;
    if (follow && element) {
      element.scrollTop = element.scrollHeight;
    }
  }, [shown, follow]);

  // Scrolling up stops following; scrolling back to the end starts again.
  useEffect(() => {
    const element = viewport.current;
    if (!element) {
      return;
    }
    const onScroll = () => {
      const atEnd = element.scrollHeight - element.scrollTop - element.clientHeight < 24;
      setFollow(atEnd);
    };
    element.addEventListener('scroll', onScroll, { passive: true });
    return () => element.removeEventListener('scroll', onScroll);
  }, []);

  const update = (change: Partial<LogFilter>) => onFilterChange({ ...filter, ...change });

  return (
    <div className="log-panel">
      <div className="toolbar" role="group" aria-label="Log filters">
        <label htmlFor={`${id}-node`}>Node</label>
        <select
          id={`${id}-node`}
          value={filter.node}
          onChange={(event) => update({ node: event.target.value })}
        >
          <option value="">All nodes</option>
          {nodes.map((node) => (
            <option key={node.id} value={node.id}>
              {node.label}
            </option>
          ))}
        </select>
        <label htmlFor={`${id}-level`}>Level</label>
        <select
          id={`${id}-level`}
          value={filter.minLevel}
          onChange={(event) => update({ minLevel: event.target.value as LogLevel })}
        >
          {LEVEL_OPTIONS.map((option) => (
            <option key={option.value} value={option.value}>
              {option.label}
            </option>
          ))}
        </select>
        <label htmlFor={`${id}-text`} className="visually-hidden">
          Search the log
        </label>
        <input
          id={`${id}-text`}
          type="search"
          placeholder="Search…"
          value={filter.text}
          onChange={(event) => update({ text: event.target.value })}
        />
        <span className="toolbar__spacer" />
        <label className="checkbox">
          <input
            type="checkbox"
            checked={follow}
            onChange={(event) => setFollow(event.target.checked)}
          />
          Follow
        </label>
        <span className="muted small" aria-live="polite">
          {filtered.length === logs.length
            ? `${logs.length} lines`
            : `${filtered.length} of ${logs.length} lines`}
        </span>
      </div>
      <div
        ref={viewport}
        className="log-panel__lines"
        role="log"
        aria-live="off"
        aria-label="Run log"
        tabIndex={0}
      >
        {hidden > 0 && (
          <p className="log-line log-line--note">
            {hidden} earlier lines are not shown; narrow the filters to see them.
          </p>
        )}
        {shown.length === 0 && (
          <p className="log-line log-line--note">
            {logs.length === 0
              ? waiting
                ? 'Waiting for the first log line…'
                : 'This run wrote no log lines.'
              : 'No line matches these filters.'}
          </p>
        )}
        {shown.map((entry) => (
          <div key={entry.seq} className={`log-line log-line--${entry.level}`}>
            <time dateTime={entry.created_at}>{clock(entry.created_at)}</time>
            <span className="log-line__node" title={entry.node}>
              {labels.get(entry.node) ?? entry.node}
            </span>
            <span className="log-line__level">{entry.level}</span>
            <span className="log-line__message">{entry.message}</span>
          </div>
        ))}
      </div>
    </div>
  );
}
