import '@xyflow/react/dist/style.css';
import { useMemo } from 'react';
import { Link, useParams } from 'react-router-dom';

import { ApiError } from '../../api/client';
import { useBlockCatalogue, useEditorPipeline } from '../../api/pipelines';
import { useWorkspaces } from '../../api/workspaces';
import { parseGraph } from '../../graph/json';
import '../../ui/pages.css';
import { ErrorState } from '../../ui/ErrorState';
import { parseIdParam } from '../../ui/idParam';
import { Loading } from '../../ui/Loading';
import './editor.css';
import { PipelineEditor } from './PipelineEditor';

function NotFound({ slug }: { slug: string }) {
  return (
    <section className="page-message">
      <title>Pipeline not found · Tributary</title>
      <h1>Pipeline not found</h1>
      <p>There is no such pipeline in this workspace, or you are not a member of the workspace.</p>
      <Link to={`/w/${encodeURIComponent(slug)}`} className="button">
        Back to the workspace
      </Link>
    </section>
  );
}

/** /w/:slug/pipelines/:id — the pipeline editor, once the draft and the catalogue are loaded. */
export function EditorPage() {
  const { slug = '', id } = useParams();
  const pipelineId = parseIdParam(id);
  if (pipelineId === null) {
    return <NotFound slug={slug} />;
  }
  return <PipelineEditorPage slug={slug} pipelineId={pipelineId} />;
}

function PipelineEditorPage({ slug, pipelineId }: { slug: string; pipelineId: number }) {
  const pipeline = useEditorPipeline(slug, pipelineId);
  const blocks = useBlockCatalogue();
  const workspaces = useWorkspaces();
  const workspace = workspaces.data?.results.find((candidate) => candidate.slug === slug);
  const parsed = useMemo(
    () => (pipeline.data ? parseGraph(pipeline.data.graph) : null),
    [pipeline.data],
  );

  if (pipeline.isError) {
    if (pipeline.error instanceof ApiError && pipeline.error.status === 404) {
      return <NotFound slug={slug} />;
    }
    return (
      <div className="page-message">
        <ErrorState
          title="Could not open the pipeline"
          error={pipeline.error}
          onRetry={() => void pipeline.refetch()}
        />
      </div>
    );
  }
  if (blocks.isError) {
    return (
      <div className="page-message">
        <ErrorState
          title="Could not load the block catalogue"
          error={blocks.error}
          onRetry={() => void blocks.refetch()}
        />
      </div>
    );
  }
  if (
    !pipeline.data ||
    !pipeline.isFetchedAfterMount ||
    !blocks.data ||
    !parsed ||
    workspaces.isPending
  ) {
    return (
      <div className="page-message">
        <Loading label="Opening the pipeline…" />
      </div>
    );
  }
  if (!parsed.ok) {
    return (
      <div className="page-message">
        <ErrorState
          title="This pipeline's saved graph cannot be read"
          error={new Error(parsed.error)}
        />
      </div>
    );
  }

  return (
    <PipelineEditor
      key={pipelineId}
      slug={slug}
      workspaceName={workspace?.name ?? slug}
      pipeline={pipeline.data}
      graph={parsed.graph}
      blocks={blocks.data}
      readOnly={workspace?.role === 'viewer'}
    />
  );
}
