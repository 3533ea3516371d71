/**
 * The charts drawn with recharts, loaded on first use. recharts (with the d3, redux and
 * decimal code it brings) is most of the run view's weight: in a chunk of its own, the run's
 * graph, steps and logs show without waiting for it, and a run with no curves never loads it.
 */

import { lazy, Suspense, type ComponentProps } from 'react';

import { Loading } from '../../../ui/Loading';

const MetricChartNow = lazy(() =>
  import('./MetricChart').then((module) => ({ default: module.MetricChart })),
);
const LinesChartNow = lazy(() =>
  import('./LinesChart').then((module) => ({ default: module.LinesChart })),
);
const ScatterPlotNow = lazy(() =>
  import('./ScatterPlot').then((module) => ({ default: module.ScatterPlot })),
);

/** Where a chart will be, at about its height, while its code loads. */
function ChartLoading({ title, height }: { title: string; height: number }) {
  return (
    <div className="chart" aria-busy="true">
      <div className="chart__title">{title}</div>
      <div style={{ minHeight: height, display: 'grid', placeItems: 'center' }}>
        <Loading label="Loading the chart…" />
      </div>
    </div>
  );
}

export function MetricChart(props: ComponentProps<typeof MetricChartNow>) {
  return (
    <Suspense fallback={<ChartLoading title={props.title} height={224} />}>
      <MetricChartNow {...props} />
    </Suspense>
  );
}

export function LinesChart(props: ComponentProps<typeof LinesChartNow>) {
  return (
    <Suspense fallback={<ChartLoading title={props.figure.title} height={260} />}>
      <LinesChartNow {...props} />
    </Suspense>
  );
}

export function ScatterPlot(props: ComponentProps<typeof ScatterPlotNow>) {
  return (
    <Suspense fallback={<ChartLoading title={props.figure.title} height={260} />}>
      <ScatterPlotNow {...props} />
    </Suspense>
  );
}
