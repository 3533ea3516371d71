import { Link, useParams } from 'react-router-dom';

import { ApiError } from '../../api/client';
import { useModelVersions, type ModelVersion } from '../../api/models';
import { EntityTable } from '../../ui/EntityTable';
import { ErrorState, PageMessage } from '../../ui/ErrorState';
import { formatCount } from '../../ui/format';
import { Loading } from '../../ui/Loading';
import { PageHeader } from '../../ui/PageHeader';
import { RelativeTime } from '../../ui/RelativeTime';
import { Section } from '../../ui/Section';
import { MetricList } from '../runs/MetricList';
import { canSetModelStage } from '../workspaces/permissions';
import { useWorkspaceRole } from '../workspaces/useWorkspaceRole';
import './models.css';
import { MonitoringSection } from './MonitoringSection';
import { StageBadge, StageControl } from './StageControl';
import { TryItForm } from './TryItForm';

function Metrics({ metrics }: { metrics: Record<string, number> }) {
  const entries = Object.entries(metrics).filter(([key]) => key !== 'n_test');
  if (entries.length === 0) {
    return <span className="muted">—</span>;
  }
  return <MetricList entries={entries} className="inline-metrics" />;
}

function VersionsTable({
  slug,
  name,
  versions,
  editable,
}: {
  slug: string;
  name: string;
  versions: ModelVersion[];
  /** Whether the user may move versions between stages (else each stage is a badge). */
  editable: boolean;
}) {
  return (
    <EntityTable
      className="table versions-table"
      items={versions}
      itemKey={(version) => version.version}
      columns={[
        {
          header: 'Version',
          rowHeader: true,
          cell: (version) => (
            <>
              <span className="cell-title">v{version.version}</span>
              {editable && version.stage !== 'none' && <StageBadge stage={version.stage} />}
            </>
          ),
        },
        {
          header: 'Stage',
          cell: (version) => (
            <StageControl
              slug={slug}
              name={name}
              version={version}
              versions={versions}
              editable={editable}
            />
          ),
        },
        { header: 'Metrics', cell: (version) => <Metrics metrics={version.metrics} /> },
        {
          header: 'Made by',
          cell: (version) => (
            <>
              {version.run ? (
                <Link to={`/w/${slug}/runs/${version.run}`}>run #{version.run}</Link>
              ) : (
                <span className="muted">no run</span>
              )}
              <span className="cell-sub">
                {version.created_by ?? 'someone'}, <RelativeTime value={version.created_at} />
              </span>
            </>
          ),
        },
        {
          header: 'Requests',
          numeric: true,
          cell: (version) => (
            <>
              {formatCount(version.request_count)}
              {version.error_count > 0 && (
                <span className="cell-sub">{formatCount(version.error_count)} failed</span>
              )}
            </>
          ),
        },
      ]}
    />
  );
}

/**
 * /w/:slug/models/:name — a model's versions, their stages and metrics, a form to try it, and the
 * requests and input drift of one version.
 */
export function ModelPage() {
  const { slug = '', name = '' } = useParams();
  const versions = useModelVersions(slug, name);
  const editable = canSetModelStage(useWorkspaceRole(slug));

  if (versions.isError && versions.error instanceof ApiError && versions.error.status === 404) {
    return (
      <PageMessage title="Model not found" back={{ to: `/w/${slug}/models`, label: 'All models' }}>
        There is no model “{name}” in this workspace.
      </PageMessage>
    );
  }

  let body;
  if (versions.isPending) {
    body = <Loading label="Loading the model’s versions…" />;
  } else if (versions.isError) {
    body = (
      <ErrorState
        title="Could not load the model"
        error={versions.error}
        onRetry={() => void versions.refetch()}
      />
    );
  } else {
    const list = versions.data.results;
    body = (
      <div className="model-layout">
        <Section title="Versions">
          <VersionsTable slug={slug} name={name} versions={list} editable={editable} />
          <p className="card__note">
            One version at a time is in production: promoting another archives it. Predict uses
            production, else the newest version.
          </p>
        </Section>
        <Section title="Try it" className="try-it-card">
          <TryItForm slug={slug} name={name} versions={list} />
        </Section>
        <MonitoringSection slug={slug} name={name} versions={list} />
      </div>
    );
  }

  return (
    <div className="page">
      <title>{`${name} · Models · Tributary`}</title>
      <PageHeader
        eyebrow={<Link to={`/w/${slug}/models`}>Models</Link>}
        title={name}
        actions={
          <Link className="button" to={`/w/${slug}/api-keys?model=${encodeURIComponent(name)}`}>
            API keys
          </Link>
        }
      />
      {body}
    </div>
  );
}
