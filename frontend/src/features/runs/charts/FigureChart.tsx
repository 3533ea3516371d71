import { useMemo } from 'react';

import type { FigureData } from '../../../api/runTypes';
import { figureProps } from '../figures';
import { Heatmap } from './Heatmap';
import { LinesChart, ScatterPlot } from './lazyCharts';

/** Any figure artifact, drawn by its type. */
export function FigureChart({ data }: { data: FigureData }) {
  const figure = useMemo(() => figureProps(data), [data]);
  switch (figure.type) {
    case 'heatmap':
      return <Heatmap figure={figure} />;
    case 'lines':
      return <LinesChart figure={figure} />;
    case 'scatter':
      return <ScatterPlot figure={figure} />;
    default:
      return (
        <p className="chart__note">
          {figure.title}: this kind of figure cannot be drawn here; download it instead.
        </p>
      );
  }
}
