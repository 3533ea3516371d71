import { useQueryClient, type Query } from '@tanstack/react-query';
import { useEffect } from 'react';

import { workspaceKeys } from '../../api/workspaces';
import { closeQuietly, socketUrl } from './sockets';

const REFRESH_DELAY_MS = 300;
const RECONNECT_MAX_MS = 30_000;

/**
 * Keeps the workspace's run lists current: ws/workspaces/<slug>/ (docs/live-events.md) says
 * "subscribed", then announces every run and step status change; each reloads the lists (at
 * most every 300 ms). Without the socket the
 * lists still poll on their own (useRunList), just less promptly.
 */
export function useWorkspaceRunEvents(slug: string) {
  const queryClient = useQueryClient();

  useEffect(() => {
    if (typeof WebSocket === 'undefined') {
      return;
    }
    const prefix = workspaceKeys.runs(slug);
    const isRunList = (query: Query) =>
      prefix.every((part, index) => query.queryKey[index] === part) &&
      (query.queryKey.length === prefix.length || query.queryKey[prefix.length] === 'list');

    let socket: WebSocket | null = null;
    let stopped = false;
    let refreshTimer: ReturnType<typeof setTimeout> | undefined;
    let reconnectTimer: ReturnType<typeof setTimeout> | undefined;
    let delay = 1_000;

    const refresh = () => {
      clearTimeout(refreshTimer);
      refreshTimer = setTimeout(
        () => void queryClient.invalidateQueries({ predicate: isRunList }),
        REFRESH_DELAY_MS,
      );
    };

    const connect = () => {
      const ws = new WebSocket(socketUrl(`/ws/workspaces/${encodeURIComponent(slug)}/`));
      socket = ws;
      ws.onopen = () => {
        delay = 1_000;
      };
      ws.onmessage = (event: MessageEvent) => {
        // "subscribed" first: changes made before it are only in a fresh list.
        if (
          typeof event.data === 'string' &&
          /"(subscribed|run\.status|step\.status)"/.test(event.data)
        ) {
          refresh();
        }
      };
      ws.onclose = (event: CloseEvent) => {
        socket = null;
        // 4401/4403: not signed in or not a member; asking again will not change that.
        if (stopped || event.code === 4401 || event.code === 4403) {
          return;
        }
        reconnectTimer = setTimeout(connect, delay);
        delay = Math.min(delay * 2, RECONNECT_MAX_MS);
      };
    };

    connect();
    return () => {
      stopped = true;
      clearTimeout(refreshTimer);
      clearTimeout(reconnectTimer);
      if (socket) {
        closeQuietly(socket);
      }
    };
  }, [slug, queryClient]);
}
