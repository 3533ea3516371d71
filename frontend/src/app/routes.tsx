import type { ComponentType } from 'react';
import type { RouteObject } from 'react-router-dom';

import { RequireAuth } from '../features/auth/RequireAuth';
import { HomePage } from '../features/workspaces/HomePage';
import { NewWorkspacePage } from '../features/workspaces/NewWorkspacePage';
import { WorkspaceHomePage } from '../features/workspaces/WorkspaceHomePage';
import { Loading } from '../ui/Loading';
import { AppLayout } from './AppLayout';
import { NotFoundPage, RouteErrorPage } from './ErrorPages';

/**
 * A route whose page loads on first visit. Loading it through the router (not React.lazy) lets
 * the router report the wait (`useNavigation`), so the layout's progress bar shows while the
 * old page stays up.
 */
function lazyPage<M>(load: () => Promise<M>, pick: (module: M) => ComponentType) {
  return async () => ({ Component: pick(await load()) });
}

// Pages with charts and the canvas load on first visit.
const loadDatasetsPage = lazyPage(
  () => import('../features/datasets/DatasetsPage'),
  (m) => m.DatasetsPage,
);
const loadRunsPage = lazyPage(
  () => import('../features/runs/RunsPage'),
  (m) => m.RunsPage,
);
const loadRunComparePage = lazyPage(
  () => import('../features/runs/RunComparePage'),
  (m) => m.RunComparePage,
);
const loadRunViewPage = lazyPage(
  () => import('../features/runs/RunViewPage'),
  (m) => m.RunViewPage,
);
const loadEditorPage = lazyPage(
  () => import('../features/editor/EditorPage'),
  (m) => m.EditorPage,
);
const loadNewPipelinePage = lazyPage(
  () => import('../features/editor/NewPipelinePage'),
  (m) => m.NewPipelinePage,
);
const loadModelsPage = lazyPage(
  () => import('../features/models/ModelsPage'),
  (m) => m.ModelsPage,
);
const loadModelPage = lazyPage(
  () => import('../features/models/ModelPage'),
  (m) => m.ModelPage,
);
const loadApiKeysPage = lazyPage(
  () => import('../features/apiKeys/ApiKeysPage'),
  (m) => m.ApiKeysPage,
);
const loadTokensPage = lazyPage(
  () => import('../features/tokens/TokensPage'),
  (m) => m.TokensPage,
);
const loadOperationsPage = lazyPage(
  () => import('../features/operations/OperationsPage'),
  (m) => m.OperationsPage,
);

export const routes: RouteObject[] = [
  {
    element: (
      <RequireAuth>
        <AppLayout />
      </RequireAuth>
    ),
    errorElement: <RouteErrorPage />,
    // Shown once, while the first page's code loads.
    hydrateFallbackElement: (
      <main className="page-message">
        <Loading label="Loading Tributary…" />
      </main>
    ),
    children: [
      { index: true, element: <HomePage /> },
      { path: 'workspaces/new', element: <NewWorkspacePage /> },
      { path: 'w/:slug', element: <WorkspaceHomePage /> },
      { path: 'w/:slug/pipelines/new', lazy: loadNewPipelinePage },
      { path: 'w/:slug/pipelines/:id', lazy: loadEditorPage },
      { path: 'w/:slug/datasets', lazy: loadDatasetsPage },
      { path: 'w/:slug/runs', lazy: loadRunsPage },
      { path: 'w/:slug/runs/compare', lazy: loadRunComparePage },
      { path: 'w/:slug/runs/:runId', lazy: loadRunViewPage },
      { path: 'w/:slug/models', lazy: loadModelsPage },
      { path: 'w/:slug/models/:name', lazy: loadModelPage },
      { path: 'w/:slug/api-keys', lazy: loadApiKeysPage },
      { path: 'account/tokens', lazy: loadTokensPage },
      { path: 'operations', lazy: loadOperationsPage },
      { path: '*', element: <NotFoundPage /> },
    ],
  },
];
