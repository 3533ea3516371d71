import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { createMemoryRouter, RouterProvider } from 'react-router-dom';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import type { ModelVersion } from '../../api/models';
import type { Role } from '../../api/types';
import { Providers } from '../../app/Providers';
import { createQueryClient } from '../../app/queryClient';
import { mockApi, type MockReply } from '../../test/mockApi';
import { makeModelVersion } from '../../test/modelVersions';
import { ModelPage } from './ModelPage';

const BASE = '/api/v1/workspaces/demo/models/iris/versions';

const page = <T,>(results: T[]) => ({ count: results.length, next: null, previous: null, results });

function version(number: number, stage: ModelVersion['stage']): ModelVersion {
  return makeModelVersion({ version: number, stage });
}

const VERSIONS = [version(3, 'none'), version(2, 'staging'), version(1, 'production')];

type Handler = MockReply | ((init: RequestInit) => MockReply);

function routes(role: Role, extra: Record<string, Handler> = {}): Record<string, Handler> {
  return {
    'GET /api/v1/workspaces/': {
      body: page([{ id: 1, name: 'Demo', slug: 'demo', role, created_at: '2025-01-01T00:00:00Z' }]),
    },
    [`GET ${BASE}/`]: { body: page(VERSIONS) },
    [`GET ${BASE}/1/monitoring/`]: {
      body: {
        model: 'iris',
        model_version: 1,
        requests: 0,
        errors: 0,
        error_rate: null,
        predicted_rows: 0,
        last_request_at: null,
        latency_ms: { p50: null, p95: null, window: 0 },
        recent_errors: [],
        sample: [],
      },
    },
    [`GET ${BASE}/1/drift/`]: {
      body: {
        model: 'iris',
        model_version: 1,
        inputs: 0,
        training_rows: 100,
        threshold: 0.2,
        drift: false,
        features: [],
      },
    },
    ...extra,
  };
}

function renderPage(path = '/w/demo/models/iris') {
  const router = createMemoryRouter([{ path: '/w/:slug/models/:name', element: <ModelPage /> }], {
    initialEntries: [path],
  });
  render(
    <Providers client={createQueryClient()}>
      <RouterProvider router={router} />
    </Providers>,
  );
}

const row = (number: number) => screen.findByRole('row', { name: new RegExp(`^v${number}\\b`) });

beforeEach(() => {
  document.cookie = 'csrftoken=tok';
  // jsdom has <dialog> but not its modal methods.
  HTMLDialogElement.prototype.showModal = function showModal(this: HTMLDialogElement) {
    this.setAttribute('open', '');
  };
  HTMLDialogElement.prototype.close = function close(this: HTMLDialogElement) {
    this.removeAttribute('open');
    this.dispatchEvent(new Event('close'));
  };
});

afterEach(() => {
  Reflect.deleteProperty(HTMLDialogElement.prototype, 'showModal');
  Reflect.deleteProperty(HTMLDialogElement.prototype, 'close');
});

describe('the model page', () => {
  it('shows viewers each stage as a badge, with nothing to change it', async () => {
    mockApi(routes('viewer'));
    renderPage();

    const v2 = await row(2);
    expect(within(v2).getByText('staging')).toHaveClass('badge');
    expect(within(await row(1)).getByText('production')).toHaveClass('badge');
    expect(within(await row(3)).getByText('none')).toHaveClass('badge');
    expect(screen.queryByRole('combobox', { name: /^Stage of version/ })).not.toBeInTheDocument();
  });

  it('asks before promoting a version archives the one in production', async () => {
    const patches: unknown[] = [];
    mockApi(
      routes('editor', {
        [`PATCH ${BASE}/3/`]: (init) => {
          patches.push(JSON.parse(String(init.body)));
          return { body: { ...version(3, 'production'), transitions: [] } };
        },
      }),
    );
    renderPage();

    const select = await screen.findByRole('combobox', { name: 'Stage of version 3' });
    fireEvent.change(select, { target: { value: 'production' } });

    const dialog = await screen.findByRole('dialog', { name: 'Put v3 in production?' });
    expect(dialog).toHaveTextContent('v1 is in production now; it will be archived.');
    expect(dialog).toHaveTextContent('Predict requests will be answered by v3.');
    expect(patches).toEqual([]);

    fireEvent.click(within(dialog).getByRole('button', { name: 'Put v3 in production' }));
    await waitFor(() => expect(patches).toEqual([{ stage: 'production' }]));
    await waitFor(() => expect(dialog).not.toBeVisible());
  });

  it('changes nothing when the promotion is cancelled', async () => {
    mockApi(routes('owner'));
    renderPage();

    const select = await screen.findByRole('combobox', { name: 'Stage of version 2' });
    fireEvent.change(select, { target: { value: 'production' } });
    const dialog = await screen.findByRole('dialog', { name: 'Put v2 in production?' });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));

    await waitFor(() => expect(dialog).not.toBeVisible());
    expect(select).toHaveValue('staging');
  });

  it('moves a version to a stage that archives nothing at once', async () => {
    const patches: unknown[] = [];
    mockApi(
      routes('editor', {
        [`PATCH ${BASE}/3/`]: (init) => {
          patches.push(JSON.parse(String(init.body)));
          return { body: { ...version(3, 'staging'), transitions: [] } };
        },
      }),
    );
    renderPage();

    const select = await screen.findByRole('combobox', { name: 'Stage of version 3' });
    fireEvent.change(select, { target: { value: 'staging' } });

    await waitFor(() => expect(patches).toEqual([{ stage: 'staging' }]));
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
  });

  it('says a missing model is not there, without the model page around it', async () => {
    mockApi({
      ...routes('editor'),
      [`GET /api/v1/workspaces/demo/models/nope/versions/`]: {
        status: 404,
        body: { message: "model 'nope' not found", code: 'not_found' },
      },
    });
    renderPage('/w/demo/models/nope');

    expect(await screen.findByRole('heading', { name: 'Model not found' })).toBeInTheDocument();
    expect(screen.getByText('There is no model “nope” in this workspace.')).toBeInTheDocument();
    expect(screen.queryByText("model 'nope' not found")).not.toBeInTheDocument();
    expect(screen.queryByRole('heading', { name: 'nope' })).not.toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'All models' })).toHaveAttribute(
      'href',
      '/w/demo/models',
    );
  });
});
