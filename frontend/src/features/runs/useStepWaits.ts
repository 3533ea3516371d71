import { useQuery } from '@tanstack/react-query';

import { api } from '../../api/client';
import { runKeys, workspacePath } from '../../api/runs';
import type { components } from '../../api/schema';

/** Why one queued step has not started (GET .../runs/<id>/waiting/). */
export type StepWait = components['schemas']['StepWait'];
export type RunWaiting = components['schemas']['RunWaiting'];

/** How often the run view asks again while steps are queued (the WebSocket does not carry it). */
export const WAITING_POLL_MS = 3_000;

/**
 * Why the run's queued steps wait, by node id: asked only while `queued` (some step is queued),
 * then every few seconds; the server answers from one shared, briefly cached inspect.
 */
export function useStepWaits(slug: string, runId: number, queued: boolean) {
  const query = useQuery({
    queryKey: [...runKeys.detail(slug, runId), 'waiting'] as const,
    queryFn: ({ signal }) =>
      api.get<RunWaiting>(workspacePath(slug, `runs/${runId}/waiting/`), signal),
    enabled: queued,
    refetchInterval: queued ? WAITING_POLL_MS : false,
  });
  const byNode = new Map<string, StepWait>();
  if (queued) {
    for (const wait of query.data?.steps ?? []) {
      byNode.set(wait.node_id, wait);
    }
  }
  return { byNode, error: queued ? query.error : null };
}
