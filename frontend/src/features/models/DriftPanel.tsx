import { useId, useState } from 'react';

import { ApiError } from '../../api/client';
import type { SignatureColumn } from '../../api/models';
import { useDrift, type Drift, type DriftFeature } from '../../api/monitoring';
import { Badge } from '../../ui/Badge';
import { ErrorState } from '../../ui/ErrorState';
import { formatCount } from '../../ui/format';
import { Loading } from '../../ui/Loading';
import { Section } from '../../ui/Section';
import { BinsChart } from './BinsChart';
import { RefreshButton } from './RefreshButton';
import { driftSummary, formatPsi, formatShare, inSignatureOrder, psiBars } from './monitoringView';
import { PsiChart } from './PsiChart';

function BinsTable({ feature }: { feature: DriftFeature }) {
  return (
    <table className="table table--compact drift-bins">
      <caption className="visually-hidden">Bins of {feature.name}</caption>
      <thead>
        <tr>
          <th scope="col">{feature.kind === 'numeric' ? 'Range' : 'Value'}</th>
          <th scope="col" className="num">
            Training rows
          </th>
          <th scope="col" className="num">
            Recent inputs
          </th>
          <th scope="col" className="num">
            PSI term
          </th>
        </tr>
      </thead>
      <tbody>
        {feature.bins.map((bin) => (
          <tr key={bin.bin}>
            <th scope="row">{bin.bin}</th>
            <td className="num">{formatShare(bin.expected)}</td>
            <td className="num">{formatShare(bin.actual)}</td>
            <td className="num">{formatPsi(bin.psi)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function FeatureRows({ feature }: { feature: DriftFeature }) {
  const [open, setOpen] = useState(false);
  const binsId = useId();
  return (
    <>
      <tr>
        <th scope="row" className="drift-table__column">
          {feature.name}
        </th>
        <td className="muted">{feature.kind}</td>
        <td className="num">{formatPsi(feature.psi)}</td>
        <td>
          {feature.psi === null ? (
            <span className="muted">no inputs</span>
          ) : feature.drift ? (
            <Badge tone="danger">drifted</Badge>
          ) : (
            <Badge tone="success">stable</Badge>
          )}
        </td>
        <td className="drift-table__action">
          <button
            type="button"
            className="button button--small"
            aria-expanded={open}
            aria-controls={open ? binsId : undefined}
            aria-label={`${open ? 'Hide' : 'Show'} the bins of ${feature.name}`}
            onClick={() => setOpen(!open)}
          >
            {open ? 'Hide bins' : 'Bins'}
          </button>
        </td>
      </tr>
      {open && (
        <tr id={binsId} className="drift-table__bins">
          <td colSpan={5}>
            <div className="drift-bins__body">
              <BinsChart column={feature.name} bins={feature.bins} />
              <BinsTable feature={feature} />
            </div>
          </td>
        </tr>
      )}
    </>
  );
}

function DriftReport({ report, signature }: { report: Drift; signature: SignatureColumn[] }) {
  if (report.features.length === 0) {
    return (
      <div className="empty-state">
        <p className="empty-state__title">No input columns to compare</p>
        <p className="muted">This version’s signature has no columns.</p>
      </div>
    );
  }
  if (report.inputs === 0) {
    return (
      <div className="empty-state">
        <p className="empty-state__title">No inputs to compare yet</p>
        <p className="muted">
          Drift compares the rows of successful predict requests to v{report.model_version} with the
          rows it was trained on.
        </p>
      </div>
    );
  }
  return (
    <div className="drift">
      <p className="drift__summary">
        <Badge tone={report.drift ? 'danger' : 'success'}>
          {report.drift ? 'drift' : 'no drift'}
        </Badge>
        <span>
          {driftSummary(report.features)}: {formatCount(report.inputs)} recent input rows against{' '}
          {formatCount(report.training_rows)} training rows. A column drifts when its PSI is above{' '}
          {report.threshold}.
        </span>
      </p>
      <PsiChart bars={psiBars(report.features)} threshold={report.threshold} />
      <table className="table table--compact drift-table">
        <caption className="visually-hidden">PSI per column</caption>
        <thead>
          <tr>
            <th scope="col">Column</th>
            <th scope="col">Kind</th>
            <th scope="col" className="num">
              PSI
            </th>
            <th scope="col">Status</th>
            <th scope="col">
              <span className="visually-hidden">Bins</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {inSignatureOrder(report.features, signature).map((feature) => (
            <FeatureRows key={feature.name} feature={feature} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Recent inputs of a version against its training rows: PSI per column, bins on demand. */
export function DriftPanel({
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
  const drift = useDrift(slug, name, version);

  let body;
  if (drift.isPending) {
    body = <Loading label="Comparing recent inputs with the training rows…" />;
  } else if (drift.isError) {
    if (drift.error instanceof ApiError && drift.error.code === 'no_training_data') {
      body = (
        <div className="notice" role="status">
          <p className="notice__title">No training rows to compare with</p>
          <p>{drift.error.message}</p>
          <p className="muted small">
            Drift needs a version published by a pipeline run whose training rows are still stored.
          </p>
        </div>
      );
    } else {
      body = (
        <ErrorState
          title="Could not compute drift"
          error={drift.error}
          onRetry={() => void drift.refetch()}
        />
      );
    }
  } else {
    body = <DriftReport report={drift.data} signature={signature} />;
  }

  return (
    <Section title={`Drift of v${version}`} meta={<RefreshButton query={drift} noun="drift" />}>
      {body}
    </Section>
  );
}
