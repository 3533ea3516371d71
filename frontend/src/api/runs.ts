import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import { api } from './client';
import { fetchAllPages, useExpandingList, useListPage } from './pages';
import type {
  ArtifactPreview,
  LogEntry,
  MetricPoint,
  PipelineVersion,
  RunDetail,
  RunRecord,
  RunStart,
} from './runTypes';
import { workspaceKeys } from './workspaces';

export const runKeys = {
  /** Every list of runs (a page, the home card's), for refreshing them together. */
  lists: (slug: string) => [...workspaceKeys.runs(slug), 'list'] as const,
  list: (slug: string, filter: Pick<RunListFilter, 'pipeline'>) =>
    [...runKeys.lists(slug), { pipeline: filter.pipeline }] as const,
  detail: (slug: string, runId: number) => [...workspaceKeys.runs(slug), 'detail', runId] as const,
  version: (slug: string, pipelineId: number, version: number) =>
    [...workspaceKeys.pipelines(slug), pipelineId, 'versions', version] as const,
  artifact: (slug: string, artifactId: number) =>
    [...workspaceKeys.all, slug, 'artifacts', artifactId] as const,
};

export function workspacePath(slug: string, rest: string): string {
  return `/workspaces/${encodeURIComponent(slug)}/${rest}`;
}

export interface RunListFilter {
  page: number;
  pipeline?: number;
}

const ACTIVE: ReadonlySet<string> = new Set(['queued', 'running']);

/** True while a run may still change. */
export function isRunActive(status: string): boolean {
  return ACTIVE.has(status);
}

const idOfRun = (run: RunRecord) => run.id;

/**
 * A page of the workspace's runs (of one pipeline if the filter names one), newest first; polls
 * while any run on it is still going. `onPastEnd`: the page no longer exists.
 */
export function useRunList(
  slug: string,
  filter: RunListFilter,
  pageSize = 25,
  onPastEnd?: () => void,
) {
  const path =
    filter.pipeline === undefined ? 'runs/' : `runs/?pipeline=${String(filter.pipeline)}`;
  return useListPage<RunRecord>({
    queryKey: runKeys.list(slug, filter),
    path: workspacePath(slug, path),
    page: filter.page,
    pageSize,
    onPastEnd,
    refetchInterval: (page) =>
      page?.results.some((run) => isRunActive(run.status)) ? 2_000 : 15_000,
  });
}

/** The workspace's latest runs, `pageSize` more on each fetchNextPage. */
export function useExpandingRuns(slug: string, pageSize = 10) {
  return useExpandingList<RunRecord>({
    queryKey: runKeys.list(slug, {}),
    path: workspacePath(slug, 'runs/'),
    pageSize,
    keyOf: idOfRun,
  });
}

export function fetchRun(slug: string, runId: number, signal?: AbortSignal) {
  return api.get<RunDetail>(workspacePath(slug, `runs/${runId}/`), signal);
}

/** A run with its steps, reloaded every 2 s while it is going. */
export function useRun(slug: string, runId: number | null) {
  return useQuery({
    queryKey: runKeys.detail(slug, runId ?? 0),
    queryFn: ({ signal }) => fetchRun(slug, runId ?? 0, signal),
    enabled: runId !== null,
    refetchInterval: (query) =>
      query.state.data && isRunActive(query.state.data.status) ? 2_000 : false,
  });
}

/** Every log line or metric point after sequence number `after`, following the API's pages. */
async function fetchAllAfter<T extends { seq: number }>(
  path: string,
  after: number,
  signal?: AbortSignal,
): Promise<T[]> {
  const all = await fetchAllPages<T>(`${path}?after=${after}`, (entry) => entry.seq, signal);
  return all.results;
}

export function fetchLogsAfter(slug: string, runId: number, after: number, signal?: AbortSignal) {
  return fetchAllAfter<LogEntry>(workspacePath(slug, `runs/${runId}/logs/`), after, signal);
}

export function fetchMetricsAfter(
  slug: string,
  runId: number,
  after: number,
  signal?: AbortSignal,
) {
  return fetchAllAfter<MetricPoint>(workspacePath(slug, `runs/${runId}/metrics/`), after, signal);
}

/** Every metric point of a run (for comparisons of finished runs). */
export function useRunMetrics(slug: string, runId: number | null) {
  return useQuery({
    queryKey: [...runKeys.detail(slug, runId ?? 0), 'metrics'],
    queryFn: ({ signal }) => fetchMetricsAfter(slug, runId ?? 0, 0, signal),
    enabled: runId !== null,
  });
}

/** A pipeline version: immutable, so fetched once. */
export function usePipelineVersion(
  slug: string,
  pipelineId: number | undefined,
  version: number | undefined,
) {
  return useQuery({
    queryKey: runKeys.version(slug, pipelineId ?? 0, version ?? 0),
    queryFn: ({ signal }) =>
      api.get<PipelineVersion>(
        workspacePath(slug, `pipelines/${pipelineId}/versions/${version}/`),
        signal,
      ),
    enabled: pipelineId !== undefined && version !== undefined,
    staleTime: Number.POSITIVE_INFINITY,
  });
}

export function useCancelRun(slug: string, runId: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => api.post<RunDetail>(workspacePath(slug, `runs/${runId}/cancel/`)),
    onSuccess: (run) => {
      queryClient.setQueryData(runKeys.detail(slug, runId), run);
      void queryClient.invalidateQueries({ queryKey: workspaceKeys.runs(slug) });
    },
  });
}

export function useStartRun(slug: string, pipelineId: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (start: RunStart) =>
      api.post<RunDetail>(workspacePath(slug, `pipelines/${pipelineId}/runs/`), start),
    onSuccess: (run) => {
      queryClient.setQueryData(runKeys.detail(slug, run.id), run);
      void queryClient.invalidateQueries({ queryKey: workspaceKeys.runs(slug) });
    },
  });
}

/** What an artifact shows: immutable, so fetched once. */
export function useArtifactPreview(slug: string, artifactId: number, limit = 50) {
  return useQuery({
    queryKey: [...runKeys.artifact(slug, artifactId), 'preview', limit],
    queryFn: ({ signal }) =>
      api.get<ArtifactPreview>(
        workspacePath(slug, `artifacts/${artifactId}/preview/?limit=${limit}`),
        signal,
      ),
    staleTime: Number.POSITIVE_INFINITY,
  });
}

export function artifactDownloadUrl(slug: string, artifactId: number): string {
  return `/api/v1${workspacePath(slug, `artifacts/${artifactId}/download/`)}`;
}

interface BlockDescription {
  key: string;
  title?: string;
}

/** Block key -> title, from the catalogue, for labelling nodes. */
export function useBlockTitles() {
  return useQuery({
    queryKey: ['blocks', 'titles'],
    queryFn: async ({ signal }) => {
      const blocks = await api.get<BlockDescription[]>('/blocks/', signal);
      return new Map(blocks.map((block) => [block.key, block.title || block.key]));
    },
    staleTime: 5 * 60_000,
  });
}
