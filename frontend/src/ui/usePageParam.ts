import { useCallback } from 'react';
import { useSearchParams } from 'react-router-dom';

function positiveInt(value: string | null): number | undefined {
  const parsed = Number(value);
  return Number.isInteger(parsed) && parsed > 0 ? parsed : undefined;
}

/**
 * The page of a list the address shows (`?page=`, counted from 1, left out for the first), and a
 * way to go to another: a new history entry, or with `replace` (to leave a page that is gone) none.
 */
export function usePageParam(): [number, (page: number, options?: { replace?: boolean }) => void] {
  const [searchParams, setSearchParams] = useSearchParams();
  const page = positiveInt(searchParams.get('page')) ?? 1;
  const setPage = useCallback(
    (next: number, options: { replace?: boolean } = {}) =>
      setSearchParams(
        (params) => {
          const updated = new URLSearchParams(params);
          if (next > 1) {
            updated.set('page', String(next));
          } else {
            updated.delete('page');
          }
          return updated;
        },
        { replace: options.replace },
      ),
    [setSearchParams],
  );
  return [page, setPage];
}
