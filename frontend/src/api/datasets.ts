import { useMutation, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';

import { api } from './client';
import { useExpandingList, useFullList, useListPage } from './pages';
import type { CellValue } from './runTypes';
import type { components } from './schema';
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
  /** Every list of datasets (all of them, a page, the home card's), to refresh them together. */
  lists: (slug: string) => [...workspaceKeys.datasets(slug), 'list'] as const,
  all: (slug: string) => [...datasetKeys.lists(slug), 'all'] as const,
  detail: (slug: string, id: number) => [...workspaceKeys.datasets(slug), id] as const,
  preview: (slug: string, id: number, limit: number) =>
    [...datasetKeys.detail(slug, id), 'preview', limit] as const,
};

const datasetId = (dataset: DatasetDetail) => dataset.id;

/** Every dataset of the workspace, newest first (the editor's dataset picker offers them all). */
export function useAllDatasets(slug: string) {
  return useFullList<DatasetDetail>({
    queryKey: datasetKeys.all(slug),
    path: datasetsPath(slug),
    keyOf: datasetId,
  });
}

/** One page of the workspace's datasets, newest first. `onPastEnd`: that page is gone. */
export function useDatasetPage(
  slug: string,
  page: number,
  pageSize: number,
  onPastEnd?: () => void,
) {
  return useListPage<DatasetDetail>({
    queryKey: datasetKeys.lists(slug),
    path: datasetsPath(slug),
    page,
    pageSize,
    onPastEnd,
  });
}

/** The workspace's latest datasets, `pageSize` more on each fetchNextPage. */
export function useExpandingDatasets(slug: string, pageSize = 10) {
  return useExpandingList<DatasetDetail>({
    queryKey: datasetKeys.lists(slug),
    path: datasetsPath(slug),
    pageSize,
    keyOf: datasetId,
  });
}

/** One dataset (null: none), for when it is not among the datasets already loaded. */
export function useDataset(slug: string, id: number | null) {
  return useQuery({
    queryKey: datasetKeys.detail(slug, id ?? 0),
    queryFn: ({ signal }) => api.get<DatasetDetail>(datasetsPath(slug, `${id}/`), signal),
    enabled: id !== null,
  });
}

/** Reload every list of datasets (this page's, the picker's, the home card's), not the previews. */
function refreshLists(queryClient: QueryClient, slug: string) {
  return queryClient.invalidateQueries({ queryKey: datasetKeys.lists(slug) });
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
    onSuccess: (dataset) => {
      queryClient.setQueryData(datasetKeys.detail(slug, dataset.id), dataset);
      return refreshLists(queryClient, slug);
    },
  });
}

export function useDeleteDataset(slug: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: number) => api.delete(datasetsPath(slug, `${id}/`)),
    // Not awaited: the caller's onSuccess (closing the panel) runs before the list reloads.
    onSuccess: (_, id) => {
      queryClient.removeQueries({ queryKey: datasetKeys.detail(slug, id) });
      void refreshLists(queryClient, slug);
    },
  });
}
