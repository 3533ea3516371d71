import { MutationCache, QueryCache, QueryClient } from '@tanstack/react-query';

import { meQueryKey } from '../api/auth';
import { ApiError } from '../api/client';

function isClientError(error: unknown): boolean {
  return error instanceof ApiError && error.status >= 400 && error.status < 500;
}

/** The app's query client: no retries on 4xx, and a 401 anywhere signs the browser out. */
export function createQueryClient(): QueryClient {
  const queryClient: QueryClient = new QueryClient({
    queryCache: new QueryCache({ onError: (error) => onUnauthorized(error) }),
    mutationCache: new MutationCache({ onError: (error) => onUnauthorized(error) }),
    defaultOptions: {
      queries: {
        staleTime: 15_000,
        retry: (failures, error) => !isClientError(error) && failures < 2,
      },
      mutations: { retry: false },
    },
  });

  function onUnauthorized(error: unknown) {
    if (error instanceof ApiError && error.status === 401) {
      queryClient.setQueryData(meQueryKey, null);
    }
  }

  return queryClient;
}
