import { Link, useParams, useSearchParams } from 'react-router-dom';

import { useDatasetList } from '../../api/datasets';
import { Badge } from '../../ui/Badge';
import { Count } from '../../ui/Count';
import { formatBytes, formatCount } from '../../ui/format';
import { QueryState } from '../../ui/QueryState';
import { RelativeTime } from '../../ui/RelativeTime';
import { Section } from '../../ui/Section';
import { DatasetDetailPanel } from './DatasetDetailPanel';
import './datasets.css';
import { UploadForm } from './UploadForm';

/** /w/:slug/datasets — upload datasets, and look at one's schema and first rows. */
export function DatasetsPage() {
  const { slug = '' } = useParams();
  const datasets = useDatasetList(slug);
  const [searchParams, setSearchParams] = useSearchParams();
  const selectedId = Number(searchParams.get('dataset')) || null;
  const list = datasets.data?.results ?? [];
  const selected = list.find((dataset) => dataset.id === selectedId) ?? null;

  function select(id: number | null) {
    setSearchParams(
      (params) => {
        const next = new URLSearchParams(params);
        if (id === null) {
          next.delete('dataset');
        } else {
          next.set('dataset', String(id));
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
        <UploadForm slug={slug} onUploaded={(dataset) => select(dataset.id)} />
      </Section>
      <Section title="All datasets" meta={<Count value={datasets.data?.count} noun="datasets" />}>
        <QueryState
          query={datasets}
          noun="datasets"
          isEmpty={(page) => page.results.length === 0}
          empty={
            <>
              <p className="empty-state__title">No datasets yet</p>
              <p className="muted">
                Upload a CSV or Parquet file above; pipelines read it with the Dataset block.
              </p>
            </>
          }
        >
          {(page) => (
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
                {page.results.map((dataset) => (
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
