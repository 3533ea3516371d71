import { fireEvent, render, screen, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';

import type { Graph } from '../../graph/types';
import { stubReactFlowBrowser } from '../../test/reactFlow';
import { Heatmap } from './charts/Heatmap';
import { heatmapProps } from './figures';
import { RunGraph } from './RunGraph';
import { makeStep } from './testRuns';

const GRAPH: Graph = {
  nodes: [
    { id: 'load', block: 'ingest.sample', config: {}, position: { x: 0, y: 0 } },
    { id: 'train', block: 'train.sklearn', config: {}, position: { x: 300, y: 0 } },
  ],
  edges: [{ source: 'load', source_port: 'table', target: 'train', target_port: 'train' }],
};

describe('RunGraph', () => {
  it('exposes each node by test id with its live status, and selects on click', () => {
    stubReactFlowBrowser();
    const onSelect = vi.fn();
    render(
      <div style={{ width: 800, height: 400 }}>
        <RunGraph
          graph={GRAPH}
          steps={[
            makeStep('load', { status: 'succeeded' }),
            makeStep('train', { status: 'running', progress: 0.3 }),
          ]}
          blockTitles={new Map([['train.sklearn', 'Train (scikit-learn)']])}
          selected={null}
          onSelect={onSelect}
        />
      </div>,
    );

    expect(screen.getByTestId('run-node-load')).toHaveAttribute('data-status', 'succeeded');
    const train = screen.getByTestId('run-node-train');
    expect(train).toHaveAttribute('data-status', 'running');
    expect(train).toHaveAttribute('data-block', 'train.sklearn');
    expect(train.title.split('\n')[0]).toBe('Train (scikit-learn)');
    // React Flow's wrapper is a group named by the node's label and status; jsdom never
    // measures nodes, so they stay visibility: hidden and are read by attribute here.
    const wrapper = screen.getByTestId('rf__node-train');
    expect(wrapper).toHaveAttribute('role', 'group');
    expect(wrapper).toHaveAttribute('aria-label', 'Train (scikit-learn): running');
    const progress = within(train).getByRole('progressbar', { hidden: true });
    expect(progress).toHaveAttribute('aria-label', 'Train (scikit-learn) progress');
    expect(progress).toHaveAttribute('aria-valuenow', '30');

    fireEvent.click(train);
    expect(onSelect).toHaveBeenCalledWith('train');
  });
});

describe('Heatmap', () => {
  it('is a figure named by its title, with one cell per count', () => {
    render(
      <Heatmap
        figure={heatmapProps({
          type: 'heatmap',
          title: 'Confusion matrix',
          x_label: 'Predicted',
          y_label: 'Actual',
          labels: ['no', 'yes'],
          values: [
            [5, 1],
            [2, 7],
          ],
        })}
      />,
    );

    const figure = screen.getByRole('figure', { name: 'Confusion matrix' });
    expect(figure.querySelectorAll('td.heatmap__cell')).toHaveLength(4);
    expect(screen.getByRole('rowheader', { name: 'yes' })).toBeInTheDocument();
    expect(figure).toHaveTextContent('12 of 15 on the diagonal (80.0%)');
  });
});
