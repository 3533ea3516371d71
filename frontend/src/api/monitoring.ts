import { useQuery } from '@tanstack/react-query';

import { api } from './client';
import { modelKeys } from './models';
import type { components } from './schema';

type Schemas = components['schemas'];

export type Monitoring = Schemas['Monitoring'];
export type Drift = Schemas['Drift'];
export type DriftFeature = Schemas['DriftFeature'];
export type DriftBin = Schemas['DriftBin'];

/** How often the monitoring totals are reloaded while the page is open and visible. */
const MONITORING_REFRESH_MS = 30_000;

export const monitoringKeys = {
  version: (slug: string, name: string, version: number) =>
    [...modelKeys.versions(slug, name), version] as const,
  monitoring: (slug: string, name: string, version: number) =>
    [...monitoringKeys.version(slug, name, version), 'monitoring'] as const,
  drift: (slug: string, name: string, version: number) =>
    [...monitoringKeys.version(slug, name, version), 'drift'] as const,
};

function versionPath(slug: string, name: string, version: number, rest: string): string {
  return `/workspaces/${encodeURIComponent(slug)}/models/${encodeURIComponent(name)}/versions/${version}/${rest}`;
}

export function useMonitoring(slug: string, name: string, version: number) {
  return useQuery({
    queryKey: monitoringKeys.monitoring(slug, name, version),
    queryFn: ({ signal }) =>
      api.get<Monitoring>(versionPath(slug, name, version, 'monitoring/'), signal),
    refetchInterval: MONITORING_REFRESH_MS,
  });
}

/** The drift report; a 409 with code `no_training_data` means the version has no baseline. */
export function useDrift(slug: string, name: string, version: number) {
  return useQuery({
    queryKey: monitoringKeys.drift(slug, name, version),
    queryFn: ({ signal }) => api.get<Drift>(versionPath(slug, name, version, 'drift/'), signal),
  });
}
