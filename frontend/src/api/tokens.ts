import { useMutation, useQueryClient } from '@tanstack/react-query';

import { api } from './client';
import { useFullList } from './pages';
import type { components } from './schema';

type Schemas = components['schemas'];

/** One of the signed-in user's API tokens, as listed: its prefix, never the key. */
export type AuthToken = Schemas['AuthToken'];
/** A token just made: `token` is the key, returned this once. */
export type AuthTokenCreated = Schemas['AuthTokenCreated'];
/** A name, and optionally fewer hours to live than the server's longest. */
export type AuthTokenCreateRequest = Schemas['AuthTokenCreateRequest'];

/** Not under 'auth': signing in or out drops every query but the user's own. */
export const tokenKeys = {
  all: ['account', 'tokens'] as const,
};

const TOKENS_PATH = '/auth/tokens/';

/** The signed-in user's tokens that still work. */
export function useTokens() {
  return useFullList<AuthToken>({
    queryKey: tokenKeys.all,
    path: TOKENS_PATH,
    keyOf: (token) => token.id,
  });
}

export function useCreateToken() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (request: AuthTokenCreateRequest) =>
      api.post<AuthTokenCreated>(TOKENS_PATH, request),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: tokenKeys.all }),
  });
}

export function useRevokeToken() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: number) => api.delete(`${TOKENS_PATH}${id}/`),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: tokenKeys.all }),
  });
}
