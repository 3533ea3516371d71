import { useMutation, useQueryClient } from '@tanstack/react-query';

import { api } from './client';
import type { components } from './schema';
import { useFullList } from './pages';
import { workspaceKeys } from './workspaces';

type Schemas = components['schemas'];

/** The generated types say `string` for the authors; a deleted user leaves null. */
type WithAuthors<T> = Omit<T, 'created_by' | 'revoked_by'> & {
  readonly created_by: string | null;
  readonly revoked_by: string | null;
};

/** A key as listed: its prefix, never the secret. */
export type ApiKey = WithAuthors<Schemas['ApiKey']>;
/** A key just created: `key` is the secret, returned this once. */
export type ApiKeyCreated = WithAuthors<Schemas['ApiKeyCreated']>;
/** `model` empty or null: the key may call every model of the workspace. */
export type ApiKeyCreateRequest = Schemas['ApiKeyCreateRequest'];

export const apiKeyKeys = {
  all: (slug: string) => [...workspaceKeys.all, slug, 'api-keys'] as const,
};

function apiKeysPath(slug: string, rest = ''): string {
  return `/workspaces/${encodeURIComponent(slug)}/api-keys/${rest}`;
}

/** Every API key of the workspace, revoked ones included (one page is rarely all of them). */
export function useApiKeys(slug: string) {
  return useFullList<ApiKey>({
    queryKey: apiKeyKeys.all(slug),
    path: apiKeysPath(slug),
    keyOf: (key) => key.id,
  });
}

export function useCreateApiKey(slug: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (request: ApiKeyCreateRequest) =>
      api.post<ApiKeyCreated>(apiKeysPath(slug), request),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: apiKeyKeys.all(slug) }),
  });
}

export function useRevokeApiKey(slug: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: number) => api.delete(apiKeysPath(slug, `${id}/`)),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: apiKeyKeys.all(slug) }),
  });
}
