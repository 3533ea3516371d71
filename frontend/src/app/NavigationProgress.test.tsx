import { useQuery, useQueryClient } from '@tanstack/react-query';
import { act, fireEvent, render, screen } from '@testing-library/react';
import { createMemoryRouter, Link, Outlet, RouterProvider } from 'react-router-dom';
import { describe, expect, it } from 'vitest';

import { NavigationProgress } from './NavigationProgress';
import { Providers } from './Providers';
import { createQueryClient } from './queryClient';

function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}

function Layout() {
  return (
    <>
      <NavigationProgress />
      <Link to="/slow">Slow page</Link>
      <Link to="/data">Data page</Link>
      <Outlet />
    </>
  );
}

function DataPage({ load }: { load: () => Promise<string> }) {
  const queryClient = useQueryClient();
  const data = useQuery({ queryKey: ['answer'], queryFn: load });
  return (
    <>
      <p>{data.data ?? 'no answer yet'}</p>
      <button type="button" onClick={() => void queryClient.invalidateQueries()}>
        Refresh
      </button>
    </>
  );
}

function renderApp(options: { slow?: Promise<unknown>; load?: () => Promise<string> }) {
  const router = createMemoryRouter([
    {
      element: <Layout />,
      children: [
        { index: true, element: <p>Home page</p> },
        {
          path: 'slow',
          lazy: async () => {
            await options.slow;
            return { Component: () => <p>Slow page loaded</p> };
          },
        },
        {
          path: 'data',
          element: <DataPage load={options.load ?? (() => Promise.resolve(''))} />,
        },
      ],
    },
  ]);
  render(
    <Providers client={createQueryClient()}>
      <RouterProvider router={router} />
    </Providers>,
  );
}

const bar = () => screen.queryByRole('progressbar', { name: 'Loading the page' });

describe('NavigationProgress', () => {
  it('shows while the next page’s code loads, with the old page still up', async () => {
    const slow = deferred<null>();
    renderApp({ slow: slow.promise });
    expect(await screen.findByText('Home page')).toBeInTheDocument();
    expect(bar()).not.toBeInTheDocument();

    fireEvent.click(screen.getByRole('link', { name: 'Slow page' }));
    expect(await screen.findByRole('progressbar')).toBeInTheDocument();
    expect(screen.getByText('Home page')).toBeInTheDocument();

    await act(async () => slow.resolve(null));
    expect(await screen.findByText('Slow page loaded')).toBeInTheDocument();
    expect(bar()).not.toBeInTheDocument();
  });

  it('shows while a page fetches its first data, not while it refreshes', async () => {
    let answer = deferred<string>();
    renderApp({ load: () => answer.promise });
    await screen.findByText('Home page');

    fireEvent.click(screen.getByRole('link', { name: 'Data page' }));
    expect(await screen.findByText('no answer yet')).toBeInTheDocument();
    expect(bar()).toBeInTheDocument();

    await act(async () => answer.resolve('42'));
    expect(await screen.findByText('42')).toBeInTheDocument();
    expect(bar()).not.toBeInTheDocument();

    answer = deferred<string>();
    fireEvent.click(screen.getByRole('button', { name: 'Refresh' }));
    expect(screen.getByText('42')).toBeInTheDocument();
    expect(bar()).not.toBeInTheDocument();
    await act(async () => answer.resolve('43'));
    expect(await screen.findByText('43')).toBeInTheDocument();
  });
});
