import { useQuery } from '@tanstack/react-query';

import { api } from '../../api/client';
import type { components } from '../../api/schema';

type Schemas = components['schemas'];

/** Online workers, queues and the broker (GET /operations/). */
export type Operations = Schemas['Operations'];
export type OperationsWorker = Schemas['Worker'];
export type OperationsQueue = Schemas['Queue'];
export type GpuDevice = Schemas['GpuDevice'];

/** How often the operations page asks again. */
export const OPERATIONS_POLL_MS = 5_000;

export const operationsKeys = { all: ['operations'] as const };

/** Workers and queues as Celery reports them, refreshed every few seconds. */
export function useOperations() {
  return useQuery({
    queryKey: operationsKeys.all,
    queryFn: ({ signal }) => api.get<Operations>('/operations/', signal),
    refetchInterval: OPERATIONS_POLL_MS,
  });
}
