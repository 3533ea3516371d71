import { vi } from 'vitest';

export interface MockReply {
  status?: number;
  body?: unknown;
}

type Handler = MockReply | ((init: RequestInit) => MockReply);

const unexpected: string[] = [];

/** Requests that no route of the current mock answered, since the last call. */
export function takeUnexpectedRequests(): string[] {
  return unexpected.splice(0);
}

/** Stub `fetch` with replies keyed by "METHOD /path/" (query strings ignored); returns the mock. */
export function mockApi(routes: Record<string, Handler>) {
  const fetchMock = vi.fn(async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const url = new URL(String(input), 'http://localhost');
    const key = `${init.method ?? 'GET'} ${url.pathname}`;
    const handler = routes[key];
    if (handler === undefined) {
      unexpected.push(key);
      return json(599, { message: `unexpected request: ${key}`, code: 'unmocked' });
    }
    const reply = typeof handler === 'function' ? handler(init) : handler;
    return json(reply.status ?? 200, reply.body);
  });
  vi.stubGlobal('fetch', fetchMock);
  return fetchMock;
}

function json(status: number, body: unknown): Response {
  if (status === 204 || body === undefined) {
    return new Response(null, { status });
  }
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json' },
  });
}

/** The headers a mocked fetch call was made with, as a plain object. */
export function headersOf(init: RequestInit | undefined): Record<string, string> {
  return Object.fromEntries(new Headers(init?.headers).entries());
}
