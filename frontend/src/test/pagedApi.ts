import { vi } from 'vitest';

/** One answer of the stub: a status and a JSON body. */
export interface StubReply {
  status?: number;
  body: unknown;
}

/**
 * Stub `fetch` with lists paginated as the API paginates them (`?page=`, `?page_size=`, default
 * 50, a 404 past the last page) and single replies, both keyed by "/api/v1/..." path. Returns
 * the mock, whose calls are the URLs asked for.
 */
export function stubPagedApi(
  lists: Record<string, readonly unknown[]>,
  replies: Record<string, StubReply> = {},
) {
  const fetchMock = vi.fn(async (input: RequestInfo | URL) => {
    const url = new URL(String(input), 'http://localhost');
    const reply = replies[url.pathname];
    if (reply !== undefined) {
      return json(reply.status ?? 200, reply.body);
    }
    const items = lists[url.pathname];
    if (items === undefined) {
      return json(404, { message: `no stub for ${url.pathname}`, code: 'not_found' });
    }
    const page = Number(url.searchParams.get('page') ?? '1');
    const size = Number(url.searchParams.get('page_size') ?? '50');
    const pages = Math.max(1, Math.ceil(items.length / size));
    if (page > pages) {
      return json(404, { message: 'Invalid page.', code: 'not_found' });
    }
    const link = (to: number) => {
      const other = new URL(url);
      other.searchParams.set('page', String(to));
      return other.toString();
    };
    return json(200, {
      count: items.length,
      next: page < pages ? link(page + 1) : null,
      previous: page > 1 ? link(page - 1) : null,
      results: items.slice((page - 1) * size, page * size),
    });
  });
  vi.stubGlobal('fetch', fetchMock);
  return fetchMock;
}

/** The URLs (path and query) a stubbed fetch was called with, in order. */
export function requestedUrls(fetchMock: ReturnType<typeof stubPagedApi>): string[] {
  return fetchMock.mock.calls.map(([input]) => {
    const url = new URL(String(input), 'http://localhost');
    return `${url.pathname}${url.search}`;
  });
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json' },
  });
}
