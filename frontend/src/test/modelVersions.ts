import type { ModelVersion } from '../api/models';

/** A registered version of the "iris" model as the API lists it; `overrides` say what differs. */
export function makeModelVersion(overrides: Partial<ModelVersion> = {}): ModelVersion {
  const version = overrides.version ?? 1;
  return {
    id: version,
    name: 'iris',
    version,
    stage: 'none',
    metrics: { accuracy: 0.9 },
    signature: [{ name: 'petal length (cm)', dtype: 'float64' }],
    lineage: {},
    run: null,
    artifact: 9,
    created_by: 'ada',
    created_at: '2026-01-01T00:00:00Z',
    stage_changed_by: null,
    stage_changed_at: null,
    request_count: 0,
    error_count: 0,
    last_request_at: null,
    ...overrides,
  };
}
