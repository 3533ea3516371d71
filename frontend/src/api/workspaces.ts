import { useMutation, useQueryClient } from '@tanstack/react-query';

import { api } from './client';
import { useExpandingList, useFullList } from './pages';
import type { PipelineSummary, Workspace } from './types';

export const workspaceKeys = {
  all: ['workspaces'] as const,
  list: () => [...workspaceKeys.all, 'list'] as const,
  pipelines: (slug: string) => [...workspaceKeys.all, slug, 'pipelines'] as const,
  /** Every list of pipelines (a pipeline's own queries sit beside them, under its id). */
  pipelineLists: (slug: string) => [...workspaceKeys.pipelines(slug), 'list'] as const,
  datasets: (slug: string) => [...workspaceKeys.all, slug, 'datasets'] as const,
  runs: (slug: string) => [...workspaceKeys.all, slug, 'runs'] as const,
};

function inWorkspace(slug: string, resource: string): string {
  return `/workspaces/${encodeURIComponent(slug)}/${resource}/`;
}

const workspaceSlug = (workspace: Workspace) => workspace.slug;
const pipelineId = (pipeline: PipelineSummary) => pipeline.id;

/** Every workspace the user is a member of, by name (the switcher offers them all). */
export function useWorkspaces() {
  return useFullList<Workspace>({
    queryKey: workspaceKeys.list(),
    path: '/workspaces/',
    keyOf: workspaceSlug,
  });
}

export function useCreateWorkspace() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (name: string) => api.post<Workspace>('/workspaces/', { name }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: workspaceKeys.list() }),
  });
}

/** Every pipeline of the workspace, last edited first (for pickers and for naming pipelines). */
export function usePipelines(slug: string) {
  return useFullList<PipelineSummary>({
    queryKey: [...workspaceKeys.pipelineLists(slug), 'all'],
    path: inWorkspace(slug, 'pipelines'),
    keyOf: pipelineId,
  });
}

/** The workspace's pipelines, last edited first, `pageSize` more on each fetchNextPage. */
export function useExpandingPipelines(slug: string, pageSize = 20) {
  return useExpandingList<PipelineSummary>({
    queryKey: workspaceKeys.pipelineLists(slug),
    path: inWorkspace(slug, 'pipelines'),
    pageSize,
    keyOf: pipelineId,
  });
}
