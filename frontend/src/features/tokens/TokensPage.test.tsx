import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { createMemoryRouter, RouterProvider } from 'react-router-dom';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import type { AuthToken, AuthTokenCreated } from '../../api/tokens';
import { Providers } from '../../app/Providers';
import { createQueryClient } from '../../app/queryClient';
import { mockApi, type MockReply } from '../../test/mockApi';
import { TokensPage } from './TokensPage';

const URL = '/api/v1/auth/tokens/';
const SECRET = 'trt_1a2b3c4d_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQ';

const page = <T,>(results: T[]) => ({ count: results.length, next: null, previous: null, results });

function token(overrides: Partial<AuthToken> = {}): AuthToken {
  return {
    id: 1,
    name: 'nightly-export',
    prefix: 'trt_99887766',
    created_at: '2026-01-01T00:00:00Z',
    last_used_at: null,
    expires_at: '2099-01-01T00:00:00Z',
    current: false,
    ...overrides,
  };
}

function routes(
  tokens: () => AuthToken[],
  extra: Record<string, MockReply | ((init: RequestInit) => MockReply)> = {},
) {
  return { [`GET ${URL}`]: () => ({ body: page(tokens()) }), ...extra };
}

function renderPage() {
  const router = createMemoryRouter([{ path: '/account/tokens', element: <TokensPage /> }], {
    initialEntries: ['/account/tokens'],
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

describe('the API tokens page', () => {
  it('lists the tokens with their prefix and use, never a key', async () => {
    mockApi(
      routes(() => [
        token({ last_used_at: '2026-01-02T00:00:00Z', current: true }),
        token({ id: 2, name: 'laptop', prefix: 'trt_00000000' }),
      ]),
    );
    renderPage();

    const used = await screen.findByRole('row', { name: /nightly-export/ });
    const unused = screen.getByRole('row', { name: /laptop/ });
    expect(used).toHaveTextContent('trt_99887766_…');
    expect(used).toHaveTextContent('this session');
    expect(unused).toHaveTextContent('never');
    expect(unused).not.toHaveTextContent('this session');
    expect(
      within(unused).getByRole('button', { name: 'Revoke laptop (trt_00000000)' }),
    ).toBeVisible();
  });

  it('shows a new token once, with a copy button, until dismissed', async () => {
    let tokens: AuthToken[] = [];
    let sent: unknown;
    mockApi(
      routes(() => tokens, {
        [`POST ${URL}`]: (init) => {
          sent = JSON.parse(String(init.body));
          const created: AuthTokenCreated = { ...token({ id: 5 }), token: SECRET };
          tokens = [token({ id: 5 })];
          return { status: 201, body: created };
        },
      }),
    );
    renderPage();

    const form = await screen.findByRole('form', { name: 'New API token' });
    fireEvent.change(within(form).getByLabelText('Name'), {
      target: { value: ' nightly-export ' },
    });
    fireEvent.change(within(form).getByLabelText('Expires after'), { target: { value: '168' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Create token' }));

    const secret = await screen.findByLabelText('API token');
    expect(sent).toEqual({ name: 'nightly-export', expires_in_hours: 168 });
    expect(secret).toHaveValue(SECRET);
    expect(secret).toHaveFocus();
    fireEvent.click(screen.getByRole('button', { name: 'Copy token' }));
    await waitFor(() => expect(writeText).toHaveBeenCalledWith(SECRET));
    expect(await screen.findByText('nightly-export', { selector: '.cell-title' })).toBeVisible();

    fireEvent.click(screen.getByRole('button', { name: 'I have copied the token' }));
    expect(screen.queryByDisplayValue(SECRET)).not.toBeInTheDocument();
    expect(screen.getByRole('heading', { level: 1, name: 'API tokens' })).toHaveFocus();
    expect(document.body).not.toHaveTextContent(SECRET);
  });

  it("asks for a name before calling the API, and shows the server's refusal", async () => {
    const fetchMock = mockApi(
      routes(() => [], {
        [`POST ${URL}`]: {
          status: 400,
          body: {
            message: 'name: Ensure this field has no more than 100 characters.',
            code: 'invalid',
            field: 'name',
            fields: { name: ['too long'] },
          },
        },
      }),
    );
    renderPage();

    const form = await screen.findByRole('form', { name: 'New API token' });
    fireEvent.click(within(form).getByRole('button', { name: 'Create token' }));
    expect(within(form).getByRole('alert')).toHaveTextContent('Name the token');
    expect(fetchMock.mock.calls.some(([, init]) => init?.method === 'POST')).toBe(false);

    fireEvent.change(within(form).getByLabelText('Name'), { target: { value: 'x' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Create token' }));
    expect(await within(form).findByText(/no more than 100 characters/)).toHaveAttribute(
      'role',
      'alert',
    );
    expect(within(form).getByLabelText('Name')).toHaveAttribute('aria-invalid', 'true');
    expect(screen.queryByLabelText('API token')).not.toBeInTheDocument();
  });

  it('revokes a token after confirmation', async () => {
    let tokens = [token()];
    const revoked = vi.fn();
    mockApi(
      routes(() => tokens, {
        [`DELETE ${URL}1/`]: () => {
          revoked();
          tokens = [];
          return { status: 204 };
        },
      }),
    );
    renderPage();

    fireEvent.click(
      await screen.findByRole('button', { name: 'Revoke nightly-export (trt_99887766)' }),
    );
    const dialog = screen.getByRole('dialog', { name: 'Revoke “nightly-export”?' });
    expect(revoked).not.toHaveBeenCalled();
    fireEvent.click(within(dialog).getByRole('button', { name: 'Revoke token' }));

    await waitFor(() => expect(revoked).toHaveBeenCalledOnce());
    expect(await screen.findByText('No API tokens')).toBeInTheDocument();
  });
});
