import { useCallback, useMemo, useState, type ReactNode } from 'react';
import { Link, useParams, useSearchParams } from 'react-router-dom';

import { ApiError } from '../../api/client';
import { isRunActive, useBlockTitles, useCancelRun, usePipelineVersion } from '../../api/runs';
import type { Graph } from '../../graph/types';
import { ErrorState, PageMessage } from '../../ui/ErrorState';
import { parseIdParam } from '../../ui/idParam';
import { Loading } from '../../ui/Loading';
import { PageHeader } from '../../ui/PageHeader';
import { RelativeTime } from '../../ui/RelativeTime';
import { Section } from '../../ui/Section';
import { RunStatusBadge } from '../workspaces/RunStatusBadge';
import { describeDuration } from './duration';
import { LogPanel } from './LogPanel';
import { ALL_LOGS, type LogFilter } from './logFilter';
import { MetricsPanel } from './MetricsPanel';
import { RerunDialog } from './RerunDialog';
import { RunGraph } from './RunGraph';
import { nodeLabel } from './nodeLabel';
import { orderedNodeIds, warningsByNode } from './runGraph';
import './runs.css';
import { StatusLegend } from './StatusLegend';
import { StepDetails } from './StepDetails';
import { Timeline } from './Timeline';
import { useClock } from './useClock';
import { useRunEvents, type Connection } from './useRunEvents';
import { useStepWaits } from './useStepWaits';
import { WaitingSteps } from './WaitingSteps';

const EMPTY_GRAPH: Graph = { nodes: [], edges: [] };
const LOGS_ID = 'run-logs';
const NO_WARNINGS: readonly string[] = [];

const CONNECTION_TEXT: Record<Connection, string> = {
  connecting: 'Connecting…',
  live: 'Live',
  polling: 'Updating every second',
  finished: '',
};

/** /w/:slug/runs/:runId — one run as it happens: graph, step details, metrics, timeline, logs. */
export function RunViewPage() {
  const { slug = '', runId: runParam = '' } = useParams();
  const runId = parseIdParam(runParam);
  if (runId === null) {
    return <RunNotFound slug={slug}>“{runParam}” is not a run number.</RunNotFound>;
  }
  return <RunView key={`${slug}/${runId}`} slug={slug} runId={runId} />;
}

function RunNotFound({ slug, children }: { slug: string; children: ReactNode }) {
  return (
    <PageMessage title="Run not found" back={{ to: `/w/${slug}/runs`, label: 'All runs' }}>
      {children}
    </PageMessage>
  );
}

