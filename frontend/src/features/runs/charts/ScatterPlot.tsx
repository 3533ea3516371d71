import {
  CartesianGrid,
  ReferenceLine,
  ResponsiveContainer,
  Scatter,
  ScatterChart,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';

import { formatMetric, type ScatterProps } from '../figures';

/** A scatter figure (residuals against predictions), centred on zero. */
export function ScatterPlot({ figure }: { figure: ScatterProps }) {
  return (
    <figure className="chart" aria-label={figure.title}>
      <figcaption className="chart__title">{figure.title}</figcaption>
      {figure.points.length === 0 ? (
        <p className="chart__note">Nothing to draw.</p>
      ) : (
        <ResponsiveContainer width="100%" height={260}>
          <ScatterChart margin={{ top: 8, right: 16, bottom: 24, left: 12 }}>
            <CartesianGrid stroke="#e3e8ee" />
            <XAxis
              type="number"
              dataKey="x"
              name={figure.xLabel}
              domain={['auto', 'auto']}
              tickFormatter={formatMetric}
              label={{ value: figure.xLabel, position: 'insideBottom', offset: -14 }}
            />
            <YAxis
              type="number"
              dataKey="y"
              name={figure.yLabel}
              domain={figure.yDomain}
              tickFormatter={formatMetric}
              label={{
                value: figure.yLabel,
                angle: -90,
                position: 'insideLeft',
                offset: 4,
                style: { textAnchor: 'middle' },
              }}
            />
            <ReferenceLine y={0} stroke="#9aa5b1" strokeDasharray="4 4" />
            <Tooltip formatter={(value) => formatMetric(Number(value))} />
            <Scatter
              data={figure.points}
              fill="#1d5fb8"
              fillOpacity={0.6}
              isAnimationActive={false}
            />
          </ScatterChart>
        </ResponsiveContainer>
      )}
    </figure>
  );
}
