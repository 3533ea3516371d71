import type { UseQueryResult } from '@tanstack/react-query';

import { RelativeTime } from '../../ui/RelativeTime';

/** When a query's data was loaded, and a button to load it again. */
export function RefreshButton({ query, noun }: { query: UseQueryResult<unknown>; noun: string }) {
  const updated = Math.max(query.dataUpdatedAt, query.errorUpdatedAt);
  return (
    <span className="panel-actions">
      {updated > 0 && !query.isFetching && (
        <span className="muted small">
          updated <RelativeTime value={new Date(updated).toISOString()} />
        </span>
      )}
      <button
        type="button"
        className="button button--small"
        onClick={() => void query.refetch()}
        disabled={query.isFetching}
      >
        {query.isFetching ? 'Refreshing…' : 'Refresh'}
        <span className="visually-hidden"> {noun}</span>
      </button>
    </span>
  );
}