function RunView({ slug, runId }: { slug: string; runId: number }) {
  const live = useRunEvents(slug, runId);
  const run = live.run;
  const version = usePipelineVersion(slug, run?.pipeline, run?.version);
  const blockTitles = useBlockTitles();
  const cancel = useCancelRun(slug, runId);
  const [searchParams, setSearchParams] = useSearchParams();
  const selected = searchParams.get('node');
  const [logFilter, setLogFilter] = useState<LogFilter>(ALL_LOGS);
  const [rerunFrom, setRerunFrom] = useState<string | null>(null);
  const active = run !== null && isRunActive(run.status);
  const now = useClock(active);
  const waits = useStepWaits(
    slug,
    runId,
    active && (run?.steps ?? []).some((step) => step.status === 'queued'),
  );

  const graph = version.data?.graph ?? EMPTY_GRAPH;
  const titles = useMemo(() => blockTitles.data ?? new Map<string, string>(), [blockTitles.data]);
  const nodes = useMemo(() => {
    const byId = new Map(graph.nodes.map((node) => [node.id, node]));
    return orderedNodeIds(graph).map((id) => {
      const node = byId.get(id);
      return { id, label: node ? nodeLabel(node, titles.get(node.block)) : id };
    });
  }, [graph, titles]);
  const labels = useMemo(() => new Map(nodes.map((node) => [node.id, node.label])), [nodes]);
  const warnings = useMemo(() => warningsByNode(live.logs), [live.logs]);
  const steps = useMemo(() => {
    const order = new Map(nodes.map((node, index) => [node.id, index]));
    return [...(run?.steps ?? [])].sort(
      (a, b) => (order.get(a.node_id) ?? 1e9) - (order.get(b.node_id) ?? 1e9),
    );
  }, [run?.steps, nodes]);

  const select = useCallback(
    (node: string | null) =>
      setSearchParams(
        (params) => {
          const next = new URLSearchParams(params);
          if (node) {
            next.set('node', node);
          } else {
            next.delete('node');
          }
          return next;
        },
        { replace: true },
      ),
    [setSearchParams],
  );

  if (run === null) {
    if (live.error instanceof ApiError && live.error.status === 404) {
      return <RunNotFound slug={slug}>There is no run #{runId} in this workspace.</RunNotFound>;
    }
    if (live.error) {
      return (
        <PageMessage
          title="Could not load the run"
          back={{ to: `/w/${slug}/runs`, label: 'All runs' }}
        >
          {live.error.message}
        </PageMessage>
      );
    }
    return <Loading label="Loading the run…" />;
  }

  const pipelineName = run.pipeline_name;
  const selectedStep = steps.find((step) => step.node_id === selected);

  return (
    <div className="run-view">
      <title>{`Run #${run.id} · ${pipelineName} · Tributary`}</title>
      <nav className="breadcrumbs" aria-label="Breadcrumbs">
        <Link to={`/w/${slug}`}>Workspace</Link>
        <span aria-hidden="true">/</span>
        <Link to={`/w/${slug}/runs`}>Runs</Link>
        <span aria-hidden="true">/</span>
        <span aria-current="page">Run #{run.id}</span>
      </nav>
      <PageHeader
        eyebrow={
          <>
            <Link to={`/w/${slug}/pipelines/${run.pipeline}`}>{pipelineName}</Link> · version{' '}
            {run.version}
          </>
        }
        title={
          <>
            Run #{run.id} <RunStatusBadge status={run.status} />
          </>
        }
        subtitle={
          <p className="muted small">
            {run.created_by ? `Started by ${run.created_by} ` : 'Started '}
            <RelativeTime value={run.created_at} /> · {describeDuration(run, now)}
            {run.parameters.from_node ? ` · from ${String(run.parameters.from_node)}` : ''}
            {run.parameters.use_cache === false ? ' · without cache' : ''}
            {live.connection !== 'finished' && (
              <span className={`connection connection--${live.connection}`}>
                {' '}
                · {CONNECTION_TEXT[live.connection]}
              </span>
            )}
          </p>
        }
        actions={
          <>
            {active && (
              <button
                type="button"
                className="button button--danger"
                onClick={() => cancel.mutate(undefined, { onSuccess: live.applySnapshot })}
                disabled={cancel.isPending || run.cancel_requested}
              >
                {run.cancel_requested || cancel.isPending ? 'Cancelling…' : 'Cancel run'}
              </button>
            )}
            <Link to={`/w/${slug}/runs/compare?a=${run.id}`} className="button">
              Compare…
            </Link>
            <button type="button" className="button" onClick={() => setRerunFrom('')}>
              Re-run…
            </button>
          </>
        }
      />
      {cancel.isError && (
        <p className="form-error" role="alert">
          {cancel.error.message}
        </p>
      )}
      {live.error && (
        <p className="form-error" role="alert">
          Updates paused: {live.error.message}
        </p>
      )}
      {run.error && (
        <div className="step-error" role="alert">
          <p className="step-error__message">{run.error}</p>
        </div>
      )}

      <WaitingSteps waits={waits.byNode} labels={labels} error={waits.error} />

      <Section
        title="Graph"
        className="run-view__graph"
        meta={<StatusLegend statuses={steps.map((step) => step.status)} />}
      >
        {version.isPending ? (
          <Loading label="Loading the pipeline version…" />
        ) : version.isError ? (
          <ErrorState
            title="Could not load the pipeline version"
            error={version.error}
            onRetry={() => void version.refetch()}
          />
        ) : (
          <RunGraph
            graph={graph}
            steps={steps}
            blockTitles={titles}
            selected={selected}
            onSelect={select}
            warnings={warnings}
          />
        )}
      </Section>
      {selected && (
        <StepDetails
          slug={slug}
          step={selectedStep}
          label={labels.get(selected) ?? selected}
          warnings={warnings.get(selected) ?? NO_WARNINGS}
          now={now}
          canRerun={version.isSuccess}
          onShowLogs={() => {
            setLogFilter({ ...logFilter, node: selected });
            document.getElementById(LOGS_ID)?.scrollIntoView?.({ block: 'start' });
          }}
          onRerun={() => setRerunFrom(selected)}
          onClose={() => select(null)}
        />
      )}

      <div className="run-view__columns">
        <Section title="Metrics">
          <MetricsPanel metrics={live.metrics} labels={labels} waiting={active} />
        </Section>
        <Section title="Timeline" className="run-view__timeline">
          {steps.length === 0 ? (
            <div className="empty-state">
              <p className="muted">No steps yet.</p>
            </div>
          ) : (
            <Timeline
              steps={steps}
              labels={labels}
              now={now}
              selected={selected}
              onSelect={select}
            />
          )}
        </Section>
      </div>

      <div id={LOGS_ID} className="run-view__logs">
        <Section title="Logs">
          <LogPanel
            logs={live.logs}
            nodes={nodes}
            filter={logFilter}
            onFilterChange={setLogFilter}
            waiting={active}
          />
        </Section>
      </div>

      {version.isSuccess && (
        <RerunDialog
          open={rerunFrom !== null}
          onClose={() => setRerunFrom(null)}
          slug={slug}
          pipelineId={run.pipeline}
          version={run.version}
          nodes={nodes}
          initialNode={rerunFrom ?? ''}
        />
      )}
    </div>
  );
}
