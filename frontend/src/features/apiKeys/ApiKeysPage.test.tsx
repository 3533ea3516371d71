import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { createMemoryRouter, RouterProvider } from 'react-router-dom';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import type { ApiKey, ApiKeyCreated } from '../../api/apiKeys';
import type { Role } from '../../api/types';
import { Providers } from '../../app/Providers';
import { createQueryClient } from '../../app/queryClient';
import { mockApi, type MockReply } from '../../test/mockApi';
import { ApiKeysPage } from './ApiKeysPage';

const BASE = '/api/v1/workspaces/demo';
const SECRET = 'trb_1a2b3c4d_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQ';

const page = <T,>(results: T[]) => ({ count: results.length, next: null, previous: null, results });

function apiKey(overrides: Partial<ApiKey> = {}): ApiKey {
  return {
    id: 1,
    name: 'checkout-service',
    prefix: 'trb_99887766',
    model: 'iris',
    active: true,
    created_by: 'ada',
    created_at: '2026-01-01T00:00:00Z',
    last_used_at: null,
    revoked_by: null,
    revoked_at: null,
    ...overrides,
  };
}

function routes(
  role: Role,
  keys: () => ApiKey[],
  extra: Record<string, MockReply | ((init: RequestInit) => MockReply)> = {},
) {
  return {
    'GET /api/v1/workspaces/': {
      body: page([{ id: 1, name: 'Demo', slug: 'demo', role, created_at: '2025-01-01T00:00:00Z' }]),
    },
    [`GET ${BASE}/api-keys/`]: () => ({ body: page(keys()) }),
    [`GET ${BASE}/models/`]: {
      body: page([
        {
          name: 'iris',
          versions: 1,
          latest_version: 1,
          production_version: null,
          requests: 0,
          updated_at: '2026-01-01T00:00:00Z',
        },
      ]),
    },
    [`GET ${BASE}/models/iris/versions/`]: {
      body: page([
        {
          version: 1,
          stage: 'none',
          signature: [{ name: 'petal width (cm)', dtype: 'float64' }],
        },
      ]),
    },
    ...extra,
  };
}

function renderPage(path = '/w/demo/api-keys') {
  const router = createMemoryRouter([{ path: '/w/:slug/api-keys', element: <ApiKeysPage /> }], {
    initialEntries: [path],
  });
  render(
    <Providers client={createQueryClient()}>
      <RouterProvider router={router} />
    </Providers>,
  );
}

const writeText = vi.fn(async () => undefined);

/** jsdom has <dialog> but not its modal methods. */
function stubDialogs() {
  const dialog = HTMLDialogElement.prototype;
  dialog.showModal = function showModal(this: HTMLDialogElement) {
    this.setAttribute('open', '');
  };
  dialog.close = function close(this: HTMLDialogElement) {
    this.removeAttribute('open');
    this.dispatchEvent(new Event('close'));
  };
}

beforeEach(() => {
  document.cookie = 'csrftoken=tok';
  stubDialogs();
  Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
});

afterEach(() => {
  Reflect.deleteProperty(HTMLDialogElement.prototype, 'showModal');
  Reflect.deleteProperty(HTMLDialogElement.prototype, 'close');
  Reflect.deleteProperty(navigator, 'clipboard');
});

