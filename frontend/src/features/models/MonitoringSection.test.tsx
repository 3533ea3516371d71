import { fireEvent, render, screen, within } from '@testing-library/react';
import { createMemoryRouter, RouterProvider } from 'react-router-dom';
import { describe, expect, it } from 'vitest';

import type { ModelVersion } from '../../api/models';
import type { Drift, Monitoring } from '../../api/monitoring';
import { Providers } from '../../app/Providers';
import { createQueryClient } from '../../app/queryClient';
import { mockApi, type MockReply } from '../../test/mockApi';
import { makeModelVersion } from '../../test/modelVersions';
import { MonitoringSection } from './MonitoringSection';

const BASE = '/api/v1/workspaces/demo/models/iris/versions';

function version(number: number, stage: ModelVersion['stage']): ModelVersion {
  return makeModelVersion({
    version: number,
    stage,
    metrics: {},
    signature: [
      { name: 'petal length (cm)', dtype: 'float64' },
      { name: 'species hint', dtype: 'string' },
    ],
  });
}

const VERSIONS = [version(3, 'staging'), version(2, 'production'), version(1, 'archived')];

function monitoring(overrides: Partial<Monitoring> = {}): Monitoring {
  return {
    model: 'iris',
    model_version: 2,
    requests: 1234,
    errors: 3,
    error_rate: 3 / 1234,
    predicted_rows: 5000,
    last_request_at: '2026-01-02T00:00:00Z',
    latency_ms: { p50: 4.217, p95: 18.9, window: 1000 },
    recent_errors: [
      {
        created_at: '2026-01-02T00:00:00Z',
        status: 400,
        error_code: 'invalid_row',
        error: "row 0: column 'petal length (cm)' expects a number",
      },
    ],
    sample: [{ 'petal length (cm)': 5.1, 'species hint': 'setosa' }],
    ...overrides,
  };
}

const DRIFT: Drift = {
  model: 'iris',
  model_version: 2,
  inputs: 120,
  training_rows: 112,
  threshold: 0.2,
  drift: true,
  features: [
    {
      name: 'petal length (cm)',
      kind: 'numeric',
      psi: 0.35,
      drift: true,
      bins: [
        { bin: '< 1.5', expected: 0.3, actual: 0.05, psi: 0.3 },
        { bin: '>= 1.5', expected: 0.7, actual: 0.95, psi: 0.05 },
      ],
    },
    {
      name: 'species hint',
      kind: 'categorical',
      psi: 0.01,
      drift: false,
      bins: [{ bin: 'setosa', expected: 1, actual: 1, psi: 0 }],
    },
  ],
};

function renderSection(routes: Record<string, MockReply>, path = '/w/demo/models/iris') {
  mockApi(routes);
  const router = createMemoryRouter(
    [
      {
        path: '/w/:slug/models/:name',
        element: <MonitoringSection slug="demo" name="iris" versions={VERSIONS} />,
      },
    ],
    { initialEntries: [path] },
  );
  render(
    <Providers client={createQueryClient()}>
      <RouterProvider router={router} />
    </Providers>,
  );
  return router;
}

describe('MonitoringSection', () => {
  it('shows the production version by default: totals, latency, errors and inputs', async () => {
    renderSection({
      [`GET ${BASE}/2/monitoring/`]: { body: monitoring() },
      [`GET ${BASE}/2/drift/`]: { body: DRIFT },
    });

    expect(screen.getByLabelText('Monitoring of')).toHaveValue('2');
    const requests = await screen.findByRole('region', { name: 'Requests to v2' });
    const totals = await within(requests)
      .findByRole('definition', { name: '' })
      .catch(() => null);
    expect(totals).toBeNull();
    expect(requests).toHaveTextContent('Requests1,234');
    expect(requests).toHaveTextContent('Errors30.2%');
    expect(requests).toHaveTextContent('Predicted rows5,000');
    expect(requests).toHaveTextContent('Latency p504.22 ms');
    expect(requests).toHaveTextContent('Latency p9518.9 ms');
    expect(requests).toHaveTextContent('invalid_row');
    const inputs = within(requests).getByRole('region', { name: 'Recent inputs of v2' });
    expect(
      within(inputs)
        .getAllByRole('columnheader')
        .map((th) => th.textContent),
    ).toEqual(['petal length (cm)', 'species hint']);
    expect(inputs).toHaveTextContent('setosa');
  });

  it('lists PSI per column and opens a column’s bins on demand', async () => {
    renderSection({
      [`GET ${BASE}/2/monitoring/`]: { body: monitoring() },
      [`GET ${BASE}/2/drift/`]: { body: DRIFT },
    });

    const drift = await screen.findByRole('region', { name: 'Drift of v2' });
    expect(await within(drift).findByText(/1 of 2 columns drifted/)).toBeInTheDocument();
    const table = within(drift).getByRole('table', { name: 'PSI per column' });
    const petal = within(table).getByRole('row', { name: /^petal length/ });
    const hint = within(table).getByRole('row', { name: /^species hint/ });
    expect(petal).toHaveTextContent('0.350drifted');
    expect(hint).toHaveTextContent('0.010stable');
    expect(within(drift).queryByRole('table', { name: 'Bins of petal length (cm)' })).toBeNull();

    const toggle = within(petal).getByRole('button', {
      name: 'Show the bins of petal length (cm)',
    });
    fireEvent.click(toggle);
    expect(toggle).toHaveAttribute('aria-expanded', 'true');
    const bins = within(drift).getByRole('table', { name: 'Bins of petal length (cm)' });
    expect(within(bins).getAllByRole('row')[1]).toHaveTextContent('< 1.530%5.0%0.300');
  });

  it('explains a version without training rows instead of failing', async () => {
    renderSection(
      {
        [`GET ${BASE}/3/monitoring/`]: { body: monitoring({ model_version: 3, requests: 0 }) },
        [`GET ${BASE}/3/drift/`]: {
          status: 409,
          body: {
            message:
              "version 3 of 'iris' has no run to take training rows from, so there is no baseline to compare inputs with",
            code: 'no_training_data',
          },
        },
      },
      '/w/demo/models/iris?version=3',
    );

    expect(await screen.findByText('No training rows to compare with')).toBeInTheDocument();
    expect(screen.getByText(/has no run to take training rows from/)).toBeInTheDocument();
    expect(screen.queryByText('Could not compute drift')).not.toBeInTheDocument();
    expect(await screen.findByText('No requests yet')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'API key' })).toHaveAttribute(
      'href',
      '/w/demo/api-keys?model=iris',
    );
  });

  it('switches version from the picker and keeps the choice in the address', async () => {
    const router = renderSection({
      [`GET ${BASE}/2/monitoring/`]: { body: monitoring() },
      [`GET ${BASE}/2/drift/`]: { body: DRIFT },
      [`GET ${BASE}/1/monitoring/`]: {
        status: 404,
        body: { message: "There is no version 1 of 'iris'.", code: 'not_found' },
      },
      [`GET ${BASE}/1/drift/`]: { body: { ...DRIFT, model_version: 1, inputs: 0 } },
    });
    await screen.findByRole('region', { name: 'Requests to v2' });

    fireEvent.change(screen.getByLabelText('Monitoring of'), { target: { value: '1' } });

    expect(router.state.location.search).toBe('?version=1');
    expect(await screen.findByText('No inputs to compare yet')).toBeInTheDocument();
    expect(
      await screen.findByText('Could not load the monitoring of this version'),
    ).toBeInTheDocument();
    expect(screen.getByText("There is no version 1 of 'iris'.")).toBeInTheDocument();
  });
});
