import { artifactDownloadUrl, useArtifactPreview } from '../../api/runs';
import type { ArtifactPreview, StepOutput, TablePreview } from '../../api/runTypes';
import { DataTable } from '../../ui/DataTable';
import { EntityTable } from '../../ui/EntityTable';
import { ErrorState } from '../../ui/ErrorState';
import { formatBytes, formatCount } from '../../ui/format';
import { Loading } from '../../ui/Loading';
import { FigureChart } from './charts/FigureChart';
import { MetricList } from './MetricList';
import { formatMetric } from './figures';

function ColumnStatsTable({ table }: { table: TablePreview }) {
  if (table.stats.length === 0) {
    return null;
  }
  return (
    <div className="data-table" role="region" aria-label="Column statistics" tabIndex={0}>
      <EntityTable
        className="table table--compact"
        items={table.stats}
        itemKey={(column) => column.name}
        columns={[
          {
            header: 'Column',
            rowHeader: true,
            cell: (column) => (
              <>
                {column.name}
                {column.name === table.target && <span className="tag">target</span>}
              </>
            ),
          },
          { header: 'Type', className: 'mono', cell: (column) => column.dtype },
          { header: 'Nulls', numeric: true, cell: (column) => formatCount(column.nulls) },
          { header: 'Distinct', numeric: true, cell: (column) => formatCount(column.distinct) },
          { header: 'Min', numeric: true, cell: (column) => statValue(column.min) },
          { header: 'Max', numeric: true, cell: (column) => statValue(column.max) },
          { header: 'Mean', numeric: true, cell: (column) => statValue(column.mean) },
          { header: 'Std', numeric: true, cell: (column) => statValue(column.std) },
        ]}
      />
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
  return <MetricList entries={entries} className="metric-list" />;
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
