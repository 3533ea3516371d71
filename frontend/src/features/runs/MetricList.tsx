import { formatMetric } from './figures';

/** Metrics by name, each value formatted as the run view shows it; the list's look is `className`. */
export function MetricList({
  entries,
  className,
}: {
  entries: readonly [string, number][];
  className: string;
}) {
  return (
    <dl className={className}>
      {entries.map(([key, value]) => (
        <div key={key}>
          <dt>{key}</dt>
          <dd>{typeof value === 'number' ? formatMetric(value) : String(value)}</dd>
        </div>
      ))}
    </dl>
  );
}
