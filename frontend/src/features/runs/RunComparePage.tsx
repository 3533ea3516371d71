import { useId, useMemo, useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router-dom';

import {
  isRunActive,
  useBlockTitles,
  usePipelineVersion,
  useRun,
  useRunList,
  useRunMetrics,
} from '../../api/runs';
import { ErrorState } from '../../ui/ErrorState';
import { Loading } from '../../ui/Loading';
import { PageHeader } from '../../ui/PageHeader';
import { Section } from '../../ui/Section';
import { RunStatusBadge } from '../workspaces/RunStatusBadge';
import { compareMetrics, compareParameters, nodeNames } from './compare';
import { describeDuration } from './duration';
import { formatMetric } from './figures';
import './runs.css';
import { useClock } from './useClock';

function runParam(value: string | null): number | null {
  const parsed = Number(value);
  return Number.isInteger(parsed) && parsed > 0 ? parsed : null;
}

function useSide(slug: string, runId: number | null) {
  const run = useRun(slug, runId);
  const version = usePipelineVersion(slug, run.data?.pipeline, run.data?.version);
  const metrics = useRunMetrics(slug, runId);
  return { run, version, metrics };
}

/** /w/:slug/runs/compare?a=&b= — two runs' parameters and final metrics side by side. */
export function RunComparePage() {
  const { slug = '' } = useParams();
  const id = useId();
  const [searchParams, setSearchParams] = useSearchParams();
  const a = runParam(searchParams.get('a'));
  const b = runParam(searchParams.get('b'));
  const left = useSide(slug, a);
  const right = useSide(slug, b);
  const recent = useRunList(slug, { page: 1 }, 50);
  const [onlyDifferences, setOnlyDifferences] = useState(false);
  const now = useClock(
    [left.run.data, right.run.data].some((run) => run !== undefined && isRunActive(run.status)),
  );

  const blockTitles = useBlockTitles();
  const nodeName = useMemo(() => {
    const names = nodeNames(
      [left.version.data?.graph, right.version.data?.graph],
      blockTitles.data ?? new Map<string, string>(),
    );
    return (node: string) => names.get(node) ?? node;
  }, [left.version.data, right.version.data, blockTitles.data]);
  const parameterRows = useMemo(() => {
    if (!left.run.data || !right.run.data) {
      return [];
    }
    return compareParameters(
      { parameters: left.run.data.parameters, graph: left.version.data?.graph },
      { parameters: right.run.data.parameters, graph: right.version.data?.graph },
      nodeName,
    );
  }, [left.run.data, right.run.data, left.version.data, right.version.data, nodeName]);
  const metricRows = useMemo(
    () => compareMetrics(left.metrics.data ?? [], right.metrics.data ?? [], nodeName),
    [left.metrics.data, right.metrics.data, nodeName],
  );
  const shownParameters = onlyDifferences
    ? parameterRows.filter((row) => row.differs)
    : parameterRows;

  function choose(side: 'a' | 'b', value: string) {
    setSearchParams((params) => {
      const next = new URLSearchParams(params);
      next.set(side, value);
      return next;
    });
  }

  const choices = recent.data?.results ?? [];
  const picker = (side: 'a' | 'b', value: number | null) => (
    <div className="field field--inline">
      <label htmlFor={`${id}-${side}`}>{side === 'a' ? 'Run A' : 'Run B'}</label>
      <select
        id={`${id}-${side}`}
        value={value ?? ''}
        onChange={(event) => choose(side, event.target.value)}
      >
        <option value="" disabled>
          Choose a run
        </option>
        {value !== null && !choices.some((run) => run.id === value) && (
          <option value={value}>#{value}</option>
        )}
        {choices.map((run) => (
          <option key={run.id} value={run.id}>
            #{run.id} · {run.pipeline_name} v{run.version} · {run.status}
          </option>
        ))}
      </select>
    </div>
  );

  const failed = [left.run, right.run, left.metrics, right.metrics].find((query) => query.isError);
  const loading =
    (a !== null && (left.run.isPending || left.metrics.isPending)) ||
    (b !== null && (right.run.isPending || right.metrics.isPending));

  return (
    <div className="page">
      <title>Compare runs · Tributary</title>
      <PageHeader
        eyebrow={<Link to={`/w/${slug}/runs`}>Runs</Link>}
        title="Compare runs"
        actions={
          <>
            {picker('a', a)}
            {picker('b', b)}
          </>
        }
      />

      {a === null || b === null ? (
        <div className="card empty-state">
          <p className="empty-state__title">Choose two runs</p>
          <p className="muted">
            Pick them above, or tick two runs in the <Link to={`/w/${slug}/runs`}>runs list</Link>.
          </p>
        </div>
      ) : failed?.error ? (
        <ErrorState title="Could not load the runs" error={failed.error} />
      ) : loading || !left.run.data || !right.run.data ? (
        <Loading label="Loading both runs…" />
      ) : (
        <>
          <Section title="Runs">
            <table className="table compare-table">
              <thead>
                <tr>
                  <th scope="col" />
                  {[left.run.data, right.run.data].map((run) => (
                    <th key={run.id} scope="col">
                      <Link to={`/w/${slug}/runs/${run.id}`}>Run #{run.id}</Link>
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                <tr>
                  <th scope="row">Pipeline</th>
                  {[left.run.data, right.run.data].map((run) => (
                    <td key={run.id}>
                      {run.pipeline_name} · version {run.version}
                    </td>
                  ))}
                </tr>
                <tr>
                  <th scope="row">Status</th>
                  {[left.run.data, right.run.data].map((run) => (
                    <td key={run.id}>
                      <RunStatusBadge status={run.status} />
                    </td>
                  ))}
                </tr>
                <tr>
                  <th scope="row">Duration</th>
                  {[left.run.data, right.run.data].map((run) => (
                    <td key={run.id}>{describeDuration(run, now)}</td>
                  ))}
                </tr>
                <tr>
                  <th scope="row">Started by</th>
                  {[left.run.data, right.run.data].map((run) => (
                    <td key={run.id}>{run.created_by ?? '—'}</td>
                  ))}
                </tr>
              </tbody>
            </table>
          </Section>

          <Section title="Metrics">
            {metricRows.length === 0 ? (
              <div className="empty-state">
                <p className="muted">Neither run reported metrics.</p>
              </div>
            ) : (
              <table className="table compare-table">
                <thead>
                  <tr>
                    <th scope="col">Metric (final value)</th>
                    <th scope="col" className="num">
                      Run #{a}
                    </th>
                    <th scope="col" className="num">
                      Run #{b}
                    </th>
                    <th scope="col" className="num">
                      B − A
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {metricRows.map((row) => (
                    <tr key={row.metric}>
                      <th scope="row">{row.metric}</th>
                      <td className="num">{formatMetric(row.a)}</td>
                      <td className="num">{formatMetric(row.b)}</td>
                      <td
                        className={`num ${row.better === null ? '' : row.better ? 'delta--better' : 'delta--worse'}`}
                      >
                        {row.delta === null
                          ? '—'
                          : `${row.delta > 0 ? '+' : ''}${formatMetric(row.delta)}`}
                        {row.better !== null && (
                          <span className="visually-hidden">
                            {row.better ? ' (B is better)' : ' (B is worse)'}
                          </span>
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </Section>

          <Section
            title="Parameters"
            meta={
              <label className="checkbox small">
                <input
                  type="checkbox"
                  checked={onlyDifferences}
                  onChange={(event) => setOnlyDifferences(event.target.checked)}
                />
                Only differences ({parameterRows.filter((row) => row.differs).length})
              </label>
            }
          >
            {shownParameters.length === 0 ? (
              <div className="empty-state">
                <p className="muted">
                  {onlyDifferences
                    ? 'The two runs were started with the same settings.'
                    : 'No parameters.'}
                </p>
              </div>
            ) : (
              <table className="table table--compact compare-table">
                <thead>
                  <tr>
                    <th scope="col">Node</th>
                    <th scope="col">Setting</th>
                    <th scope="col">Run #{a}</th>
                    <th scope="col">Run #{b}</th>
                  </tr>
                </thead>
                <tbody>
                  {shownParameters.map((row) => (
                    <tr
                      key={`${row.group}:${row.key}`}
                      className={row.differs ? 'row--differs' : undefined}
                    >
                      <td>{row.group}</td>
                      <th scope="row" className="mono">
                        {row.key}
                        {row.differs && <span className="visually-hidden"> (differs)</span>}
                      </th>
                      <td className="mono">{row.a ?? <span className="muted">—</span>}</td>
                      <td className="mono">{row.b ?? <span className="muted">—</span>}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </Section>
        </>
      )}
    </div>
  );
}
