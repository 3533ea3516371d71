import { fireEvent, render, screen } from '@testing-library/react';
import { createMemoryRouter, RouterProvider } from 'react-router-dom';
import { describe, expect, it } from 'vitest';

import type { RunRecord } from '../../api/runTypes';
import { Providers } from '../../app/Providers';
import { createQueryClient } from '../../app/queryClient';
import { requestedUrls, stubPagedApi } from '../../test/pagedApi';
import { RunsSection } from './RunsSection';

function run(id: number, pipeline: number, pipelineName: string): RunRecord {
  return {
    id,
    pipeline,
    pipeline_name: pipelineName,
    version: 1,
    status: 'succeeded',
    cancel_requested: false,
    parameters: {},
    error: '',
    created_by: 'ada',
    created_at: '2026-01-01T00:00:00Z',
    started_at: '2026-01-01T00:00:01Z',
    finished_at: '2026-01-01T00:00:09Z',
  };
}

const RUNS = '/api/v1/workspaces/demo/runs/';

function renderSection() {
  const router = createMemoryRouter([{ path: '/w/:slug', element: <RunsSection slug="demo" /> }], {
    initialEntries: ['/w/demo'],
  });
  render(
    <Providers client={createQueryClient()}>
      <RouterProvider router={router} />
    </Providers>,
  );
}

function rowCount(): number {
  return document.querySelectorAll('tbody tr').length;
}

describe('the workspace home runs card', () => {
  it('names every run’s pipeline from the run itself', async () => {
    // Pipeline 2 is older than any first page of pipelines could reach.
    const fetchMock = stubPagedApi({ [RUNS]: [run(9, 2, 'Churn v1'), run(8, 140, 'Iris')] });
    renderSection();

    expect(await screen.findByText('Churn v1')).toBeInTheDocument();
    expect(screen.getByText('Iris')).toBeInTheDocument();
    expect(requestedUrls(fetchMock)).toEqual([`${RUNS}?page=1&page_size=10`]);
    expect(screen.queryByRole('button', { name: 'Show more' })).not.toBeInTheDocument();
  });

  it('shows ten runs and the total, and the next ten on Show more', async () => {
    const runs = Array.from({ length: 13 }, (_, index) => run(13 - index, 1, 'Churn'));
    const fetchMock = stubPagedApi({ [RUNS]: runs });
    renderSection();

    expect(await screen.findByText('Showing 10 of 13 runs.')).toBeInTheDocument();
    expect(rowCount()).toBe(10);

    fireEvent.click(screen.getByRole('button', { name: 'Show more' }));

    expect(await screen.findByText('#1')).toBeInTheDocument();
    expect(rowCount()).toBe(13);
    expect(screen.queryByText(/Showing/)).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Show more' })).not.toBeInTheDocument();
    expect(requestedUrls(fetchMock)).toEqual([
      `${RUNS}?page=1&page_size=10`,
      `${RUNS}?page=2&page_size=10`,
    ]);
  });
});
