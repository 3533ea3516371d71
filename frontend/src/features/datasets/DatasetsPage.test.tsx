import { fireEvent, render, screen } from '@testing-library/react';
import { createMemoryRouter, RouterProvider } from 'react-router-dom';
import { describe, expect, it } from 'vitest';

import type { DatasetDetail } from '../../api/datasets';
import { Providers } from '../../app/Providers';
import { createQueryClient } from '../../app/queryClient';
import { requestedUrls, stubPagedApi } from '../../test/pagedApi';
import { DatasetsPage } from './DatasetsPage';

const DATASETS = '/api/v1/workspaces/demo/datasets/';

function dataset(id: number): DatasetDetail {
  return {
    id,
    name: `table ${id}`,
    original_filename: `table-${id}.csv`,
    format: 'csv',
    content_hash: `hash${id}`,
    size_bytes: 1024,
    row_count: 10,
    schema: [{ name: 'x', dtype: 'int64', nulls: 0 }],
    created_by: 'ada',
    created_at: '2026-01-01T00:00:00Z',
  };
}

/** `n` datasets, newest (highest id) first, as the API lists them. */
function datasets(n: number): DatasetDetail[] {
  return Array.from({ length: n }, (_, index) => dataset(n - index));
}

function renderPage(at: string) {
  const router = createMemoryRouter([{ path: '/w/:slug/datasets', element: <DatasetsPage /> }], {
    initialEntries: [at],
  });
  render(
    <Providers client={createQueryClient()}>
      <RouterProvider router={router} />
    </Providers>,
  );
  return router;
}

function shownNames(): string[] {
  return [...document.querySelectorAll('tbody th button')].map((cell) => cell.textContent ?? '');
}

describe('the datasets page', () => {
  it('lists 25 datasets a page, with the total, and moves between pages', async () => {
    const fetchMock = stubPagedApi({ [DATASETS]: datasets(60) });
    const router = renderPage('/w/demo/datasets?page=2');

    expect(await screen.findByText('Page 2 of 3')).toBeInTheDocument();
    expect(shownNames()).toHaveLength(25);
    expect(shownNames()[0]).toBe('table 35');
    expect(screen.getByText('60')).toHaveClass('count');

    fireEvent.click(screen.getByText('Next'));

    expect(await screen.findByText('table 10')).toBeInTheDocument();
    expect(screen.getByText('Page 3 of 3')).toBeInTheDocument();
    expect(shownNames()).toEqual(datasets(10).map((d) => d.name));
    expect(screen.getByText('Next')).toBeDisabled();
    expect(router.state.location.search).toBe('?page=3');
    expect(requestedUrls(fetchMock)).toEqual([
      `${DATASETS}?page=2&page_size=25`,
      `${DATASETS}?page=3&page_size=25`,
    ]);
  });

  it('shows a dataset chosen elsewhere even when it is on another page', async () => {
    stubPagedApi(
      { [DATASETS]: datasets(60) },
      {
        [`${DATASETS}3/`]: { body: dataset(3) },
        [`${DATASETS}3/preview/`]: { body: { columns: ['x'], rows: [[1]], schema: [] } },
      },
    );
    renderPage('/w/demo/datasets?dataset=3');

    expect(await screen.findByText('table 3', { selector: 'h2' })).toBeInTheDocument();
    expect(screen.getByText('Page 1 of 3')).toBeInTheDocument();
  });

  it('goes back to the first page when the one asked for is past the end', async () => {
    stubPagedApi({ [DATASETS]: datasets(3) });
    const router = renderPage('/w/demo/datasets?page=4');

    expect(await screen.findByText('table 3')).toBeInTheDocument();
    expect(router.state.location.search).toBe('');
    expect(screen.queryByText(/^Page \d/)).not.toBeInTheDocument();
  });
});
