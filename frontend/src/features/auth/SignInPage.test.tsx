import { fireEvent, render, screen, within } from '@testing-library/react';
import { createMemoryRouter, RouterProvider } from 'react-router-dom';
import { describe, expect, it } from 'vitest';

import { Providers } from '../../app/Providers';
import { createQueryClient } from '../../app/queryClient';
import { routes } from '../../app/routes';
import { headersOf, mockApi } from '../../test/mockApi';

const notSignedIn = { status: 401, body: { message: 'not signed in', code: 'not_authenticated' } };

function renderApp(path = '/') {
  const router = createMemoryRouter(routes, { initialEntries: [path] });
  render(
    <Providers client={createQueryClient()}>
      <RouterProvider router={router} />
    </Providers>,
  );
  return router;
}

async function signIn(username: string, password: string) {
  const form = await screen.findByRole('form', { name: 'Sign in' });
  fireEvent.change(within(form).getByLabelText('Username'), { target: { value: username } });
  fireEvent.change(within(form).getByLabelText('Password'), { target: { value: password } });
  fireEvent.click(within(form).getByRole('button', { name: 'Sign in' }));
}

describe('sign-in', () => {
  it("shows the server's message when the credentials are refused", async () => {
    document.cookie = 'csrftoken=tok';
    const fetchMock = mockApi({
      'GET /api/v1/auth/me/': notSignedIn,
      'POST /api/v1/auth/login/': {
        status: 401,
        body: { message: 'wrong username or password', code: 'authentication_failed' },
      },
    });
    renderApp('/w/acme');

    await signIn('ada', 'not-her-password');

    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('wrong username or password');
    expect(screen.getByLabelText('Password')).toHaveAttribute('aria-invalid', 'true');
    const login = fetchMock.mock.calls.find(([url]) => String(url).endsWith('/auth/login/'));
    expect(login?.[1]?.body).toBe(
      JSON.stringify({ username: 'ada', password: 'not-her-password' }),
    );
    expect(headersOf(login?.[1])['x-csrftoken']).toBe('tok');
  });

  it('opens the first workspace after signing in, and signs out', async () => {
    document.cookie = 'csrftoken=tok';
    const user = { id: 1, username: 'ada', first_name: '', last_name: '', email: '' };
    const page = <T,>(results: T[]) => ({
      count: results.length,
      next: null,
      previous: null,
      results,
    });
    mockApi({
      'GET /api/v1/auth/me/': notSignedIn,
      'POST /api/v1/auth/login/': { body: user },
      'POST /api/v1/auth/logout/': { status: 204 },
      'GET /api/v1/workspaces/': {
        body: page([
          { id: 1, name: 'Demo', slug: 'demo', role: 'owner', created_at: '2025-01-01T00:00:00Z' },
          {
            id: 2,
            name: 'Other',
            slug: 'other',
            role: 'viewer',
            created_at: '2025-01-02T00:00:00Z',
          },
        ]),
      },
      'GET /api/v1/workspaces/demo/pipelines/': {
        body: page([
          {
            id: 7,
            name: 'Churn classifier',
            description: 'Predicts churn',
            revision: 3,
            latest_version: 2,
            node_count: 5,
            created_by: 'ada',
            created_at: '2025-01-01T00:00:00Z',
            updated_at: '2025-01-01T00:00:00Z',
          },
        ]),
      },
      'GET /api/v1/workspaces/demo/datasets/': { body: page([]) },
      'GET /api/v1/workspaces/demo/models/': { body: page([]) },
      'GET /api/v1/workspaces/demo/runs/': {
        status: 403,
        body: {
          message: 'You do not have permission to perform this action.',
          code: 'permission_denied',
        },
      },
    });
    const router = renderApp('/');

    await signIn('ada', 'secret');

    expect(await screen.findByRole('heading', { name: 'Pipelines' })).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/w/demo');
    const switcher = screen.getByLabelText('Workspace');
    expect(switcher).toHaveValue('demo');
    expect(within(switcher).getByRole('option', { selected: true })).toHaveTextContent('Demo');
    expect(await screen.findByText('Churn classifier')).toBeInTheDocument();
    expect(await screen.findByText('No datasets yet')).toBeInTheDocument();
    expect(await screen.findByText('No models yet')).toBeInTheDocument();
    expect(await screen.findByText('Could not load runs')).toBeInTheDocument();
    expect(screen.getByText('ada', { selector: '.app-header__user' })).toBeInTheDocument();

    fireEvent.click(screen.getByRole('button', { name: 'Sign out' }));

    expect(await screen.findByRole('form', { name: 'Sign in' })).toBeInTheDocument();
    expect(screen.queryByRole('heading', { name: 'Pipelines' })).not.toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/');
  });
});
