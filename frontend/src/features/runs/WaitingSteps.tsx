import type { StepWait } from './useStepWaits';

const BLOCKED: ReadonlySet<string> = new Set([
  'no_worker',
  'broker_unreachable',
  'database_full',
  'retrying',
]);

/** One queued step's wait: "Waiting: 3rd in queue cpu · 2 workers, all busy". */
export function WaitingLine({ wait, label }: { wait: StepWait; label?: string }) {
  const blocked = wait.reason !== null && BLOCKED.has(wait.reason);
  return (
    <p
      className={`waiting-line${blocked ? ' waiting-line--blocked' : ''}`}
      data-reason={wait.reason ?? 'none'}
    >
      {label && <span className="waiting-line__node">{label}: </span>}
      {wait.message}
    </p>
  );
}

/** The run's queued steps and why each waits; nothing when no step is queued. */
export function WaitingSteps({
  waits,
  labels,
  error,
}: {
  waits: ReadonlyMap<string, StepWait>;
  labels: ReadonlyMap<string, string>;
  error?: Error | null;
}) {
  if (waits.size === 0 && !error) {
    return null;
  }
  return (
    <div className="waiting-steps" role="status" aria-label="Why steps wait">
      {[...waits.values()].map((wait) => (
        <WaitingLine
          key={wait.step_id}
          wait={wait}
          label={labels.get(wait.node_id) ?? wait.node_id}
        />
      ))}
      {error && <p className="muted small">Could not ask why steps wait: {error.message}</p>}
    </div>
  );
}
