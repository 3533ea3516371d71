import { lazy } from 'react';
import type { RouteObject } from 'react-router-dom';

import { RequireAuth } from '../features/auth/RequireAuth';
import { HomePage } from '../features/workspaces/HomePage';
import { NewWorkspacePage } from '../features/workspaces/NewWorkspacePage';
import { WorkspaceHomePage } from '../features/workspaces/WorkspaceHomePage';
import { AppLayout } from './AppLayout';
import { NotFoundPage, RouteErrorPage } from './ErrorPages';

// Pages with charts and the canvas load on first visit (the layout's Suspense shows progress).
const DatasetsPage = lazy(() =>
  import('../features/datasets/DatasetsPage').then((m) => ({ default: m.DatasetsPage })),
);
const RunsPage = lazy(() =>
  import('../features/runs/RunsPage').then((m) => ({ default: m.RunsPage })),
);
const RunComparePage = lazy(() =>
  import('../features/runs/RunComparePage').then((m) => ({ default: m.RunComparePage })),
);
const RunViewPage = lazy(() =>
  import('../features/runs/RunViewPage').then((m) => ({ default: m.RunViewPage })),
);
const EditorPage = lazy(() =>
  import('../features/editor/EditorPage').then((m) => ({ default: m.EditorPage })),
);
const NewPipelinePage = lazy(() =>
  import('../features/editor/NewPipelinePage').then((m) => ({ default: m.NewPipelinePage })),
);
const ModelsPage = lazy(() =>
  import('../features/models/ModelsPage').then((m) => ({ default: m.ModelsPage })),
);
const ModelPage = lazy(() =>
  import('../features/models/ModelPage').then((m) => ({ default: m.ModelPage })),
);
const ApiKeysPage = lazy(() =>
  import('../features/apiKeys/ApiKeysPage').then((m) => ({ default: m.ApiKeysPage })),
);

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
      { path: 'w/:slug/pipelines/new', element: <NewPipelinePage /> },
      { path: 'w/:slug/pipelines/:id', element: <EditorPage /> },
      { path: 'w/:slug/datasets', element: <DatasetsPage /> },
      { path: 'w/:slug/runs', element: <RunsPage /> },
      { path: 'w/:slug/runs/compare', element: <RunComparePage /> },
      { path: 'w/:slug/runs/:runId', element: <RunViewPage /> },
      { path: 'w/:slug/models', element: <ModelsPage /> },
      { path: 'w/:slug/models/:name', element: <ModelPage /> },
      { path: 'w/:slug/api-keys', element: <ApiKeysPage /> },
      { path: '*', element: <NotFoundPage /> },
    ],
  },
];
