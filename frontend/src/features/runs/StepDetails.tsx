import { useEffect, useRef } from 'react';
import { Link } from 'react-router-dom';

import type { Step, StepOutput } from '../../api/runTypes';
import { Badge } from '../../ui/Badge';
import { ArtifactView } from './ArtifactView';
import { describeDuration } from './duration';
import { hasOutputs, stepStatusStyle } from './status';

const KIND_ORDER: Record<string, number> = { metrics: 0, figure: 1, model: 2, table: 3 };

function byKind(outputs: StepOutput[]): StepOutput[] {
  return [...outputs].sort(
    (a, b) => (KIND_ORDER[a.kind] ?? 9) - (KIND_ORDER[b.kind] ?? 9) || a.port.localeCompare(b.port),
  );
}

/** The selected node: what ran, how it went, and its outputs once it has finished. */
export function StepDetails({
  slug,
  step,
  label,
  warnings = [],
  now,
  canRerun,
  onShowLogs,
  onRerun,
  onClose,
}: {
  slug: string;
  step: Step | undefined;
  label: string;
  /** What the step logged as warnings (shown even when it succeeded). */
  warnings?: readonly string[];
  now: number;
  canRerun: boolean;
  onShowLogs: () => void;
  onRerun: () => void;
  onClose: () => void;
}) {
  const style = stepStatusStyle(step?.status ?? 'pending');
  const section = useRef<HTMLElement>(null);
  const node = step?.node_id;

  // Opening a node below the fold brings its details up, where its outputs are.
  useEffect(() => {
    const element = section.current;
    if (!element || element.getBoundingClientRect().top < window.innerHeight / 2) {
      return;
    }
    const reduced = window.matchMedia?.('(prefers-reduced-motion: reduce)').matches;
    element.scrollIntoView?.({ behavior: reduced ? 'auto' : 'smooth', block: 'start' });
  }, [node]);

  return (
    <section ref={section} className="card step-details" aria-label={`Node ${label}`}>
      <div className="card__header">
        <h2>{label}</h2>
        <Badge tone={style.tone}>{style.label}</Badge>
        <span className="toolbar__spacer" />
        <button type="button" className="button button--small" onClick={onShowLogs}>
          Show its logs
        </button>
        {canRerun && (
          <button type="button" className="button button--small" onClick={onRerun}>
            Re-run from here
          </button>
        )}
        <button
          type="button"
          className="button button--small"
          onClick={onClose}
          aria-label="Close node details"
        >
          Close
        </button>
      </div>
      <div className="step-details__body">
        {step ? (
          <dl className="facts">
            <div>
              <dt>Block</dt>
              <dd className="mono">
                {step.block_key} v{step.block_version}
              </dd>
            </div>
            <div>
              <dt>Duration</dt>
              <dd>{describeDuration(step, now)}</dd>
            </div>
            {step.attempt > 0 && (
              <div>
                <dt>Attempt</dt>
                <dd>
                  {step.attempt} of {step.max_attempts}
                </dd>
              </div>
            )}
            {step.attempt > 0 && (
              <div>
                <dt>Queue</dt>
                <dd>{step.queue}</dd>
              </div>
            )}
            {step.worker && (
              <div>
                <dt>Worker</dt>
                <dd className="mono">{step.worker}</dd>
              </div>
            )}
            {step.cached_from_run && (
              <div>
                <dt>Cached from</dt>
                <dd>
                  <Link to={`/w/${slug}/runs/${step.cached_from_run}`}>
                    run #{step.cached_from_run}
                  </Link>
                </dd>
              </div>
            )}
          </dl>
        ) : (
          <p className="muted">This node has no step in this run.</p>
        )}
        {step?.error_message && (
          <div className="step-error" role="alert">
            <p className="step-error__message">{step.error_message}</p>
            {step.error_traceback && (
              <details>
                <summary>Traceback</summary>
                <pre>{step.error_traceback}</pre>
              </details>
            )}
          </div>
        )}
        {warnings.length > 0 && (
          <div className="step-warnings" role="status">
            <p className="step-warnings__title">
              {warnings.length === 1 ? 'Warning' : `${warnings.length} warnings`}
            </p>
            <ul>
              {warnings.map((message, index) => (
                <li key={index}>{message}</li>
              ))}
            </ul>
          </div>
        )}
        {step && hasOutputs(step.status) ? (
          step.outputs.length === 0 ? (
            <p className="muted">This step has no outputs.</p>
          ) : (
            <div className="outputs">
              {byKind(step.outputs).map((output) => (
                <ArtifactView key={output.id} slug={slug} output={output} />
              ))}
            </div>
          )
        ) : (
          step && (
            <p className="muted">
              {step.status === 'running' || step.status === 'queued' || step.status === 'pending'
                ? 'Its outputs can be opened once it has finished.'
                : 'It has no outputs.'}
            </p>
          )
        )}
      </div>
    </section>
  );
}
