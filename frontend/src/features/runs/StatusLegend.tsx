import { statusLegend } from './status';

/** The status colours, with how many steps are in each (statuses no step has are left out). */
export function StatusLegend({ statuses }: { statuses: string[] }) {
  const entries = statusLegend(statuses).filter((entry) => entry.count > 0);
  return (
    <ul className="legend" aria-label="Step statuses">
      {entries.map((entry) => (
        <li key={entry.status} title={entry.description}>
          <span className="legend__swatch" style={{ background: entry.color }} aria-hidden="true" />
          {entry.label} <span className="muted">{entry.count}</span>
        </li>
      ))}
    </ul>
  );
}
