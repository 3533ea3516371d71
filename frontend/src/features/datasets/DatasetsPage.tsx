import { useCallback } from 'react';
import { Link, useParams, useSearchParams } from 'react-router-dom';

import { useDataset, useDatasetPage } from '../../api/datasets';
import { pageCount } from '../../api/pages';
import { EntityTable } from '../../ui/EntityTable';
import { ListSection } from '../../ui/ListSection';
import { PageHeader } from '../../ui/PageHeader';
import { Pager } from '../../ui/Pager';
import { Section } from '../../ui/Section';
import { usePageParam } from '../../ui/usePageParam';
import { DatasetDetailPanel } from './DatasetDetailPanel';
import { addedColumn, formatColumn, nameColumn, rowsColumn, sizeColumn } from './datasetColumns';
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
      <PageHeader eyebrow={<Link to={`/w/${slug}`}>Workspace</Link>} title="Datasets" />
      <Section title="Upload">
        <UploadForm slug={slug} onUploaded={(dataset) => select(dataset.id, true)} />
      </Section>
      <ListSection
        title="All datasets"
        noun="datasets"
        query={datasets}
        empty={{
          title: 'No datasets yet',
          text: 'Upload a CSV or Parquet file above; pipelines read it with the Dataset block.',
        }}
        footer={<Pager page={page} pages={pages} noun="datasets" onChange={setPage} />}
      >
        {(data) => (
          <EntityTable
            items={data.results}
            itemKey={(dataset) => dataset.id}
            rowClassName={(dataset) => (dataset.id === selectedId ? 'row--selected' : undefined)}
            isCurrent={(dataset) => dataset.id === selectedId}
            columns={[
              nameColumn((dataset) => (
                <button
                  type="button"
                  className="button--link cell-title"
                  onClick={() => select(dataset.id)}
                >
                  {dataset.name}
                </button>
              )),
              formatColumn,
              rowsColumn,
              {
                header: 'Columns',
                numeric: true,
                cell: (dataset) => dataset.schema.length,
              },
              sizeColumn,
              addedColumn(true),
            ]}
          />
        )}
      </ListSection>
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
