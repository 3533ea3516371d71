import { Link, useParams } from 'react-router-dom';

import { ApiError } from '../../api/client';
import { useModelVersions, type ModelVersion } from '../../api/models';
import { Badge, type Tone } from '../../ui/Badge';
import { ErrorState } from '../../ui/ErrorState';
import { formatCount } from '../../ui/format';
import { Loading } from '../../ui/Loading';
import { RelativeTime } from '../../ui/RelativeTime';
import { Section } from '../../ui/Section';
import { formatMetric } from '../runs/figures';
import './models.css';
import { MonitoringSection } from './MonitoringSection';
import { StageControl } from './StageControl';
import { TryItForm } from './TryItForm';

const STAGE_TONES: Record<string, Tone> = {
  production: 'success',
  staging: 'info',
  archived: 'warning',
  none: 'neutral',
};

function Metrics({ metrics }: { metrics: Record<string, number> }) {
  const entries = Object.entries(metrics).filter(([key]) => key !== 'n_test');
  if (entries.length === 0) {
    return <span className="muted">—</span>;
  }
  return (
    <dl className="inline-metrics">
      {entries.map(([key, value]) => (
        <div key={key}>
          <dt>{key}</dt>
          <dd>{typeof value === 'number' ? formatMetric(value) : String(value)}</dd>
        </div>
      ))}
    </dl>
  );
}

function VersionsTable({
  slug,
  name,
  versions,
}: {
  slug: string;
  name: string;
  versions: ModelVersion[];
}) {
  return (
    <table className="table versions-table">
      <thead>
        <tr>
          <th scope="col">Version</th>
          <th scope="col">Stage</th>
          <th scope="col">Metrics</th>
          <th scope="col">Made by</th>
          <th scope="col" className="num">
            Requests
          </th>
        </tr>
      </thead>
      <tbody>
        {versions.map((version) => (
          <tr key={version.version}>
            <th scope="row">
              <span className="cell-title">v{version.version}</span>
              {version.stage !== 'none' && (
                <Badge tone={STAGE_TONES[version.stage] ?? 'neutral'}>{version.stage}</Badge>
              )}
            </th>
            <td>
              <StageControl slug={slug} name={name} version={version} />
            </td>
            <td>
              <Metrics metrics={version.metrics} />
            </td>
            <td>
              {version.run ? (
                <Link to={`/w/${slug}/runs/${version.run}`}>run #{version.run}</Link>
              ) : (
                <span className="muted">no run</span>
              )}
              <span className="cell-sub">
                {version.created_by ?? 'someone'}, <RelativeTime value={version.created_at} />
              </span>
            </td>
            <td className="num">
              {formatCount(version.request_count)}
              {version.error_count > 0 && (
                <span className="cell-sub">{formatCount(version.error_count)} failed</span>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/**
 * /w/:slug/models/:name — a model's versions, their stages and metrics, a form to try it, and the
 * requests and input drift of one version.
 */
export function ModelPage() {
  const { slug = '', name = '' } = useParams();
  const versions = useModelVersions(slug, name);

  let body;
  if (versions.isPending) {
    body = <Loading label="Loading the model’s versions…" />;
  } else if (versions.isError) {
    const missing = versions.error instanceof ApiError && versions.error.status === 404;
    body = (
      <ErrorState
        title={
          missing ? `There is no model “${name}” in this workspace` : 'Could not load the model'
        }
        error={versions.error}
        onRetry={missing ? undefined : () => void versions.refetch()}
      />
    );
  } else {
    const list = versions.data.results;
    body = (
      <div className="model-layout">
        <Section title="Versions">
          <VersionsTable slug={slug} name={name} versions={list} />
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
      <div className="page-header">
        <div>
          <p className="eyebrow">
            <Link to={`/w/${slug}/models`}>Models</Link>
          </p>
          <h1>{name}</h1>
        </div>
        <div className="page-header__actions">
          <Link className="button" to={`/w/${slug}/api-keys?model=${encodeURIComponent(name)}`}>
            API keys
          </Link>
        </div>
      </div>
      {body}
    </div>
  );
}
