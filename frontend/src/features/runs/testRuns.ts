/** Runs, steps and events for tests, with defaults that can be overridden. */

import type { LogEntry, MetricPoint, RunDetail, Step } from '../../api/runTypes';

export function makeStep(node: string, overrides: Partial<Step> = {}): Step {
  return {
    id: node.length,
    node_id: node,
    block_key: 'feature.scale',
    block_version: 1,
    queue: 'cpu',
    status: 'pending',
    attempt: 0,
    max_attempts: 2,
    worker: '',
    progress: 0,
    cache_key: '',
    cached_from: null,
    cached_from_run: null,
    error_message: '',
    error_traceback: '',
    heartbeat_at: null,
    queued_at: null,
    started_at: null,
    finished_at: null,
    outputs: [],
    ...overrides,
  };
}

export function makeRun(steps: Step[], overrides: Partial<RunDetail> = {}): RunDetail {
  return {
    id: 7,
    pipeline: 3,
    pipeline_name: 'Churn',
    version: 2,
    status: 'running',
    cancel_requested: false,
    parameters: { use_cache: true, from_node: null },
    error: '',
    created_by: 'ada',
    created_at: '2026-01-01T00:00:00Z',
    started_at: '2026-01-01T00:00:01Z',
    finished_at: null,
    steps,
    ...overrides,
  };
}

export function makeLog(seq: number, node = 'train', message = `line ${seq}`): LogEntry {
  return { seq, node, level: 'info', message, created_at: '2026-01-01T00:00:02Z' };
}

export function makeMetric(
  seq: number,
  key: string,
  value: number,
  index: number | null = null,
  node = 'train',
): MetricPoint {
  return { seq, node, key, value, index, created_at: '2026-01-01T00:00:02Z' };
}
