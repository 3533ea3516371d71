import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import { api } from './client';
import type { components } from './schema';
import type { Page } from './types';
import { workspaceKeys } from './workspaces';

type Schemas = components['schemas'];

export type Stage = Schemas['StageEnum'];
export type ModelSummary = Schemas['ModelSummary'];

/** A column predict expects. */
export interface SignatureColumn {
  name: string;
  dtype: string;
}

type WithJson<T> = Omit<
  T,
  'metrics' | 'signature' | 'lineage' | 'created_by' | 'stage_changed_by'
> & {
  readonly metrics: Record<string, number>;
  readonly signature: SignatureColumn[];
  readonly lineage: Record<string, unknown>;
  readonly created_by: string | null;
  readonly stage_changed_by: string | null;
};

export type ModelVersion = WithJson<Schemas['ModelVersion']>;
export type ModelVersionDetail = WithJson<Schemas['ModelVersionDetail']>;

export type PredictRequest = Partial<Schemas['PredictRequestRequest']> & {
  instances: Record<string, unknown>[];
};
export type PredictResponse = Schemas['PredictResponse'];

export const STAGES: Stage[] = ['none', 'staging', 'production', 'archived'];

export const modelKeys = {
  all: (slug: string) => [...workspaceKeys.all, slug, 'models'] as const,
  versions: (slug: string, name: string) => [...modelKeys.all(slug), name, 'versions'] as const,
};

function modelsPath(slug: string, rest = ''): string {
  return `/workspaces/${encodeURIComponent(slug)}/models/${rest}`;
}

function modelPath(slug: string, name: string, rest: string): string {
  return modelsPath(slug, `${encodeURIComponent(name)}/${rest}`);
}

export function useModels(slug: string) {
  return useQuery({
    queryKey: modelKeys.all(slug),
    queryFn: ({ signal }) =>
      api.get<Page<ModelSummary>>(modelsPath(slug, '?page_size=500'), signal),
  });
}

export function useModelVersions(slug: string, name: string) {
  return useQuery({
    queryKey: modelKeys.versions(slug, name),
    queryFn: ({ signal }) =>
      api.get<Page<ModelVersion>>(modelPath(slug, name, 'versions/?page_size=500'), signal),
  });
}

export function useSetStage(slug: string, name: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ version, stage }: { version: number; stage: Stage }) =>
      api.patch<ModelVersionDetail>(modelPath(slug, name, `versions/${version}/`), { stage }),
    // Promoting one version may archive another: reload them all.
    onSuccess: () => queryClient.invalidateQueries({ queryKey: modelKeys.all(slug) }),
  });
}

export function usePredict(slug: string, name: string) {
  return useMutation({
    mutationFn: (request: PredictRequest) =>
      api.post<PredictResponse>(modelPath(slug, name, 'predict/'), request),
  });
}
