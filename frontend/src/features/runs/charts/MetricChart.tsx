import { useMemo } from 'react';
import {
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';

import {
  formatMetric,
  metricAxis,
  metricFamily,
  seriesColor,
  type MetricChart as Chart,
} from '../figures';

/** One family of per-epoch metrics of one node (loss and val_loss), drawn as they arrive. */
export function MetricChart({ chart, title }: { chart: Chart; title: string }) {
  const last = chart.rows[chart.rows.length - 1];
  const axis = useMemo(() => metricAxis(chart), [chart]);
  return (
    <figure className="chart" aria-label={title}>
      <figcaption className="chart__title">
        {title}
        {last && (
          <span className="chart__latest">
            {chart.keys
              .filter((key) => last[key] !== undefined)
              .map((key) => `${key} ${formatMetric(last[key])}`)
              .join(' · ')}
          </span>
        )}
      </figcaption>
      <ResponsiveContainer width="100%" height={200}>
        <LineChart data={chart.rows} margin={{ top: 4, right: 12, bottom: 18, left: 0 }}>
          <CartesianGrid stroke="#e3e8ee" />
          <XAxis
            dataKey="index"
            type="number"
            domain={['dataMin', 'dataMax']}
            allowDecimals={false}
            label={{ value: 'epoch', position: 'insideBottom', offset: -10 }}
          />
          <YAxis
            type="number"
            domain={axis?.domain ?? ['auto', 'auto']}
            ticks={axis?.ticks}
            tickFormatter={formatMetric}
            width={56}
          />
          <Tooltip
            formatter={(value) => formatMetric(Number(value))}
            labelFormatter={(label) => `epoch ${String(label)}`}
          />
          <Legend verticalAlign="top" height={24} />
          {chart.keys.map((key, index) => (
            <Line
              key={key}
              dataKey={key}
              name={key}
              stroke={seriesColor(index)}
              strokeDasharray={metricFamily(key) !== key ? '5 3' : undefined}
              strokeWidth={2}
              dot={chart.rows.length < 30}
              connectNulls
              isAnimationActive={false}
            />
          ))}
        </LineChart>
      </ResponsiveContainer>
    </figure>
  );
}
