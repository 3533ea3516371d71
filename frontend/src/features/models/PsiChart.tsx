import {
  Bar,
  BarChart,
  CartesianGrid,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';

import { formatMetric } from '../runs/figures';
import { formatPsi, psiAxisMax, type PsiBar } from './monitoringView';

const STABLE_COLOR = '#0f766e';
const DRIFTED_COLOR = '#b42318';
const ROW_HEIGHT = 30;

/** Wide enough for the longest column name, within reason. */
function labelWidth(bars: PsiBar[]): number {
  const longest = Math.max(0, ...bars.map((bar) => bar.name.length));
  return Math.min(240, Math.max(60, longest * 7.5 + 16));
}

/** PSI per input column as horizontal bars, drifted ones in red, with the threshold line. */
export function PsiChart({ bars, threshold }: { bars: PsiBar[]; threshold: number }) {
  const title = 'Population stability index (PSI) per column';
  return (
    <figure className="model-chart" aria-label={title}>
      <figcaption className="model-chart__title">{title}</figcaption>
      <ResponsiveContainer width="100%" height={56 + bars.length * ROW_HEIGHT}>
        <BarChart
          data={bars}
          layout="vertical"
          margin={{ top: 18, right: 24, bottom: 18, left: 4 }}
          barCategoryGap="25%"
        >
          <CartesianGrid stroke="#e3e8ee" horizontal={false} />
          <XAxis
            type="number"
            domain={([, dataMax]) => [0, psiAxisMax(dataMax, threshold)]}
            tickFormatter={formatMetric}
            label={{ value: 'PSI', position: 'insideBottom', offset: -10 }}
          />
          <YAxis
            type="category"
            dataKey="name"
            width={labelWidth(bars)}
            tick={{ fontSize: 12 }}
            interval={0}
          />
          <Tooltip
            formatter={(value) => formatPsi(Number(value))}
            cursor={{ fill: 'rgb(15 47 58 / 6%)' }}
          />
          <ReferenceLine
            x={threshold}
            stroke={DRIFTED_COLOR}
            strokeDasharray="4 4"
            label={{
              value: `threshold ${threshold}`,
              position: 'top',
              fill: DRIFTED_COLOR,
              fontSize: 12,
            }}
          />
          <Bar
            dataKey="stable"
            stackId="psi"
            name="PSI"
            fill={STABLE_COLOR}
            isAnimationActive={false}
          />
          <Bar
            dataKey="drifted"
            stackId="psi"
            name="PSI, drifted"
            fill={DRIFTED_COLOR}
            isAnimationActive={false}
          />
        </BarChart>
      </ResponsiveContainer>
      <ul className="model-chart__legend" aria-label="Legend">
        <li>
          <span className="model-chart__swatch" style={{ background: STABLE_COLOR }} />
          at or below {threshold}
        </li>
        <li>
          <span className="model-chart__swatch" style={{ background: DRIFTED_COLOR }} />
          above {threshold}: drifted
        </li>
      </ul>
    </figure>
  );
}
