import { useMemo } from 'react';

import type { MetricPoint } from '../../api/runTypes';
import { MetricChart } from './charts/lazyCharts';
import { formatMetric, metricCharts } from './figures';

/** Per-epoch metrics as live charts, and the single-valued ones as a list, per node. */
export function MetricsPanel({
  metrics,
  labels,
  waiting,
}: {
  metrics: MetricPoint[];
  labels: ReadonlyMap<string, string>;
  waiting: boolean;
}) {
  const { charts, scalars } = useMemo(() => metricCharts(metrics), [metrics]);

  if (charts.length === 0 && scalars.length === 0) {
    return (
      <div className="empty-state">
        <p className="muted">
          {waiting
            ? 'Metrics appear here as the steps report them.'
            : 'This run reported no metrics.'}
        </p>
      </div>
    );
  }

  return (
    <div className="metrics-panel">
      {charts.length > 0 && (
        <div className="chart-grid">
          {charts.map((chart) => (
            <MetricChart
              key={chart.id}
              chart={chart}
              title={`${labels.get(chart.node) ?? chart.node}: ${chart.family}`}
            />
          ))}
        </div>
      )}
      {scalars.length > 0 && (
        <table className="table table--compact scalar-metrics">
          <caption className="visually-hidden">Final metrics</caption>
          <thead>
            <tr>
              <th scope="col">Node</th>
              <th scope="col">Metric</th>
              <th scope="col" className="num">
                Value
              </th>
            </tr>
          </thead>
          <tbody>
            {scalars.map((metric) => (
              <tr key={`${metric.node}:${metric.key}`}>
                <td>{labels.get(metric.node) ?? metric.node}</td>
                <th scope="row" className="mono">
                  {metric.key}
                </th>
                <td className="num">{formatMetric(metric.value)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
