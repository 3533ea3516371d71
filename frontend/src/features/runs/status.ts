/** How run and step statuses look: one colour and one description each, and the legend. */

import type { RunStatus, StepStatus } from '../../api/runTypes';
import type { Tone } from '../../ui/Badge';

export interface StatusStyle {
  label: string;
  /** Border and progress colour. */
  color: string;
  /** Fill behind the node's text. */
  background: string;
  tone: Tone;
  description: string;
}

export const STEP_STATUS_STYLES: Record<StepStatus, StatusStyle> = {
  pending: {
    label: 'Pending',
    color: '#8a96a3',
    background: '#f4f6f8',
    tone: 'neutral',
    description: 'Waiting for its inputs',
  },
  queued: {
    label: 'Queued',
    color: '#6b7c93',
    background: '#eef1f6',
    tone: 'neutral',
    description: 'Ready, waiting for a worker',
  },
  running: {
    label: 'Running',
    color: '#1d5fb8',
    background: '#e6effb',
    tone: 'info',
    description: 'Executing on a worker',
  },
  succeeded: {
    label: 'Succeeded',
    color: '#1b7a3d',
    background: '#e4f5ea',
    tone: 'success',
    description: 'Finished; its outputs can be opened',
  },
  cached: {
    label: 'Cached',
    // Blue-violet, well apart from the green of a step that ran: both are fine, but a person
    // wants to see at a glance which steps this run computed.
    color: '#5b4fc4',
    background: '#efedfb',
    tone: 'success',
    description: 'Reused the outputs of an earlier identical step',
  },
  failed: {
    label: 'Failed',
    color: '#b42318',
    background: '#fdecea',
    tone: 'danger',
    description: 'Raised an error; see its logs',
  },
  skipped: {
    label: 'Skipped',
    color: '#9a5b00',
    background: '#fdf2dc',
    tone: 'warning',
    description: 'Not run because a step upstream failed',
  },
  cancelled: {
    label: 'Cancelled',
    color: '#7a5c00',
    background: '#faf3e0',
    tone: 'warning',
    description: 'Stopped because the run was cancelled',
  },
};

const RUN_TONES: Record<RunStatus, Tone> = {
  queued: 'neutral',
  running: 'info',
  succeeded: 'success',
  failed: 'danger',
  cancelled: 'warning',
};

/** The style of a step status; an unknown status looks pending rather than breaking the page. */
export function stepStatusStyle(status: string): StatusStyle {
  return STEP_STATUS_STYLES[status as StepStatus] ?? STEP_STATUS_STYLES.pending;
}

export function runStatusTone(status: string): Tone {
  return RUN_TONES[status as RunStatus] ?? 'neutral';
}

const LEGEND_ORDER: StepStatus[] = [
  'pending',
  'queued',
  'running',
  'succeeded',
  'cached',
  'failed',
  'skipped',
  'cancelled',
];

/** Legend entries, in the order a run goes through them, with how many steps are in each. */
export function statusLegend(statuses: readonly string[] = []) {
  const counts = new Map<string, number>();
  for (const status of statuses) {
    counts.set(status, (counts.get(status) ?? 0) + 1);
  }
  return LEGEND_ORDER.map((status) => ({
    status,
    ...STEP_STATUS_STYLES[status],
    count: counts.get(status) ?? 0,
  }));
}

const FINISHED: ReadonlySet<string> = new Set([
  'succeeded',
  'cached',
  'failed',
  'skipped',
  'cancelled',
]);

/** True once a step will not change again (in this attempt). */
export function isStepFinished(status: string): boolean {
  return FINISHED.has(status);
}

/** True when a step has outputs to open. */
export function hasOutputs(status: string): boolean {
  return status === 'succeeded' || status === 'cached';
}
