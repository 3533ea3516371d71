import { useMutation, useQueryClient } from '@tanstack/react-query';

import { api } from './client';
import { useExpandingList, useFullList, useListPage } from './pages';
import type { components } from './schema';
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
  /** Everything about the workspace's models; on its own, the whole list of them. */
  all: (slug: string) => [...workspaceKeys.all, slug, 'models'] as const,
  versions: (slug: string, name: string) => [...modelKeys.all(slug), name, 'versions'] as const,
};

function modelsPath(slug: string, rest = ''): string {
  return `/workspaces/${encodeURIComponent(slug)}/models/${rest}`;
}

function modelPath(slug: string, name: string, rest: string): string {
  return modelsPath(slug, `${encodeURIComponent(name)}/${rest}`);
}

const modelName = (model: ModelSummary) => model.name;
const versionNumber = (version: ModelVersion) => version.version;

/** Every registered model of the workspace (for pickers). */
export function useModels(slug: string) {
  return useFullList<ModelSummary>({
    queryKey: modelKeys.all(slug),
    path: modelsPath(slug),
    keyOf: modelName,
  });
}

/** One page of the workspace's registered models. `onPastEnd`: that page is gone. */
export function useModelPage(slug: string, page: number, pageSize: number, onPastEnd?: () => void) {
  return useListPage<ModelSummary>({
    queryKey: modelKeys.all(slug),
    path: modelsPath(slug),
    page,
    pageSize,
    onPastEnd,
  });
}

/** The workspace's registered models by name, `pageSize` more on each fetchNextPage. */
export function useExpandingModels(slug: string, pageSize = 10) {
  return useExpandingList<ModelSummary>({
    queryKey: modelKeys.all(slug),
    path: modelsPath(slug),
    pageSize,
    keyOf: modelName,
  });
}

/** Every version of a model, newest first: the page lists them all and the form picks from them. */
export function useModelVersions(slug: string, name: string) {
  return useFullList<ModelVersion>({
    queryKey: modelKeys.versions(slug, name),
    path: modelPath(slug, name, 'versions/'),
    keyOf: versionNumber,
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