describe('the API keys page', () => {
  it('lists keys with their model, author, use and state', async () => {
    mockApi(
      routes('editor', () => [
        apiKey({ last_used_at: '2026-01-02T00:00:00Z' }),
        apiKey({
          id: 2,
          name: 'old batch job',
          prefix: 'trb_00000000',
          model: '',
          active: false,
          revoked_by: 'grace',
          revoked_at: '2026-01-03T00:00:00Z',
        }),
      ]),
    );
    renderPage();

    const active = await screen.findByRole('row', { name: /checkout-service/ });
    const revoked = screen.getByRole('row', { name: /old batch job/ });
    expect(active).toHaveTextContent('checkout-service');
    expect(active).toHaveTextContent('trb_99887766_…');
    expect(within(active).getByRole('link', { name: 'iris' })).toHaveAttribute(
      'href',
      '/w/demo/models/iris',
    );
    expect(active).toHaveTextContent('by ada');
    expect(active).toHaveTextContent('active');
    expect(await within(active).findByRole('button', { name: /^Revoke/ })).toBeInTheDocument();
    expect(revoked).toHaveTextContent('all models');
    expect(revoked).toHaveTextContent('never');
    expect(revoked).toHaveTextContent('revoked');
    expect(revoked).toHaveTextContent('by grace');
    expect(within(revoked).queryByRole('button')).not.toBeInTheDocument();
  });

  it('shows a new key once, with a copy button and a curl call, until dismissed', async () => {
    let keys: ApiKey[] = [];
    let sent: unknown;
    mockApi(
      routes('owner', () => keys, {
        [`POST ${BASE}/api-keys/`]: (init) => {
          sent = JSON.parse(String(init.body));
          const created: ApiKeyCreated = { ...apiKey({ id: 5 }), key: SECRET };
          keys = [apiKey({ id: 5 })];
          return { status: 201, body: created };
        },
      }),
    );
    renderPage('/w/demo/api-keys?model=iris');

    const form = await screen.findByRole('form', { name: 'New API key' });
    expect(within(form).getByLabelText('Model')).toHaveValue('iris');
    fireEvent.change(within(form).getByLabelText('Name'), {
      target: { value: '  checkout-service ' },
    });
    fireEvent.click(within(form).getByRole('button', { name: 'Create key' }));

    const secret = await screen.findByLabelText('API key for model iris');
    expect(sent).toEqual({ name: 'checkout-service', model: 'iris' });
    expect(secret).toHaveValue(SECRET);
    expect(secret).toHaveFocus();
    expect(screen.getByText('You won’t see it again.')).toBeInTheDocument();
    expect(await screen.findByLabelText('Example request with the new key')).toHaveTextContent(
      `Authorization: Api-Key ${SECRET}`,
    );
    expect(screen.getByLabelText('Example request with the new key')).toHaveTextContent(
      '{"instances":[{"petal width (cm)":0.5}]}',
    );

    fireEvent.click(screen.getByRole('button', { name: 'Copy key' }));
    await waitFor(() => expect(writeText).toHaveBeenCalledWith(SECRET));
    expect(await screen.findByText('Copied')).toBeInTheDocument();

    expect(await screen.findByText('checkout-service', { selector: '.cell-title' })).toBeVisible();
    expect(within(form).getByLabelText('Name')).toHaveValue('');

    fireEvent.click(screen.getByRole('button', { name: 'I have copied the key' }));
    expect(screen.queryByDisplayValue(SECRET)).not.toBeInTheDocument();
    expect(screen.getByRole('heading', { level: 1, name: 'API keys' })).toHaveFocus();
    expect(document.body).not.toHaveTextContent(SECRET);
  });

  it("asks for a name before calling the API, and shows the server's refusal", async () => {
    mockApi(
      routes('editor', () => [], {
        [`POST ${BASE}/api-keys/`]: {
          status: 403,
          body: {
            message: 'You need the editor role in this workspace.',
            code: 'permission_denied',
          },
        },
      }),
    );
    renderPage();

    const form = await screen.findByRole('form', { name: 'New API key' });
    fireEvent.click(within(form).getByRole('button', { name: 'Create key' }));
    expect(within(form).getByRole('alert')).toHaveTextContent(
      'Name the key after the application that will use it.',
    );
    expect(within(form).getByLabelText('Name')).toHaveAttribute('aria-invalid', 'true');

    fireEvent.change(within(form).getByLabelText('Name'), { target: { value: 'batch' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Create key' }));
    expect(
      await within(form).findByText('You need the editor role in this workspace.'),
    ).toHaveAttribute('role', 'alert');
    expect(screen.queryByLabelText(/^API key for/)).not.toBeInTheDocument();
  });

  it('revokes a key after confirmation', async () => {
    let keys = [apiKey()];
    const revoked = vi.fn();
    mockApi(
      routes('editor', () => keys, {
        [`DELETE ${BASE}/api-keys/1/`]: () => {
          revoked();
          keys = [apiKey({ active: false, revoked_by: 'ada', revoked_at: '2026-01-04T00:00:00Z' })];
          return { status: 204 };
        },
      }),
    );
    renderPage();

    fireEvent.click(
      await screen.findByRole('button', { name: 'Revoke checkout-service (trb_99887766)' }),
    );
    const dialog = screen.getByRole('dialog', { name: 'Revoke “checkout-service”?' });
    expect(dialog).toHaveTextContent('This cannot be undone');
    expect(revoked).not.toHaveBeenCalled();
    fireEvent.click(within(dialog).getByRole('button', { name: 'Revoke key' }));

    await waitFor(() => expect(revoked).toHaveBeenCalledOnce());
    expect(await screen.findByText('revoked')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /^Revoke/ })).not.toBeInTheDocument();
  });

  it('lets a viewer see the keys but not create or revoke them', async () => {
    mockApi(routes('viewer', () => [apiKey()]));
    renderPage();

    expect(await screen.findByText('checkout-service')).toBeInTheDocument();
    expect(await screen.findByText(/You are a viewer in this workspace/)).toBeInTheDocument();
    expect(screen.queryByRole('form', { name: 'New API key' })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /Revoke/ })).not.toBeInTheDocument();
    expect(screen.getByLabelText('Example request with an API key')).toHaveTextContent(
      'Api-Key $TRIBUTARY_API_KEY',
    );
  });
});
