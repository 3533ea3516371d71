import type { RouteObject } from 'react-router-dom';

import { RequireAuth } from '../features/auth/RequireAuth';
import { HomePage } from '../features/workspaces/HomePage';
import { NewWorkspacePage } from '../features/workspaces/NewWorkspacePage';
import { WorkspaceHomePage } from '../features/workspaces/WorkspaceHomePage';
import { AppLayout } from './AppLayout';
import { NotFoundPage, RouteErrorPage } from './ErrorPages';

export const routes: RouteObject[] = [
  {
    element: (
      <RequireAuth>
        <AppLayout />
      </RequireAuth>
    ),
    errorElement: <RouteErrorPage />,
    children: [
      { index: true, element: <HomePage /> },
      { path: 'workspaces/new', element: <NewWorkspacePage /> },
      { path: 'w/:slug', element: <WorkspaceHomePage /> },
      { path: '*', element: <NotFoundPage /> },
    ],
  },
];
