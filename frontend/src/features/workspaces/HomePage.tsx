import { useId } from 'react';
import { Navigate } from 'react-router-dom';

import { useWorkspaces } from '../../api/workspaces';
import { ErrorState } from '../../ui/ErrorState';
import { Loading } from '../../ui/Loading';
import { CreateWorkspaceForm } from './CreateWorkspaceForm';

/** The site root: the first workspace, or a form to create one when there is none. */
export function HomePage() {
  const workspaces = useWorkspaces();
  const headingId = useId();

  if (workspaces.isPending) {
    return <Loading label="Loading workspaces…" />;
  }
  if (workspaces.isError) {
    return (
      <ErrorState
        title="Could not load your workspaces"
        error={workspaces.error}
        onRetry={() => void workspaces.refetch()}
      />
    );
  }

  const first = workspaces.data.results[0];
  if (first) {
    return <Navigate to={`/w/${first.slug}`} replace />;
  }

  return (
    <div className="page-narrow">
      <title>Welcome · Tributary</title>
      <h1 id={headingId}>Create workspace</h1>
      <p className="muted">
        A workspace holds a team&rsquo;s datasets, pipelines and runs. You are not a member of any
        yet: create the first one.
      </p>
      <CreateWorkspaceForm labelledBy={headingId} />
    </div>
  );
}
