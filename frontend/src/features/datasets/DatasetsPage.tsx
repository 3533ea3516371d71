import { useCallback } from 'react';
import { Link, useParams, useSearchParams } from 'react-router-dom';

import { useDataset, useDatasetPage } from '../../api/datasets';
import { pageCount } from '../../api/pages';
import { Badge } from '../../ui/Badge';
import { Count } from '../../ui/Count';
import { formatBytes, formatCount } from '../../ui/format';
import { Pager } from '../../ui/Pager';
import { QueryState } from '../../ui/QueryState';
import { RelativeTime } from '../../ui/RelativeTime';
import { Section } from '../../ui/Section';
import { usePageParam } from '../../ui/usePageParam';
import { DatasetDetailPanel } from './DatasetDetailPanel';
import './datasets.css';
import { UploadForm } from './UploadForm';

const PAGE_SIZE = 25;

/** /w/:slug/datasets — upload datasets, and look at one's schema and first rows. */
export function DatasetsPage() {
  const { slug = '' } = useParams();
  const [page, setPage] = usePageParam();
  const backToFirst = useCallback(() => setPage(1, { replace: true }), [setPage]);
  const datasets = useDatasetPage(slug, page, PAGE_SIZE, backToFirst);
  const [searchParams, setSearchParams] = useSearchParams();
  const selectedId = Number(searchParams.get('dataset')) || null;
  const list = datasets.data?.results ?? [];
  const onPage = list.find((dataset) => dataset.id === selectedId);
  // A dataset chosen elsewhere (the home page, a link) may be on another page: fetch it alone.
  const fetched = useDataset(slug, onPage === undefined ? selectedId : null);
  const selected = onPage ?? fetched.data ?? null;
  const pages = datasets.data ? pageCount(datasets.data.count, PAGE_SIZE) : 1;

  /** Show dataset `id` (null: none); `firstPage` also goes back to the newest datasets. */
  function select(id: number | null, firstPage = false) {
    setSearchParams(
      (params) => {
        const next = new URLSearchParams(params);
        if (id === null) {
          next.delete('dataset');
        } else {
          next.set('dataset', String(id));
        }
        if (firstPage) {
          next.delete('page');
        }
        return next;
      },
      { replace: true },
    );
  }

  return (
    <div className="page">
      <title>Datasets · Tributary</title>
      <div className="page-header">
        <div>
          <p className="eyebrow">
            <Link to={`/w/${slug}`}>Workspace</Link>
          </p>
          <h1>Datasets</h1>
        </div>
      </div>
      <Section title="Upload">
        <UploadForm slug={slug} onUploaded={(dataset) => select(dataset.id, true)} />
      </Section>
      <Section title="All datasets" meta={<Count value={datasets.data?.count} noun="datasets" />}>
        <QueryState
          query={datasets}
          noun="datasets"
          isEmpty={(data) => data.results.length === 0}
          empty={
            <>
              <p className="empty-state__title">No datasets yet</p>
              <p className="muted">
                Upload a CSV or Parquet file above; pipelines read it with the Dataset block.
              </p>
            </>
          }
        >
          {(data) => (
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Format</th>
                  <th scope="col" className="num">
                    Rows
                  </th>
                  <th scope="col" className="num">
                    Columns
                  </th>
                  <th scope="col" className="num">
                    Size
                  </th>
                  <th scope="col">Added</th>
                </tr>
              </thead>
              <tbody>
                {data.results.map((dataset) => (
                  <tr
                    key={dataset.id}
                    className={dataset.id === selectedId ? 'row--selected' : undefined}
                    aria-current={dataset.id === selectedId || undefined}
                  >
                    <th scope="row">
                      <button
                        type="button"
                        className="button--link cell-title"
                        onClick={() => select(dataset.id)}
                      >
                        {dataset.name}
                      </button>
                      {dataset.original_filename && dataset.original_filename !== dataset.name && (
                        <span className="cell-sub">{dataset.original_filename}</span>
                      )}
                    </th>
                    <td>
                      <Badge>{dataset.format.toUpperCase()}</Badge>
                    </td>
                    <td className="num">{formatCount(dataset.row_count)}</td>
                    <td className="num">{dataset.schema.length}</td>
                    <td className="num">{formatBytes(dataset.size_bytes)}</td>
                    <td>
                      <RelativeTime value={dataset.created_at} />
                      {dataset.created_by && <span className="cell-sub">{dataset.created_by}</span>}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </QueryState>
        <Pager page={page} pages={pages} noun="datasets" onChange={setPage} />
      </Section>
      {selected ? (
        <DatasetDetailPanel
          key={selected.id}
          slug={slug}
          dataset={selected}
          onDeleted={() => select(null)}
        />
      ) : (
        list.length > 0 && (
          <p className="muted">Choose a dataset to see its schema and first rows.</p>
        )
      )}
    </div>
  );
}
