import { describe, expect, it } from 'vitest';

import { requestedUrls, stubPagedApi } from '../test/pagedApi';
import { ApiError } from './client';
import {
  fetchAllPages,
  isPastLastPage,
  joinPages,
  MAX_PAGE_SIZE,
  nextPageNumber,
  pageCount,
  pagePath,
} from './pages';
import type { Page } from './types';

interface Item {
  id: number;
}

function page(ids: number[], count: number, next: boolean): Page<Item> {
  return {
    count,
    next: next ? 'http://testserver/next' : null,
    previous: null,
    results: ids.map((id) => ({ id })),
  };
}

const byId = (item: Item) => item.id;
const items = (n: number): Item[] => Array.from({ length: n }, (_, index) => ({ id: n - index }));

describe('pagePath', () => {
  it('adds the page and its size', () => {
    expect(pagePath('/workspaces/acme/runs/', 3, 25)).toBe(
      '/workspaces/acme/runs/?page=3&page_size=25',
    );
  });

  it('keeps the query it had and replaces a page already there', () => {
    expect(pagePath('/w/runs/?pipeline=4&page=9', 2, 10)).toBe(
      '/w/runs/?pipeline=4&page=2&page_size=10',
    );
  });
});

describe('pageCount', () => {
  it.each([
    [0, 1],
    [1, 1],
    [25, 1],
    [26, 2],
    [501, 21],
  ])('%i items fill %i pages of 25', (count, pages) => {
    expect(pageCount(count, 25)).toBe(pages);
  });
});

describe('joinPages', () => {
  it('puts the pages one after the other, with the latest count', () => {
    expect(joinPages([page([5, 4], 5, true), page([3, 2], 6, true)], byId)).toEqual({
      count: 6,
      results: [{ id: 5 }, { id: 4 }, { id: 3 }, { id: 2 }],
    });
  });

  it('drops an item pushed onto the next page by one added meanwhile', () => {
    const joined = joinPages([page([5, 4], 5, true), page([4, 3], 6, true)], byId);
    expect(joined.results.map(byId)).toEqual([5, 4, 3]);
  });

  it('is empty, with no items, for no pages', () => {
    expect(joinPages<Item>([], byId)).toEqual({ count: 0, results: [] });
  });
});

describe('nextPageNumber', () => {
  it('follows the last page that has a next one', () => {
    expect(nextPageNumber([page([1], 3, true), page([2], 3, true)])).toBe(3);
  });

  it('stops at a page without a next one, or an empty one', () => {
    expect(nextPageNumber([page([1], 1, false)])).toBeUndefined();
    expect(nextPageNumber([page([], 0, true)])).toBeUndefined();
  });
});

describe('fetchAllPages', () => {
  it('reads every page of the largest size the API allows', async () => {
    const fetchMock = stubPagedApi({ '/api/v1/workspaces/acme/datasets/': items(1203) });

    const all = await fetchAllPages('/workspaces/acme/datasets/', byId);

    expect(all.count).toBe(1203);
    expect(all.results).toHaveLength(1203);
    expect(all.results.at(0)).toEqual({ id: 1203 });
    expect(all.results.at(-1)).toEqual({ id: 1 });
    expect(requestedUrls(fetchMock)).toEqual(
      [1, 2, 3].map(
        (n) => `/api/v1/workspaces/acme/datasets/?page=${n}&page_size=${MAX_PAGE_SIZE}`,
      ),
    );
  });

  it('asks once for a list that fits on a page', async () => {
    const fetchMock = stubPagedApi({ '/api/v1/workspaces/': items(2) });

    const all = await fetchAllPages('/workspaces/', byId);

    expect(all).toEqual({ count: 2, results: [{ id: 2 }, { id: 1 }] });
    expect(fetchMock).toHaveBeenCalledTimes(1);
  });

  it('keeps the filters of the path on every page', async () => {
    const fetchMock = stubPagedApi({ '/api/v1/runs/1/logs/': items(5) });

    await fetchAllPages('/runs/1/logs/?after=7', byId, undefined, 2);

    expect(requestedUrls(fetchMock)).toEqual([
      '/api/v1/runs/1/logs/?after=7&page=1&page_size=2',
      '/api/v1/runs/1/logs/?after=7&page=2&page_size=2',
      '/api/v1/runs/1/logs/?after=7&page=3&page_size=2',
    ]);
  });

  it('fails as the API does', async () => {
    stubPagedApi({});
    await expect(fetchAllPages('/workspaces/gone/datasets/', byId)).rejects.toBeInstanceOf(
      ApiError,
    );
  });
});

describe('isPastLastPage', () => {
  const notFound = new ApiError(404, { message: 'Invalid page.', code: 'not_found' });

  it('is a 404 for a page after the first', () => {
    expect(isPastLastPage(notFound, 3)).toBe(true);
  });

  it('is not the first page missing (the list itself is gone) nor another error', () => {
    expect(isPastLastPage(notFound, 1)).toBe(false);
    expect(isPastLastPage(new ApiError(500, { message: 'boom', code: 'error' }), 3)).toBe(false);
    expect(isPastLastPage(null, 3)).toBe(false);
  });
});
