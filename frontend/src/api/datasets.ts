import { useMutation, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';

import { api } from './client';
import type { CellValue } from './runTypes';
import type { components } from './schema';
import type { Page } from './types';
import { uploadFile, type UploadProgress } from './upload';
import { workspaceKeys } from './workspaces';

export interface ColumnSchema {
  name: string;
  dtype: string;
  nulls: number;
}

type Schemas = components['schemas'];

/** A dataset with its column schema. */
export type DatasetDetail = Omit<Schemas['Dataset'], 'schema' | 'created_by' | 'row_count'> & {
  readonly schema: ColumnSchema[];
  readonly created_by: string | null;
  readonly row_count: number | null;
};

export type DatasetPreview = Omit<Schemas['TablePreview'], 'rows' | 'schema' | 'row_count'> & {
  readonly rows: CellValue[][];
  readonly schema: ColumnSchema[];
  readonly row_count: number | null;
};

function datasetsPath(slug: string, rest = ''): string {
  return `/workspaces/${encodeURIComponent(slug)}/datasets/${rest}`;
}

export const datasetKeys = {
  list: (slug: string) => [...workspaceKeys.datasets(slug), 'all'] as const,
  preview: (slug: string, id: number, limit: number) =>
    [...workspaceKeys.datasets(slug), id, 'preview', limit] as const,
};

/** Every dataset of the workspace (up to 500), newest first. */
export function useDatasetList(slug: string) {
  return useQuery({
    queryKey: datasetKeys.list(slug),
    queryFn: ({ signal }) =>
      api.get<Page<DatasetDetail>>(datasetsPath(slug, '?page_size=500'), signal),
  });
}

/** Reload the dataset lists (this page's and the workspace home's), not the previews. */
function refreshLists(queryClient: QueryClient, slug: string) {
  return Promise.all([
    queryClient.invalidateQueries({ queryKey: datasetKeys.list(slug) }),
    queryClient.invalidateQueries({ queryKey: workspaceKeys.datasets(slug), exact: true }),
  ]);
}

export function useDatasetPreview(slug: string, id: number, limit = 50) {
  return useQuery({
    queryKey: datasetKeys.preview(slug, id, limit),
    queryFn: ({ signal }) =>
      api.get<DatasetPreview>(datasetsPath(slug, `${id}/preview/?limit=${limit}`), signal),
    staleTime: Number.POSITIVE_INFINITY,
  });
}

export interface UploadRequest {
  file: File;
  name?: string;
  onProgress?: (progress: UploadProgress) => void;
  signal?: AbortSignal;
}

/** Upload a CSV or Parquet file; `created` is false when the same bytes were already there. */
export function useUploadDataset(slug: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ file, name, onProgress, signal }: UploadRequest) => {
      const fields = name ? { name } : undefined;
      const { status, data } = await uploadFile<DatasetDetail>(datasetsPath(slug), file, {
        fields,
        onProgress,
        signal,
      });
      return { dataset: data, created: status === 201 };
    },
    onSuccess: () => refreshLists(queryClient, slug),
  });
}

export function useRenameDataset(slug: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, name }: { id: number; name: string }) =>
      api.patch<DatasetDetail>(datasetsPath(slug, `${id}/`), { name }),
    onSuccess: () => refreshLists(queryClient, slug),
  });
}

export function useDeleteDataset(slug: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: number) => api.delete(datasetsPath(slug, `${id}/`)),
    // Not awaited: the caller's onSuccess (closing the panel) runs before the list reloads.
    onSuccess: (_, id) => {
      queryClient.removeQueries({ queryKey: [...workspaceKeys.datasets(slug), id] });
      void refreshLists(queryClient, slug);
    },
  });
}
