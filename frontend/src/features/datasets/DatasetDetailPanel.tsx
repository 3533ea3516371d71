import { useId, useState, type FormEvent } from 'react';

import {
  useDatasetPreview,
  useDeleteDataset,
  useRenameDataset,
  type DatasetDetail,
} from '../../api/datasets';
import { Badge } from '../../ui/Badge';
import { DataTable } from '../../ui/DataTable';
import { ConfirmDialog } from '../../ui/Dialog';
import { EntityTable } from '../../ui/EntityTable';
import { ErrorState } from '../../ui/ErrorState';
import { formatBytes, formatCount, formatDateTime } from '../../ui/format';
import { Loading } from '../../ui/Loading';

function RenameForm({ slug, dataset }: { slug: string; dataset: DatasetDetail }) {
  const id = useId();
  const rename = useRenameDataset(slug);
  const [name, setName] = useState(dataset.name);

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    rename.mutate({ id: dataset.id, name: name.trim() });
  }

  const unchanged = name.trim() === dataset.name || name.trim() === '';
  return (
    <form className="rename" onSubmit={onSubmit} aria-label="Rename the dataset">
      <div className="field field--inline">
        <label htmlFor={`${id}-name`}>Name</label>
        <input
          id={`${id}-name`}
          value={name}
          onChange={(event) => setName(event.target.value)}
          maxLength={200}
          required
          aria-invalid={rename.isError || undefined}
          aria-describedby={rename.isError ? `${id}-error` : undefined}
        />
      </div>
      <button type="submit" className="button" disabled={unchanged || rename.isPending}>
        {rename.isPending ? 'Saving…' : 'Rename'}
      </button>
      {rename.isError && (
        <p id={`${id}-error`} className="form-error" role="alert">
          {rename.error.message}
        </p>
      )}
    </form>
  );
}

function Preview({ slug, dataset }: { slug: string; dataset: DatasetDetail }) {
  const preview = useDatasetPreview(slug, dataset.id);
  if (preview.isPending) {
    return <Loading label="Loading the first rows…" />;
  }
  if (preview.isError) {
    return (
      <ErrorState
        title="Could not load the preview"
        error={preview.error}
        onRetry={() => void preview.refetch()}
      />
    );
  }
  if (preview.data.rows.length === 0) {
    return <p className="muted">This dataset has no rows.</p>;
  }
  return (
    <>
      <p className="muted small">
        The first {preview.data.rows.length} of {formatCount(preview.data.row_count)} rows
      </p>
      <DataTable
        columns={preview.data.columns}
        rows={preview.data.rows}
        label={`First rows of ${dataset.name}`}
      />
    </>
  );
}

/** One dataset: its facts, schema and first rows; rename and delete. */
export function DatasetDetailPanel({
  slug,
  dataset,
  onDeleted,
}: {
  slug: string;
  dataset: DatasetDetail;
  onDeleted: () => void;
}) {
  const remove = useDeleteDataset(slug);
  const [confirming, setConfirming] = useState(false);

  return (
    <section className="card dataset-detail" aria-label={`Dataset ${dataset.name}`}>
      <div className="card__header">
        <h2>{dataset.name}</h2>
        <Badge>{dataset.format.toUpperCase()}</Badge>
        <span className="toolbar__spacer" />
        <button
          type="button"
          className="button button--small button--danger"
          onClick={() => {
            remove.reset();
            setConfirming(true);
          }}
        >
          Delete…
        </button>
      </div>
      <div className="dataset-detail__body">
        <dl className="facts">
          <div>
            <dt>File</dt>
            <dd>{dataset.original_filename || '—'}</dd>
          </div>
          <div>
            <dt>Rows</dt>
            <dd>{formatCount(dataset.row_count)}</dd>
          </div>
          <div>
            <dt>Columns</dt>
            <dd>{dataset.schema.length}</dd>
          </div>
          <div>
            <dt>Size</dt>
            <dd>{formatBytes(dataset.size_bytes)}</dd>
          </div>
          <div>
            <dt>Added</dt>
            <dd>
              {formatDateTime(dataset.created_at)}
              {dataset.created_by && ` by ${dataset.created_by}`}
            </dd>
          </div>
          <div>
            <dt>Content hash</dt>
            <dd className="mono" title={dataset.content_hash}>
              {dataset.content_hash.slice(0, 12)}
            </dd>
          </div>
        </dl>
        <RenameForm key={dataset.id + dataset.name} slug={slug} dataset={dataset} />
        <div className="dataset-detail__grid">
          <div>
            <h3>Schema</h3>
            <EntityTable
              className="table table--compact schema-table"
              items={dataset.schema}
              itemKey={(column) => column.name}
              columns={[
                { header: 'Column', rowHeader: true, cell: (column) => column.name },
                { header: 'Type', className: 'mono', cell: (column) => column.dtype },
                { header: 'Nulls', numeric: true, cell: (column) => formatCount(column.nulls) },
              ]}
            />
          </div>
          <div className="dataset-detail__preview">
            <h3>Preview</h3>
            <Preview slug={slug} dataset={dataset} />
          </div>
        </div>
      </div>
      <ConfirmDialog
        open={confirming}
        title={`Delete “${dataset.name}”?`}
        confirmLabel={remove.isPending ? 'Deleting…' : 'Delete dataset'}
        pending={remove.isPending}
        error={remove.error}
        onCancel={() => setConfirming(false)}
        onConfirm={() =>
          remove.mutate(dataset.id, {
            onSuccess: () => {
              setConfirming(false);
              onDeleted();
            },
          })
        }
      >
        <p>
          The file and its preview are removed from this workspace. Pipelines that read it will fail
          validation until they use another dataset. This cannot be undone.
        </p>
      </ConfirmDialog>
    </section>
  );
}
