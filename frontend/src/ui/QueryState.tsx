import type { UseQueryResult } from '@tanstack/react-query';
import type { ReactNode } from 'react';

import { ErrorState } from './ErrorState';
import { Loading } from './Loading';

/** The loading, error and empty states of one query; `children` renders the data otherwise. */
export function QueryState<T>({
  query,
  noun,
  isEmpty,
  empty,
  children,
}: {
  query: UseQueryResult<T>;
  noun: string;
  isEmpty: (data: T) => boolean;
  empty: ReactNode;
  children: (data: T) => ReactNode;
}) {
  if (query.isPending) {
    return <Loading label={`Loading ${noun}…`} />;
  }
  if (query.isError) {
    return (
      <ErrorState
        title={`Could not load ${noun}`}
        error={query.error}
        onRetry={() => void query.refetch()}
      />
    );
  }
  if (isEmpty(query.data)) {
    return <div className="empty-state">{empty}</div>;
  }
  return children(query.data);
}
