import { Link } from 'react-router-dom';

import { useExpandingDatasets } from '../../api/datasets';
import { Badge } from '../../ui/Badge';
import { Count } from '../../ui/Count';
import { formatBytes, formatCount } from '../../ui/format';
import { ShowMore } from '../../ui/Pager';
import { QueryState } from '../../ui/QueryState';
import { RelativeTime } from '../../ui/RelativeTime';
import { Section } from '../../ui/Section';

/** The workspace's latest datasets, 10 at a time. */
export function DatasetsSection({ slug }: { slug: string }) {
  const datasets = useExpandingDatasets(slug, 10);

  return (
    <Section
      title="Datasets"
      meta={
        <>
          <Count value={datasets.data?.count} noun="datasets" />
          <Link to={`/w/${slug}/datasets`} className="card__action">
            Upload and browse
          </Link>
        </>
      }
    >
      <QueryState
        query={datasets}
        noun="datasets"
        isEmpty={(list) => list.results.length === 0}
        empty={
          <>
            <p className="empty-state__title">No datasets yet</p>
            <p className="muted">Upload a CSV or Parquet file to use it in a pipeline.</p>
          </>
        }
      >
        {(list) => (
          <>
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Format</th>
                  <th scope="col" className="num">
                    Rows
                  </th>
                  <th scope="col" className="num">
                    Size
                  </th>
                  <th scope="col">Added</th>
                </tr>
              </thead>
              <tbody>
                {list.results.map((dataset) => (
                  <tr key={dataset.id}>
                    <th scope="row">
                      <Link to={`/w/${slug}/datasets?dataset=${dataset.id}`} className="cell-title">
                        {dataset.name}
                      </Link>
                      {dataset.original_filename && dataset.original_filename !== dataset.name && (
                        <span className="cell-sub">{dataset.original_filename}</span>
                      )}
                    </th>
                    <td>
                      <Badge>{dataset.format.toUpperCase()}</Badge>
                    </td>
                    <td className="num">{formatCount(dataset.row_count)}</td>
                    <td className="num">{formatBytes(dataset.size_bytes)}</td>
                    <td>
                      <RelativeTime value={dataset.created_at} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            <ShowMore
              list={datasets}
              shown={list.results.length}
              total={list.count}
              noun="datasets"
            />
          </>
        )}
      </QueryState>
    </Section>
  );
}
