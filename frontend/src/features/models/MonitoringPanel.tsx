import { Link } from 'react-router-dom';

import type { SignatureColumn } from '../../api/models';
import { useMonitoring, type Monitoring } from '../../api/monitoring';
import { DataTable } from '../../ui/DataTable';
import { ErrorState } from '../../ui/ErrorState';
import { formatCount } from '../../ui/format';
import { Loading } from '../../ui/Loading';
import { RelativeTime } from '../../ui/RelativeTime';
import { Section } from '../../ui/Section';
import { RefreshButton } from './RefreshButton';
import { formatLatency, formatShare, recentErrors, sampleTable } from './monitoringView';

function Totals({ data }: { data: Monitoring }) {
  return (
    <dl className="metric-list monitoring-totals">
      <div>
        <dt>Requests</dt>
        <dd>{formatCount(data.requests)}</dd>
      </div>
      <div>
        <dt>Errors</dt>
        <dd className={data.errors > 0 ? 'monitoring-totals__bad' : undefined}>
          {formatCount(data.errors)}
          <span className="monitoring-totals__sub">{formatShare(data.error_rate)}</span>
        </dd>
      </div>
      <div>
        <dt>Predicted rows</dt>
        <dd>{formatCount(data.predicted_rows)}</dd>
      </div>
      <div>
        <dt>Last request</dt>
        <dd>{data.last_request_at ? <RelativeTime value={data.last_request_at} /> : 'never'}</dd>
      </div>
      <div>
        <dt>Latency p50</dt>
        <dd>{formatLatency(data.latency_ms.p50)}</dd>
      </div>
      <div>
        <dt>Latency p95</dt>
        <dd>{formatLatency(data.latency_ms.p95)}</dd>
      </div>
    </dl>
  );
}

function RecentErrors({ data }: { data: Monitoring }) {
  const errors = recentErrors(data.recent_errors);
  if (errors.length === 0) {
    return (
      <p className="muted small">No failed request among the last {data.latency_ms.window}.</p>
    );
  }
  return (
    <table className="table table--compact">
      <thead>
        <tr>
          <th scope="col">When</th>
          <th scope="col" className="num">
            Status
          </th>
          <th scope="col">Error</th>
        </tr>
      </thead>
      <tbody>
        {errors.map((error, index) => (
          <tr key={index}>
            <td className="nowrap">
              {error.createdAt ? <RelativeTime value={error.createdAt} /> : '—'}
            </td>
            <td className="num">{error.status ?? '—'}</td>
            <td>
              {error.code && <span className="mono small">{error.code}</span>}
              <span className="cell-sub monitoring-error">{error.message}</span>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Report({
  data,
  slug,
  name,
  signature,
}: {
  data: Monitoring;
  slug: string;
  name: string;
  signature: SignatureColumn[];
}) {
  if (data.requests === 0) {
    return (
      <div className="empty-state">
        <p className="empty-state__title">No requests yet</p>
        <p className="muted">
          Predict requests answered by v{data.model_version} are counted here: use “Try it”, or call
          predict from an application with an{' '}
          <Link to={`/w/${slug}/api-keys?model=${encodeURIComponent(name)}`}>API key</Link>.
        </p>
      </div>
    );
  }
  const sample = sampleTable(data.sample, signature);
  return (
    <div className="monitoring">
      <Totals data={data} />
      <p className="muted small">
        Latency is measured on the server over the last {formatCount(data.latency_ms.window)}{' '}
        requests.
      </p>
      <div className="monitoring__part">
        <h3>Recent errors</h3>
        <RecentErrors data={data} />
      </div>
      <div className="monitoring__part">
        <h3>Recent inputs</h3>
        {sample.rows.length === 0 ? (
          <p className="muted small">No successful request has been recorded yet.</p>
        ) : (
          <DataTable
            columns={sample.columns}
            rows={sample.rows}
            label={`Recent inputs of v${data.model_version}`}
          />
        )}
      </div>
    </div>
  );
}

/** Requests, errors and latency of one version, with its last errors and a sample of inputs. */
export function MonitoringPanel({
  slug,
  name,
  version,
  signature,
}: {
  slug: string;
  name: string;
  version: number;
  signature: SignatureColumn[];
}) {
  const monitoring = useMonitoring(slug, name, version);

  let body;
  if (monitoring.isPending) {
    body = <Loading label="Loading the requests…" />;
  } else if (monitoring.isError) {
    body = (
      <ErrorState
        title="Could not load the monitoring of this version"
        error={monitoring.error}
        onRetry={() => void monitoring.refetch()}
      />
    );
  } else {
    body = <Report data={monitoring.data} slug={slug} name={name} signature={signature} />;
  }

  return (
    <Section
      title={`Requests to v${version}`}
      meta={<RefreshButton query={monitoring} noun="requests" />}
    >
      {body}
    </Section>
  );
}
