import { artifactDownloadUrl, useArtifactPreview } from '../../api/runs';
import type { ArtifactPreview, StepOutput, TablePreview } from '../../api/runTypes';
import { DataTable } from '../../ui/DataTable';
import { ErrorState } from '../../ui/ErrorState';
import { formatBytes, formatCount } from '../../ui/format';
import { Loading } from '../../ui/Loading';
import { FigureChart } from './charts/FigureChart';
import { formatMetric } from './figures';

function ColumnStatsTable({ table }: { table: TablePreview }) {
  if (table.stats.length === 0) {
    return null;
  }
  return (
    <div className="data-table" role="region" aria-label="Column statistics" tabIndex={0}>
      <table className="table table--compact">
        <thead>
          <tr>
            <th scope="col">Column</th>
            <th scope="col">Type</th>
            <th scope="col" className="num">
              Nulls
            </th>
            <th scope="col" className="num">
              Distinct
            </th>
            <th scope="col" className="num">
              Min
            </th>
            <th scope="col" className="num">
              Max
            </th>
            <th scope="col" className="num">
              Mean
            </th>
            <th scope="col" className="num">
              Std
            </th>
          </tr>
        </thead>
        <tbody>
          {table.stats.map((column) => (
            <tr key={column.name}>
              <th scope="row">
                {column.name}
                {column.name === table.target && <span className="tag">target</span>}
              </th>
              <td className="mono">{column.dtype}</td>
              <td className="num">{formatCount(column.nulls)}</td>
              <td className="num">{formatCount(column.distinct)}</td>
              <td className="num">{statValue(column.min)}</td>
              <td className="num">{statValue(column.max)}</td>
              <td className="num">{statValue(column.mean)}</td>
              <td className="num">{statValue(column.std)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function statValue(value: number | string | null | undefined): string {
  if (typeof value === 'number') {
    return formatMetric(Math.abs(value) < 1e-9 ? 0 : value);
  }
  return value ?? '—';
}

function TableArtifact({ table, port }: { table: TablePreview; port: string }) {
  return (
    <div className="artifact-table">
      <p className="muted small">
        {formatCount(table.row_count)} rows × {table.columns.length} columns
        {table.rows.length < (table.row_count ?? 0) && `; the first ${table.rows.length} shown`}
        {table.target && `; target “${table.target}”`}
      </p>
      <h4>Column statistics</h4>
      <ColumnStatsTable table={table} />
      <h4>Rows</h4>
      <DataTable
        columns={table.columns}
        rows={table.rows}
        label={`Rows of ${port}`}
        highlight={table.target}
      />
    </div>
  );
}

function MetricsArtifact({ data }: { data: Record<string, number> }) {
  const entries = Object.entries(data);
  if (entries.length === 0) {
    return <p className="muted">No metrics.</p>;
  }
  return (
    <dl className="metric-list">
      {entries.map(([key, value]) => (
        <div key={key}>
          <dt>{key}</dt>
          <dd>{typeof value === 'number' ? formatMetric(value) : String(value)}</dd>
        </div>
      ))}
    </dl>
  );
}

function ModelArtifact({ metadata }: { metadata: Record<string, unknown> }) {
  const features = Array.isArray(metadata.features) ? (metadata.features as string[]) : [];
  const classes = Array.isArray(metadata.classes) ? (metadata.classes as unknown[]) : [];
  const rows: [string, string][] = [
    ['Flavor', String(metadata.flavor ?? '—')],
    ['Task', String(metadata.task ?? '—')],
    ['Target', String(metadata.target ?? '—')],
  ];
  if (classes.length > 0) {
    rows.push(['Classes', classes.map(String).join(', ')]);
  }
  if (features.length > 0) {
    rows.push(['Features', features.join(', ')]);
  }
  return (
    <dl className="metric-list metric-list--wide">
      {rows.map(([key, value]) => (
        <div key={key}>
          <dt>{key}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

function ArtifactBody({ preview, port }: { preview: ArtifactPreview; port: string }) {
  switch (preview.kind) {
    case 'table':
      return <TableArtifact table={preview} port={port} />;
    case 'metrics':
      return <MetricsArtifact data={preview.data} />;
    case 'figure':
      return <FigureChart data={preview.data} />;
    case 'model':
      return <ModelArtifact metadata={preview.metadata ?? {}} />;
    default:
      return <p className="muted">Nothing to preview; download it instead.</p>;
  }
}

/** One output of a step: a heading with its port, kind and size, then its preview. */
export function ArtifactView({ slug, output }: { slug: string; output: StepOutput }) {
  const preview = useArtifactPreview(slug, output.id);
  return (
    <section
      className={`artifact artifact--${output.kind}`}
      aria-label={`Output ${output.port}`}
      data-testid={`artifact-${output.port}`}
    >
      <header className="artifact__header">
        <h3>{output.port}</h3>
        <span className="tag">{output.kind}</span>
        <span className="muted small">{formatBytes(output.size_bytes)}</span>
        <span className="toolbar__spacer" />
        <a className="small" href={artifactDownloadUrl(slug, output.id)} download>
          Download
        </a>
      </header>
      {preview.isPending && <Loading label={`Loading ${output.port}…`} />}
      {preview.isError && (
        <ErrorState
          title={`Could not load ${output.port}`}
          error={preview.error}
          onRetry={() => void preview.refetch()}
        />
      )}
      {preview.isSuccess && <ArtifactBody preview={preview.data} port={output.port} />}
    </section>
  );
}
