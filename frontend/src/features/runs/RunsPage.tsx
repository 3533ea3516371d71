import { useCallback, useId, useState } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router-dom';

import { pageCount } from '../../api/pages';
import { isRunActive, useRunList } from '../../api/runs';
import { usePipelines } from '../../api/workspaces';
import { EntityTable } from '../../ui/EntityTable';
import { ListSection } from '../../ui/ListSection';
import { PageHeader } from '../../ui/PageHeader';
import { Pager } from '../../ui/Pager';
import { RelativeTime } from '../../ui/RelativeTime';
import { usePageParam } from '../../ui/usePageParam';
import { RunStatusBadge } from '../workspaces/RunStatusBadge';
import { describeDuration } from './duration';
import './runs.css';
import { useClock } from './useClock';
import { useWorkspaceRunEvents } from './useWorkspaceRunEvents';

const PAGE_SIZE = 25;

function positiveInt(value: string | null): number | undefined {
  const parsed = Number(value);
  return Number.isInteger(parsed) && parsed > 0 ? parsed : undefined;
}

/** /w/:slug/runs — every run of the workspace, newest first, updating while any is going. */
export function RunsPage() {
  const { slug = '' } = useParams();
  const id = useId();
  const navigate = useNavigate();
  const [searchParams, setSearchParams] = useSearchParams();
  const [page, setPage] = usePageParam();
  const pipeline = positiveInt(searchParams.get('pipeline'));
  const backToFirst = useCallback(() => setPage(1, { replace: true }), [setPage]);
  const runs = useRunList(slug, { page, pipeline }, PAGE_SIZE, backToFirst);
  useWorkspaceRunEvents(slug);
  // Every pipeline, for the filter; the runs carry their pipeline's name themselves.
  const pipelines = usePipelines(slug);
  const [chosen, setChosen] = useState<number[]>([]);
  const anyActive = runs.data?.results.some((run) => isRunActive(run.status)) ?? false;
  const now = useClock(anyActive);

  function setPipeline(value: string) {
    setSearchParams((params) => {
      const next = new URLSearchParams(params);
      if (value) {
        next.set('pipeline', value);
      } else {
        next.delete('pipeline');
      }
      next.delete('page');
      return next;
    });
  }

  function toggle(runId: number) {
    setChosen((current) =>
      current.includes(runId)
        ? current.filter((idOf) => idOf !== runId)
        : [...current, runId].slice(-2),
    );
  }

  const [a, b] = chosen;
  const pages = runs.data ? pageCount(runs.data.count, PAGE_SIZE) : 1;

  return (
    <div className="page">
      <title>Runs · Tributary</title>
      <PageHeader
        eyebrow={<Link to={`/w/${slug}`}>Workspace</Link>}
        title="Runs"
        actions={
          <>
            <div className="field field--inline">
              <label htmlFor={`${id}-pipeline`}>Pipeline</label>
              <select
                id={`${id}-pipeline`}
                value={pipeline ?? ''}
                onChange={(event) => setPipeline(event.target.value)}
              >
                <option value="">All pipelines</option>
                {pipelines.data?.results.map((p) => (
                  <option key={p.id} value={p.id}>
                    {p.name}
                  </option>
                ))}
              </select>
            </div>
            <button
              type="button"
              className="button button--primary"
              disabled={a === undefined || b === undefined}
              onClick={() => navigate(`/w/${slug}/runs/compare?a=${a}&b=${b}`)}
              title="Tick two runs to compare them"
            >
              Compare {chosen.length}/2
            </button>
          </>
        }
      />
      <ListSection
        title="All runs"
        noun="runs"
        query={runs}
        empty={{
          title: 'No runs yet',
          text: 'Open a pipeline and press Run; its runs appear here and update as they go.',
        }}
        footer={
          <Pager
            page={page}
            pages={pages}
            noun="runs"
            onChange={setPage}
            previousLabel="Newer"
            nextLabel="Older"
          />
        }
      >
        {(data) => (
          <EntityTable
            items={data.results}
            itemKey={(run) => run.id}
            columns={[
              {
                header: <span className="visually-hidden">Compare</span>,
                cell: (run) => (
                  <input
                    type="checkbox"
                    checked={chosen.includes(run.id)}
                    onChange={() => toggle(run.id)}
                    aria-label={`Compare run #${run.id}`}
                  />
                ),
              },
              {
                header: 'Run',
                rowHeader: true,
                cell: (run) => (
                  <Link to={`/w/${slug}/runs/${run.id}`} className="cell-title mono">
                    #{run.id}
                  </Link>
                ),
              },
              {
                header: 'Pipeline',
                cell: (run) => (
                  <>
                    <span className="cell-title">{run.pipeline_name}</span>
                    <span className="cell-sub">version {run.version}</span>
                  </>
                ),
              },
              {
                header: 'Status',
                cell: (run) => (
                  <>
                    <RunStatusBadge status={run.status} />
                    {run.cancel_requested && isRunActive(run.status) && (
                      <span className="cell-sub">cancelling</span>
                    )}
                  </>
                ),
              },
              {
                header: 'Started by',
                cell: (run) => run.created_by ?? <span className="muted">—</span>,
              },
              { header: 'When', cell: (run) => <RelativeTime value={run.created_at} /> },
              { header: 'Duration', numeric: true, cell: (run) => describeDuration(run, now) },
            ]}
          />
        )}
      </ListSection>
    </div>
  );
}
