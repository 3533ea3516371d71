import { render, screen, within } from '@testing-library/react';
import { createMemoryRouter, RouterProvider } from 'react-router-dom';
import { describe, expect, it } from 'vitest';

import { mockApi, type MockReply } from '../test/mockApi';
import { Providers } from './Providers';
import { createQueryClient } from './queryClient';
import { routes } from './routes';

const page = <T,>(results: T[]) => ({ count: results.length, next: null, previous: null, results });

const SIGNED_IN: Record<string, MockReply> = {
  'GET /api/v1/auth/me/': { body: { id: 1, username: 'ada' } },
  'GET /api/v1/workspaces/': {
    body: page([
      { id: 1, name: 'Demo', slug: 'demo', role: 'editor', created_at: '2025-01-01T00:00:00Z' },
    ]),
  },
};

function renderApp(path: string, extra: Record<string, MockReply> = {}) {
  const fetchMock = mockApi({ ...SIGNED_IN, ...extra });
  const router = createMemoryRouter(routes, { initialEntries: [path] });
  render(
    <Providers client={createQueryClient()}>
      <RouterProvider router={router} />
    </Providers>,
  );
  return fetchMock;
}

const requested = (fetchMock: ReturnType<typeof mockApi>) =>
  fetchMock.mock.calls.map(([input]) => new URL(String(input), 'http://localhost').pathname);

/** The page says `title` once, in its heading, with one sentence and one way back. */
async function expectNotFound(title: string, sentence: string, back: [string, string]) {
  const heading = await screen.findByRole('heading', { level: 1, name: title });
  const message = heading.closest('section');
  expect(message).not.toBeNull();
  const section = within(message as HTMLElement);
  expect(section.getByText(sentence)).toBeInTheDocument();
  expect(section.getAllByRole('link')).toHaveLength(1);
  expect(section.getByRole('link', { name: back[0] })).toHaveAttribute('href', back[1]);
  expect(screen.getAllByRole('heading', { level: 1 })).toHaveLength(1);
}

describe('not-found pages', () => {
  it('an unknown address', async () => {
    renderApp('/nowhere');
    await expectNotFound('Page not found', 'There is nothing at this address.', [
      'Go to your workspaces',
      '/',
    ]);
  });

  it('a workspace the user is not in, asking nothing else of the server', async () => {
    const fetchMock = renderApp('/w/nope');
    await expectNotFound(
      'Workspace not found',
      'There is no workspace “nope”, or you are not a member of it. Ask one of its owners to add you.',
      ['Go to your workspaces', '/'],
    );
    expect(requested(fetchMock).filter((path) => path.includes('/nope'))).toEqual([]);
  });

  it('a run number that is not a number, without asking the server', async () => {
    const fetchMock = renderApp('/w/demo/runs/abc');
    await expectNotFound('Run not found', '“abc” is not a run number.', [
      'All runs',
      '/w/demo/runs',
    ]);
    expect(requested(fetchMock).filter((path) => path.includes('/runs/'))).toEqual([]);
  });

  it('a run that does not exist, said once', async () => {
    renderApp('/w/demo/runs/99999', {
      'GET /api/v1/workspaces/demo/runs/99999/': {
        status: 404,
        body: { message: 'run 99999 not found in this workspace', code: 'not_found' },
      },
      'GET /api/v1/blocks/': { body: [] },
    });
    await expectNotFound('Run not found', 'There is no run #99999 in this workspace.', [
      'All runs',
      '/w/demo/runs',
    ]);
    expect(screen.queryByText(/run 99999 not found/)).not.toBeInTheDocument();
  });

  it('a pipeline id that is not a number, without asking the server', async () => {
    const fetchMock = renderApp('/w/demo/pipelines/abc');
    expect(
      await screen.findByRole('heading', { level: 1, name: 'Pipeline not found' }),
    ).toBeInTheDocument();
    expect(requested(fetchMock).filter((path) => path.includes('/pipelines/'))).toEqual([]);
  });
});
