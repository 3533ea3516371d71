import { Link } from 'react-router-dom';

import { useExpandingRuns } from '../../api/runs';
import { EntityTable } from '../../ui/EntityTable';
import { formatDuration } from '../../ui/format';
import { ListSection } from '../../ui/ListSection';
import { RelativeTime } from '../../ui/RelativeTime';
import { RunStatusBadge } from './RunStatusBadge';

/** The workspace's latest runs, 10 at a time. */
export function RunsSection({ slug }: { slug: string }) {
  const runs = useExpandingRuns(slug, 10);

  return (
    <ListSection
      title="Runs"
      noun="runs"
      query={runs}
      more={runs}
      action={{ to: `/w/${slug}/runs`, label: 'All runs' }}
      empty={{ title: 'No runs yet', text: 'Runs appear here once a pipeline is started.' }}
    >
      {(list) => (
        <EntityTable
          items={list.results}
          itemKey={(run) => run.id}
          columns={[
            {
              header: 'Run',
              rowHeader: true,
              className: 'mono',
              cell: (run) => <Link to={`/w/${slug}/runs/${run.id}`}>#{run.id}</Link>,
            },
            {
              header: 'Pipeline',
              cell: (run) => (
                <>
                  <span className="cell-title">{run.pipeline_name}</span>
                  <span className="cell-sub">
                    v{run.version}
                    {run.created_by && ` · ${run.created_by}`}
                  </span>
                </>
              ),
            },
            { header: 'Status', cell: (run) => <RunStatusBadge status={run.status} /> },
            { header: 'Started', cell: (run) => <RelativeTime value={run.created_at} /> },
            {
              header: 'Took',
              numeric: true,
              cell: (run) =>
                run.finished_at ? (
                  formatDuration(run.started_at ?? run.created_at, run.finished_at)
                ) : (
                  <span className="muted">—</span>
                ),
            },
          ]}
        />
      )}
    </ListSection>
  );
}
