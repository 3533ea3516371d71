import { render, screen, within } from '@testing-library/react';
import { createMemoryRouter, RouterProvider } from 'react-router-dom';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { Providers } from '../../app/Providers';
import { createQueryClient } from '../../app/queryClient';
import { mockApi, takeUnexpectedRequests } from '../../test/mockApi';
import { describeMemory, OperationsPage } from './OperationsPage';
import type { Operations, OperationsWorker } from './useOperations';

const GIB = 1024 ** 3;

function worker(overrides: Partial<OperationsWorker> = {}): OperationsWorker {
  return {
    name: 'cpu-1@host',
    queues: ['cpu'],
    concurrency: 2,
    task_count: 1,
    idle: true,
    steps: [
      {
        step_id: 11,
        node_id: 'train',
        run_id: 42,
        workspace: 'demo',
        pipeline_name: 'Churn',
      },
    ],
    other_tasks: 0,
    devices: null,
    ...overrides,
  };
}

const HEALTHY: Operations = {
  broker: { reachable: true, message: null },
  workers: [
    worker(),
    worker({
      name: 'gpu-1@host',
      queues: ['gpu'],
      concurrency: 1,
      idle: false,
      steps: [],
      other_tasks: 1,
      devices: [{ index: 0, name: 'NVIDIA H200', memory_total: 140 * GIB, memory_used: 12 * GIB }],
    }),
  ],
  queues: [
    { name: 'cpu', depth: 0, queued_steps: 0, workers: 1, idle_workers: 1 },
    { name: 'gpu', depth: 3, queued_steps: 3, workers: 1, idle_workers: 0 },
  ],
};

/** The table row whose row header is `name`. */
async function row(name: string): Promise<HTMLElement> {
  const header = await screen.findByRole('rowheader', { name });
  const tr = header.closest('tr');
  if (tr === null) {
    throw new Error(`no row for ${name}`);
  }
  return tr;
}

function renderPage() {
  const router = createMemoryRouter([{ path: '/operations', element: <OperationsPage /> }], {
    initialEntries: ['/operations'],
  });
  render(
    <Providers client={createQueryClient()}>
      <RouterProvider router={router} />
    </Providers>,
  );
}

afterEach(() => {
  vi.unstubAllGlobals();
  expect(takeUnexpectedRequests()).toEqual([]);
});

describe('OperationsPage', () => {
  it('lists workers with queues, state, current step links and GPU memory', async () => {
    mockApi({ 'GET /api/v1/operations/': { body: HEALTHY } });
    renderPage();
    const cpu = await row('cpu-1@host');
    expect(within(cpu).getByText('idle')).toBeInTheDocument();
    expect(within(cpu).getByRole('link', { name: 'Churn · run #42 · train' })).toHaveAttribute(
      'href',
      '/w/demo/runs/42?node=train',
    );
    const gpu = await row('gpu-1@host');
    expect(within(gpu).getByText('busy')).toBeInTheDocument();
    expect(within(gpu).getByText('1 other task')).toBeInTheDocument();
    expect(within(gpu).getByText('NVIDIA H200 · 12.0 of 140.0 GiB')).toBeInTheDocument();
    const gpuQueue = await row('gpu');
    expect(
      within(gpuQueue)
        .getAllByRole('cell')
        .map((c) => c.textContent),
    ).toEqual(['3', '3', '1', '0']);
  });

  it('says when no worker answers and when the broker cannot be reached', async () => {
    mockApi({
      'GET /api/v1/operations/': {
        body: {
          broker: { reachable: false, message: 'the broker cannot be reached: refused' },
          workers: [],
          queues: [{ name: 'gpu', depth: null, queued_steps: 2, workers: 0, idle_workers: 0 }],
        } satisfies Operations,
      },
    });
    renderPage();
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Workers and queues are unknown: the broker cannot be reached: refused',
    );
    expect(screen.getByText(/No worker answered/)).toBeInTheDocument();
    const gpuQueue = await row('gpu');
    expect(within(gpuQueue).getByText('no worker')).toBeInTheDocument();
    expect(within(gpuQueue).getByText('—')).toBeInTheDocument();
  });

  it('shows the error when the page cannot load', async () => {
    mockApi({ 'GET /api/v1/operations/': { status: 403, body: { message: 'nope', code: 'x' } } });
    renderPage();
    expect(await screen.findByText('Could not load workers and queues')).toBeInTheDocument();
  });
});

describe('describeMemory', () => {
  it('gives used and total memory in GiB', () => {
    expect(
      describeMemory({ index: 0, name: 'A', memory_total: 80 * GIB, memory_used: 1.25 * GIB }),
    ).toBe('1.3 of 80.0 GiB');
  });
});
