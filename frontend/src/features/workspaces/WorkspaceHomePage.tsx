import { useParams } from 'react-router-dom';

import { useWorkspaces } from '../../api/workspaces';
import { Badge } from '../../ui/Badge';
import { PageMessage } from '../../ui/ErrorState';
import { Loading } from '../../ui/Loading';
import { PageHeader } from '../../ui/PageHeader';
import { DatasetsSection } from './DatasetsSection';
import { ModelsSection } from './ModelsSection';
import { PipelinesSection } from './PipelinesSection';
import { RunsSection } from './RunsSection';

const HOME = { to: '/', label: 'Go to your workspaces' };

/** /w/:slug — a workspace's pipelines, datasets and recent runs. */
export function WorkspaceHomePage() {
  const { slug = '' } = useParams();
  const workspaces = useWorkspaces();
  const workspace = workspaces.data?.results.find((candidate) => candidate.slug === slug);

  // The sections load only for a workspace the user is known to be a member of.
  if (workspaces.isPending) {
    return <Loading label="Loading the workspace…" />;
  }
  if (!workspace && workspaces.isError) {
    return (
      <PageMessage
        title="Could not load the workspace"
        back={HOME}
        onRetry={() => void workspaces.refetch()}
      >
        {workspaces.error.message}
      </PageMessage>
    );
  }
  if (!workspace) {
    return (
      <PageMessage title="Workspace not found" back={HOME}>
        There is no workspace “{slug}”, or you are not a member of it. Ask one of its owners to add
        you.
      </PageMessage>
    );
  }

  return (
    <div className="workspace-home">
      <title>{`${workspace.name} · Tributary`}</title>
      <PageHeader eyebrow="Workspace" title={workspace.name}>
        {workspace.role && <Badge>{workspace.role}</Badge>}
      </PageHeader>
      <PipelinesSection slug={slug} />
      <div className="two-columns">
        <DatasetsSection slug={slug} />
        <RunsSection slug={slug} />
        <ModelsSection slug={slug} />
      </div>
    </div>
  );
}
