import {
  CartesianGrid,
  Line,
  LineChart,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';

import { formatMetric, type LinesProps } from '../figures';

const UNIT_DOMAIN: [number, number] = [0, 1];

/** A lines figure (ROC curves): one line per series, with the chance diagonal for rates. */
export function LinesChart({ figure }: { figure: LinesProps }) {
  return (
    <figure className="chart" aria-label={figure.title}>
      <figcaption className="chart__title">{figure.title}</figcaption>
      {figure.series.length > 0 && (
        <ResponsiveContainer width="100%" height={260}>
          <LineChart margin={{ top: 8, right: 16, bottom: 24, left: 12 }}>
            <CartesianGrid stroke="#e3e8ee" />
            <XAxis
              type="number"
              dataKey="x"
              domain={figure.diagonal ? UNIT_DOMAIN : ['auto', 'auto']}
              tickFormatter={formatMetric}
              label={{ value: figure.xLabel, position: 'insideBottom', offset: -14 }}
            />
            <YAxis
              type="number"
              domain={figure.diagonal ? UNIT_DOMAIN : ['auto', 'auto']}
              tickFormatter={formatMetric}
              label={{
                value: figure.yLabel,
                angle: -90,
                position: 'insideLeft',
                offset: 4,
                style: { textAnchor: 'middle' },
              }}
            />
            <Tooltip formatter={(value) => formatMetric(Number(value))} />
            {figure.diagonal && (
              <ReferenceLine
                segment={[
                  { x: 0, y: 0 },
                  { x: 1, y: 1 },
                ]}
                stroke="#9aa5b1"
                strokeDasharray="4 4"
              />
            )}
            {figure.series.map((series) => (
              <Line
                key={series.name}
                data={series.points}
                dataKey="y"
                name={series.name}
                stroke={series.color}
                strokeWidth={2}
                dot={false}
                type="linear"
                isAnimationActive={false}
              />
            ))}
          </LineChart>
        </ResponsiveContainer>
      )}
      {figure.series.length > 0 && (
        <ul className="chart-legend" aria-label="Series">
          {figure.series.map((series) => (
            <li key={series.name}>
              <span
                className="chart-legend__swatch"
                style={{ background: series.color }}
                aria-hidden="true"
              />
              {series.name}
            </li>
          ))}
        </ul>
      )}
      {figure.note && <p className="chart__note">{figure.note}</p>}
    </figure>
  );
}
