import { Link, useParams } from 'react-router-dom';

import { useWorkspaces } from '../../api/workspaces';
import { Badge } from '../../ui/Badge';
import { DatasetsSection } from './DatasetsSection';
import { ModelsSection } from './ModelsSection';
import { PipelinesSection } from './PipelinesSection';
import { RunsSection } from './RunsSection';

/** /w/:slug — a workspace's pipelines, datasets and recent runs. */
export function WorkspaceHomePage() {
  const { slug = '' } = useParams();
  const workspaces = useWorkspaces();
  const workspace = workspaces.data?.results.find((candidate) => candidate.slug === slug);

  if (workspaces.isSuccess && !workspace) {
    return (
      <section className="page-message">
        <title>Workspace not found · Tributary</title>
        <h1>Workspace not found</h1>
        <p>
          There is no workspace &ldquo;{slug}&rdquo;, or you are not a member of it. Ask one of its
          owners to add you.
        </p>
        <Link to="/" className="button">
          Go to your workspaces
        </Link>
      </section>
    );
  }

  const name = workspace?.name ?? slug;

  return (
    <div className="workspace-home">
      <title>{`${name} · Tributary`}</title>
      <div className="page-header">
        <div>
          <p className="eyebrow">Workspace</p>
          <h1>{name}</h1>
        </div>
        {workspace?.role && <Badge>{workspace.role}</Badge>}
      </div>
      <PipelinesSection slug={slug} />
      <div className="two-columns">
        <DatasetsSection slug={slug} />
        <RunsSection slug={slug} />
        <ModelsSection slug={slug} />
      </div>
    </div>
  );
}
