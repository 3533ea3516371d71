import { describe, expect, it, vi } from 'vitest';

import { headersOf, mockApi } from '../test/mockApi';
import { api, ApiError, parseErrorBody } from './client';

async function apiErrorFrom(promise: Promise<unknown>): Promise<ApiError> {
  const error: unknown = await promise.then(
    () => new Error('expected the request to fail'),
    (reason: unknown) => reason,
  );
  if (!(error instanceof ApiError)) {
    throw new Error(`expected an ApiError, got ${String(error)}`);
  }
  return error;
}

describe('ApiError', () => {
  it('carries the status, message and details of a JSON error body', async () => {
    document.cookie = 'csrftoken=tok';
    mockApi({
      'POST /api/v1/workspaces/acme/pipelines/': {
        status: 400,
        body: {
          message: 'name: This field may not be blank.',
          code: 'invalid',
          field: 'name',
          fields: { name: ['This field may not be blank.'] },
        },
      },
    });

    const error = await apiErrorFrom(api.post('/workspaces/acme/pipelines/', { name: '' }));

    expect(error.status).toBe(400);
    expect(error.message).toBe('name: This field may not be blank.');
    expect(error.code).toBe('invalid');
    expect(error.field).toBe('name');
    expect(error.fields).toEqual({ name: ['This field may not be blank.'] });
  });

  it('keeps graph errors by node and port', () => {
    const body = parseErrorBody(
      409,
      'Conflict',
      JSON.stringify({
        message: 'the graph is not valid',
        code: 'invalid_graph',
        node: 'n2',
        port: 'train',
        errors: [{ node: 'n2', port: 'train', message: 'required input is not wired' }],
      }),
    );
    const error = new ApiError(409, body);

    expect(error.code).toBe('invalid_graph');
    expect(error.body.node).toBe('n2');
    expect(error.errors).toEqual([
      { node: 'n2', port: 'train', message: 'required input is not wired' },
    ]);
  });

  it('says what happened when the error body is not JSON', () => {
    const body = parseErrorBody(502, 'Bad Gateway', '<html>proxy error</html>');

    expect(body.code).toBe('http_error');
    expect(body.message).toContain('502 Bad Gateway');
  });

  it('reports an unreachable server as status 0', async () => {
    vi.stubGlobal('fetch', vi.fn().mockRejectedValue(new TypeError('Failed to fetch')));

    const error = await apiErrorFrom(api.get('/workspaces/'));

    expect(error.status).toBe(0);
    expect(error.code).toBe('network_error');
  });
});

describe('request headers', () => {
  it('sends the CSRF token from the cookie on POST, with the session cookie and JSON', async () => {
    document.cookie = 'csrftoken=tok%2Ben123';
    const fetchMock = mockApi({
      'POST /api/v1/workspaces/': { status: 201, body: { id: 1, name: 'Acme', slug: 'acme' } },
    });

    const created = await api.post('/workspaces/', { name: 'Acme' });

    expect(created).toEqual({ id: 1, name: 'Acme', slug: 'acme' });
    expect(fetchMock).toHaveBeenCalledTimes(1);
    const init = fetchMock.mock.calls[0]?.[1];
    expect(init?.credentials).toBe('same-origin');
    expect(init?.body).toBe(JSON.stringify({ name: 'Acme' }));
    expect(headersOf(init)).toMatchObject({
      'x-csrftoken': 'tok+en123',
      'content-type': 'application/json',
    });
  });

  it('does not send the CSRF token on GET', async () => {
    document.cookie = 'csrftoken=abc';
    const fetchMock = mockApi({ 'GET /api/v1/blocks/': { body: [] } });

    await api.get('/blocks/');

    expect(headersOf(fetchMock.mock.calls[0]?.[1])).not.toHaveProperty('x-csrftoken');
  });

  it('fetches the CSRF cookie first when the browser has none', async () => {
    const fetchMock = mockApi({
      'GET /api/v1/auth/me/': () => {
        document.cookie = 'csrftoken=fresh';
        return { status: 401, body: { message: 'not signed in', code: 'not_authenticated' } };
      },
      'POST /api/v1/auth/logout/': { status: 204 },
    });

    const result = await api.post('/auth/logout/');

    expect(result).toBeUndefined();
    expect(fetchMock).toHaveBeenCalledTimes(2);
    expect(headersOf(fetchMock.mock.calls[1]?.[1])['x-csrftoken']).toBe('fresh');
  });
});
