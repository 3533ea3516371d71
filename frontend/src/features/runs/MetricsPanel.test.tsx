import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import type { MetricPoint } from '../../api/runTypes';
import { stubReactFlowBrowser } from '../../test/reactFlow';
import { MetricsPanel } from './MetricsPanel';

function point(seq: number, key: string, value: number, index: number | null): MetricPoint {
  return { seq, node: 'train', key, value, index, created_at: '2026-01-01T00:00:00Z' };
}

describe('MetricsPanel', () => {
  it('lists single values at once and draws curves once the chart code has loaded', async () => {
    stubReactFlowBrowser();
    const metrics = [
      point(1, 'loss', 0.9, 0),
      point(2, 'loss', 0.5, 1),
      point(3, 'accuracy', 0.93, null),
    ];
    render(
      <MetricsPanel metrics={metrics} labels={new Map([['train', 'Train']])} waiting={false} />,
    );

    // The table needs no chart code; the chart's place says it is coming.
    expect(screen.getByText('accuracy')).toBeInTheDocument();
    expect(screen.getByText('Loading the chart…')).toBeInTheDocument();

    // The first import of recharts in a test process is slow: wait for it generously.
    const chart = await screen.findByRole('figure', { name: 'Train: loss' }, { timeout: 8_000 });
    expect(chart).toBeInTheDocument();
    expect(screen.queryByText('Loading the chart…')).not.toBeInTheDocument();
  }, 15_000);
});
