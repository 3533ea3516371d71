import { Link } from 'react-router-dom';

import { useExpandingRuns } from '../../api/runs';
import { Count } from '../../ui/Count';
import { formatDuration } from '../../ui/format';
import { ShowMore } from '../../ui/Pager';
import { QueryState } from '../../ui/QueryState';
import { RelativeTime } from '../../ui/RelativeTime';
import { Section } from '../../ui/Section';
import { RunStatusBadge } from './RunStatusBadge';

/** The workspace's latest runs, 10 at a time. */
export function RunsSection({ slug }: { slug: string }) {
  const runs = useExpandingRuns(slug, 10);

  return (
    <Section
      title="Runs"
      meta={
        <>
          <Count value={runs.data?.count} noun="runs" />
          <Link to={`/w/${slug}/runs`} className="card__action">
            All runs
          </Link>
        </>
      }
    >
      <QueryState
        query={runs}
        noun="runs"
        isEmpty={(list) => list.results.length === 0}
        empty={
          <>
            <p className="empty-state__title">No runs yet</p>
            <p className="muted">Runs appear here once a pipeline is started.</p>
          </>
        }
      >
        {(list) => (
          <>
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">Run</th>
                  <th scope="col">Pipeline</th>
                  <th scope="col">Status</th>
                  <th scope="col">Started</th>
                  <th scope="col" className="num">
                    Took
                  </th>
                </tr>
              </thead>
              <tbody>
                {list.results.map((run) => (
                  <tr key={run.id}>
                    <th scope="row" className="mono">
                      <Link to={`/w/${slug}/runs/${run.id}`}>#{run.id}</Link>
                    </th>
                    <td>
                      <span className="cell-title">{run.pipeline_name}</span>
                      <span className="cell-sub">
                        v{run.version}
                        {run.created_by && ` · ${run.created_by}`}
                      </span>
                    </td>
                    <td>
                      <RunStatusBadge status={run.status} />
                    </td>
                    <td>
                      <RelativeTime value={run.created_at} />
                    </td>
                    <td className="num">
                      {run.finished_at ? (
                        formatDuration(run.started_at ?? run.created_at, run.finished_at)
                      ) : (
                        <span className="muted">—</span>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            <ShowMore list={runs} shown={list.results.length} total={list.count} noun="runs" />
          </>
        )}
      </QueryState>
    </Section>
  );
}
