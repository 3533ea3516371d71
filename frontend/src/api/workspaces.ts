import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import { api } from './client';
import type { Dataset, Page, PipelineSummary, RunSummary, Workspace } from './types';

export const workspaceKeys = {
  all: ['workspaces'] as const,
  list: () => [...workspaceKeys.all, 'list'] as const,
  pipelines: (slug: string) => [...workspaceKeys.all, slug, 'pipelines'] as const,
  datasets: (slug: string) => [...workspaceKeys.all, slug, 'datasets'] as const,
  runs: (slug: string) => [...workspaceKeys.all, slug, 'runs'] as const,
};

function inWorkspace(slug: string, resource: string): string {
  return `/workspaces/${encodeURIComponent(slug)}/${resource}/`;
}

export function useWorkspaces() {
  return useQuery({
    queryKey: workspaceKeys.list(),
    queryFn: ({ signal }) => api.get<Page<Workspace>>('/workspaces/?page_size=500', signal),
  });
}

export function useCreateWorkspace() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (name: string) => api.post<Workspace>('/workspaces/', { name }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: workspaceKeys.list() }),
  });
}

export function usePipelines(slug: string) {
  return useQuery({
    queryKey: workspaceKeys.pipelines(slug),
    queryFn: ({ signal }) => api.get<Page<PipelineSummary>>(inWorkspace(slug, 'pipelines'), signal),
  });
}

export function useDatasets(slug: string) {
  return useQuery({
    queryKey: workspaceKeys.datasets(slug),
    queryFn: ({ signal }) => api.get<Page<Dataset>>(inWorkspace(slug, 'datasets'), signal),
  });
}

export function useRuns(slug: string) {
  return useQuery({
    queryKey: workspaceKeys.runs(slug),
    queryFn: ({ signal }) => api.get<Page<RunSummary>>(inWorkspace(slug, 'runs'), signal),
  });
}
