import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';

import type { DriftBin } from '../../api/monitoring';
import { formatShare } from './monitoringView';

const TRAINING_COLOR = '#9aa5b1';
const RECENT_COLOR = '#1d5fb8';

/** A column's bins: the share of training rows and of recent inputs in each, side by side. */
export function BinsChart({ column, bins }: { column: string; bins: DriftBin[] }) {
  const title = `Share of rows per bin of ${column}`;
  return (
    <figure className="model-chart" aria-label={title}>
      <figcaption className="visually-hidden">{title}</figcaption>
      <ResponsiveContainer width="100%" height={240}>
        <BarChart data={bins} margin={{ top: 8, right: 12, bottom: 4, left: 0 }}>
          <CartesianGrid stroke="#e3e8ee" vertical={false} />
          <XAxis
            dataKey="bin"
            tick={{ fontSize: 11 }}
            interval={0}
            angle={-35}
            textAnchor="end"
            height={70}
          />
          <YAxis tickFormatter={(value: number) => formatShare(value)} width={48} />
          <Tooltip
            formatter={(value) => formatShare(Number(value))}
            cursor={{ fill: 'rgb(15 47 58 / 6%)' }}
          />
          <Bar
            dataKey="expected"
            name="Training rows"
            fill={TRAINING_COLOR}
            isAnimationActive={false}
          />
          <Bar
            dataKey="actual"
            name="Recent inputs"
            fill={RECENT_COLOR}
            isAnimationActive={false}
          />
        </BarChart>
      </ResponsiveContainer>
      <ul className="model-chart__legend" aria-label="Legend">
        <li>
          <span className="model-chart__swatch" style={{ background: TRAINING_COLOR }} />
          training rows
        </li>
        <li>
          <span className="model-chart__swatch" style={{ background: RECENT_COLOR }} />
          recent inputs
        </li>
      </ul>
    </figure>
  );
}
