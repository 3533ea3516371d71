/**
 * The API's page-numbered lists (backend/api/pagination.py): `?page=` counts from 1,
 * `?page_size=` goes up to MAX_PAGE_SIZE, and each answer is `{count, next, previous, results}`.
 *
 * Three ways to show one, by what the screen needs:
 * - useListPage: one numbered page, for a page with page controls (the address keeps `?page=`);
 * - useExpandingList: the first page, then the next on each "Show more" (a card, a side panel);
 * - useFullList: every item, page after page (a picker, or a lookup that must find any item).
 */

import {
  keepPreviousData,
  useInfiniteQuery,
  useQuery,
  type InfiniteData,
  type QueryKey,
} from '@tanstack/react-query';
import { useCallback, useEffect } from 'react';

import { api, ApiError } from './client';
import type { Page } from './types';

/** The most items the API returns on one page. */
export const MAX_PAGE_SIZE = 500;

/** A whole list, or as much of it as has been loaded, and how many items the list has. */
export interface ListSlice<T> {
  count: number;
  results: T[];
}

/** What tells two items of a list apart (an id, a name): a repeat of it is dropped. */
export type ItemKey<T> = (item: T) => string | number;

/** `path` asking for page `page` of `pageSize` items, keeping its other query parameters. */
export function pagePath(path: string, page: number, pageSize: number): string {
  const at = path.indexOf('?');
  const base = at === -1 ? path : path.slice(0, at);
  const params = new URLSearchParams(at === -1 ? '' : path.slice(at + 1));
  params.set('page', String(page));
  params.set('page_size', String(pageSize));
  return `${base}?${params.toString()}`;
}

/** How many pages of `pageSize` a list of `count` items fills (at least one, even when empty). */
export function pageCount(count: number, pageSize: number): number {
  return Math.max(1, Math.ceil(count / pageSize));
}

/**
 * The items of consecutive pages as one list, each item once: an item added to the list while
 * its pages were being read pushes the rest down, so the last of one page comes again first on
 * the next. The count is the latest page's.
 */
export function joinPages<T>(pages: readonly Page<T>[], keyOf: ItemKey<T>): ListSlice<T> {
  const seen = new Set<string | number>();
  const results: T[] = [];
  for (const page of pages) {
    for (const item of page.results) {
      const key = keyOf(item);
      if (!seen.has(key)) {
        seen.add(key);
        results.push(item);
      }
    }
  }
  return { count: pages.at(-1)?.count ?? 0, results };
}

/** The number of the page after `pages`, or undefined when the last one had no `next`. */
export function nextPageNumber<T>(pages: readonly Page<T>[]): number | undefined {
  const last = pages.at(-1);
  return last?.next && last.results.length > 0 ? pages.length + 1 : undefined;
}

/** Every item of the list at `path`, reading page after page until the last. */
export async function fetchAllPages<T>(
  path: string,
  keyOf: ItemKey<T>,
  signal?: AbortSignal,
  pageSize = MAX_PAGE_SIZE,
): Promise<ListSlice<T>> {
  const pages: Page<T>[] = [];
  for (let page: number | undefined = 1; page !== undefined; page = nextPageNumber(pages)) {
    pages.push(await api.get<Page<T>>(pagePath(path, page, pageSize), signal));
  }
  return joinPages(pages, keyOf);
}

/** Whether `error` is the API refusing a page past the end of a list (which may have shrunk). */
export function isPastLastPage(error: unknown, page: number): boolean {
  return page > 1 && error instanceof ApiError && error.status === 404;
}

export interface ListPageOptions<T> {
  queryKey: QueryKey;
  path: string;
  page: number;
  pageSize: number;
  /** Called when `page` is past the end (say, after a deletion): go back to the first page. */
  onPastEnd?: () => void;
  /** How often to reload the page (ms), or false; a function decides from the page shown. */
  refetchInterval?: number | false | ((data: Page<T> | undefined) => number | false);
}

/** One page of the list at `path`; the page before stays on screen while the next one loads. */
export function useListPage<T>({
  queryKey,
  path,
  page,
  pageSize,
  onPastEnd,
  refetchInterval,
}: ListPageOptions<T>) {
  const query = useQuery({
    queryKey: [...queryKey, { page, pageSize }],
    queryFn: ({ signal }) => api.get<Page<T>>(pagePath(path, page, pageSize), signal),
    placeholderData: keepPreviousData,
    refetchInterval:
      typeof refetchInterval === 'function'
        ? (current) => refetchInterval(current.state.data)
        : refetchInterval,
  });
  const pastEnd = isPastLastPage(query.error, page);
  useEffect(() => {
    if (pastEnd) {
      onPastEnd?.();
    }
  }, [pastEnd, onPastEnd]);
  return query;
}

/** The list at `path` a page at a time: `fetchNextPage` ("Show more") appends the next one. */
export function useExpandingList<T>({
  queryKey,
  path,
  pageSize,
  keyOf,
}: {
  queryKey: QueryKey;
  path: string;
  pageSize: number;
  keyOf: ItemKey<T>;
}) {
  const select = useCallback(
    (data: InfiniteData<Page<T>, number>) => joinPages(data.pages, keyOf),
    [keyOf],
  );
  return useInfiniteQuery({
    queryKey: [...queryKey, { expanding: pageSize }],
    queryFn: ({ pageParam, signal }) =>
      api.get<Page<T>>(pagePath(path, pageParam, pageSize), signal),
    initialPageParam: 1,
    getNextPageParam: (_last, pages) => nextPageNumber(pages),
    select,
  });
}

/** Every item of the list at `path` (for a picker, or a lookup that must find any item). */
export function useFullList<T>({
  queryKey,
  path,
  keyOf,
  staleTime,
}: {
  queryKey: QueryKey;
  path: string;
  keyOf: ItemKey<T>;
  staleTime?: number;
}) {
  return useQuery({
    queryKey,
    queryFn: ({ signal }) => fetchAllPages(path, keyOf, signal),
    staleTime,
  });
}
