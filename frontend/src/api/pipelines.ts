/** Pipelines for the editor: the draft, saves, validation, versions and runs; and the catalogue. */

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import type { BlockSpec, Graph } from '../graph/types';
import { api, request } from './client';
import { useExpandingList } from './pages';
import type { components } from './schema';
import { workspaceKeys } from './workspaces';

type Schemas = components['schemas'];

/** A pipeline with its draft graph (checked by the editor with parseGraph before use). */
export type Pipeline = Schemas['Pipeline'];
export type PipelineVersion = Schemas['Version'];
export type ValidationResult = Schemas['ValidationResult'];
export type CreatedRun = Pick<Schemas['Run'], 'id' | 'status' | 'version'>;

export interface PipelineCreate {
  name: string;
  description?: string;
  graph?: Graph;
}

/** A draft save: the revision it was based on, and what changed. */
export interface PipelineUpdate {
  revision: number;
  graph?: Graph;
  name?: string;
  description?: string;
}

export const pipelineKeys = {
  detail: (slug: string, id: number) => [...workspaceKeys.pipelines(slug), id] as const,
  versions: (slug: string, id: number) => [...pipelineKeys.detail(slug, id), 'versions'] as const,
  validation: (slug: string, id: number, graphKey: string) =>
    [...pipelineKeys.detail(slug, id), 'validate', graphKey] as const,
};

export const blockCatalogueKey = ['blocks', 'catalogue'] as const;

function pipelinePath(slug: string, id?: number, rest = ''): string {
  const base = `/workspaces/${encodeURIComponent(slug)}/pipelines/`;
  return id === undefined ? base : `${base}${id}/${rest}`;
}

/** The block catalogue: the palette and the config forms. */
export function useBlockCatalogue() {
  return useQuery({
    queryKey: blockCatalogueKey,
    queryFn: ({ signal }) => api.get<BlockSpec[]>('/blocks/', signal),
    staleTime: 5 * 60_000,
  });
}

/**
 * A pipeline as the editor opens it: always fetched afresh on mount, then left alone (the
 * editor owns the draft from there and writes it back itself).
 */
export function useEditorPipeline(slug: string, id: number) {
  return useQuery({
    queryKey: pipelineKeys.detail(slug, id),
    queryFn: ({ signal }) => api.get<Pipeline>(pipelinePath(slug, id), signal),
    refetchOnMount: 'always',
    refetchOnWindowFocus: false,
    refetchOnReconnect: false,
    staleTime: Number.POSITIVE_INFINITY,
  });
}

export function fetchPipeline(slug: string, id: number): Promise<Pipeline> {
  return api.get<Pipeline>(pipelinePath(slug, id));
}

/** Save the draft; a stale revision fails with 409. */
export function savePipeline(slug: string, id: number, update: PipelineUpdate): Promise<Pipeline> {
  return api.patch<Pipeline>(pipelinePath(slug, id), update);
}

/** Whether `graph` (the editor's current state, saved or not) can run. */
export function validatePipelineGraph(
  slug: string,
  id: number,
  graph: Graph,
  signal?: AbortSignal,
): Promise<ValidationResult> {
  return request<ValidationResult>(pipelinePath(slug, id, 'validate/'), {
    method: 'POST',
    body: { graph },
    signal,
  });
}

export function useCreatePipeline(slug: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (create: PipelineCreate) => api.post<Pipeline>(pipelinePath(slug), create),
    onSuccess: (pipeline) => {
      queryClient.setQueryData(pipelineKeys.detail(slug, pipeline.id), pipeline);
      void queryClient.invalidateQueries({ queryKey: workspaceKeys.pipelineLists(slug) });
    },
  });
}

const versionNumber = (version: PipelineVersion) => version.number;

/** The pipeline's versions, newest first, `pageSize` more on each fetchNextPage. */
export function useVersions(slug: string, id: number, pageSize = 20) {
  return useExpandingList<PipelineVersion>({
    queryKey: pipelineKeys.versions(slug, id),
    path: pipelinePath(slug, id, 'versions/'),
    pageSize,
    keyOf: versionNumber,
  });
}

/** Snapshot the saved draft as a new version (refused with the graph's errors if it cannot run). */
export function useCreateVersion(slug: string, id: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (message: string) =>
      api.post<PipelineVersion>(pipelinePath(slug, id, 'versions/'), { message }),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: pipelineKeys.versions(slug, id) });
      void queryClient.invalidateQueries({ queryKey: workspaceKeys.pipelineLists(slug) });
    },
  });
}

/** Make a version's graph the draft again (revision-checked like any save). */
export function useRestoreVersion(slug: string, id: number) {
  return useMutation({
    mutationFn: ({ number, revision }: { number: number; revision: number }) =>
      api.post<Pipeline>(pipelinePath(slug, id, `versions/${number}/restore/`), { revision }),
  });
}

/** Run the saved draft (snapshotted as a version by the server). */
export function useRunPipeline(slug: string, id: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (start: Partial<Schemas['RunStartRequest']> = {}) =>
      api.post<CreatedRun>(pipelinePath(slug, id, 'runs/'), start),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: workspaceKeys.runs(slug) });
      // Running the draft may have snapshotted it: a new version, and a new latest in the lists.
      void queryClient.invalidateQueries({ queryKey: pipelineKeys.versions(slug, id) });
      void queryClient.invalidateQueries({ queryKey: workspaceKeys.pipelineLists(slug) });
    },
  });
}
