import { useCallback, useId, useState } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router-dom';

import { pageCount } from '../../api/pages';
import { isRunActive, useRunList } from '../../api/runs';
import { usePipelines } from '../../api/workspaces';
import { Count } from '../../ui/Count';
import { Pager } from '../../ui/Pager';
import { QueryState } from '../../ui/QueryState';
import { RelativeTime } from '../../ui/RelativeTime';
import { Section } from '../../ui/Section';
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
      <div className="page-header">
        <div>
          <p className="eyebrow">
            <Link to={`/w/${slug}`}>Workspace</Link>
          </p>
          <h1>Runs</h1>
        </div>
        <div className="page-header__actions">
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
        </div>
      </div>
      <Section title="All runs" meta={<Count value={runs.data?.count} noun="runs" />}>
        <QueryState
          query={runs}
          noun="runs"
          isEmpty={(data) => data.results.length === 0}
          empty={
            <>
              <p className="empty-state__title">No runs yet</p>
              <p className="muted">
                Open a pipeline and press Run; its runs appear here and update as they go.
              </p>
            </>
          }
        >
          {(data) => (
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">
                    <span className="visually-hidden">Compare</span>
                  </th>
                  <th scope="col">Run</th>
                  <th scope="col">Pipeline</th>
                  <th scope="col">Status</th>
                  <th scope="col">Started by</th>
                  <th scope="col">When</th>
                  <th scope="col" className="num">
                    Duration
                  </th>
                </tr>
              </thead>
              <tbody>
                {data.results.map((run) => (
                  <tr key={run.id}>
                    <td>
                      <input
                        type="checkbox"
                        checked={chosen.includes(run.id)}
                        onChange={() => toggle(run.id)}
                        aria-label={`Compare run #${run.id}`}
                      />
                    </td>
                    <th scope="row">
                      <Link to={`/w/${slug}/runs/${run.id}`} className="cell-title mono">
                        #{run.id}
                      </Link>
                    </th>
                    <td>
                      <span className="cell-title">{run.pipeline_name}</span>
                      <span className="cell-sub">version {run.version}</span>
                    </td>
                    <td>
                      <RunStatusBadge status={run.status} />
                      {run.cancel_requested && isRunActive(run.status) && (
                        <span className="cell-sub">cancelling</span>
                      )}
                    </td>
                    <td>{run.created_by ?? <span className="muted">—</span>}</td>
                    <td>
                      <RelativeTime value={run.created_at} />
                    </td>
                    <td className="num">{describeDuration(run, now)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </QueryState>
        <Pager
          page={page}
          pages={pages}
          noun="runs"
          onChange={setPage}
          previousLabel="Newer"
          nextLabel="Older"
        />
      </Section>
    </div>
  );
}
