/** The JSON API at /api/v1/: one fetch wrapper that sends the session cookie and CSRF token. */

export const API_ROOT = '/api/v1';

const CSRF_COOKIE = 'csrftoken';
const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** A problem in a pipeline graph, named by node and port. */
export interface GraphIssue {
  node?: string | null;
  port?: string | null;
  message: string;
}

/** The JSON body the backend answers every error with. */
export interface ErrorBody {
  message: string;
  code: string;
  field?: string;
  node?: string;
  port?: string;
  column?: string;
  line?: number;
  row?: number;
  errors?: GraphIssue[];
  fields?: Record<string, string[]>;
}

/** A request that did not succeed: the HTTP status (0 when the server could not be reached) and the server's message. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly body: ErrorBody;

  constructor(status: number, body: ErrorBody) {
    super(body.message);
    this.name = 'ApiError';
    this.status = status;
    this.code = body.code;
    this.body = body;
  }

  get field(): string | undefined {
    return this.body.field;
  }

  get fields(): Record<string, string[]> {
    return this.body.fields ?? {};
  }

  get errors(): GraphIssue[] {
    return this.body.errors ?? [];
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** Turn an error response's text into an ErrorBody, whether or not the server answered JSON. */
export function parseErrorBody(status: number, statusText: string, text: string): ErrorBody {
  const parsed = parseJson(text);
  if (isRecord(parsed) && typeof parsed.message === 'string' && parsed.message) {
    const code = typeof parsed.code === 'string' ? parsed.code : 'error';
    return { ...parsed, message: parsed.message, code } as ErrorBody;
  }
  const reason = statusText ? `${status} ${statusText}` : String(status);
  return { message: `The server answered ${reason}. Try again in a moment.`, code: 'http_error' };
}

/** The value of a cookie, or null when the browser has none by that name. */
export function readCookie(name: string): string | null {
  for (const part of document.cookie.split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) {
      return decodeURIComponent(rest.join('='));
    }
  }
  return null;
}

async function csrfToken(): Promise<string | null> {
  const token = readCookie(CSRF_COOKIE);
  if (token !== null) {
    return token;
  }
  // GET auth/me/ sets the cookie; the browser app asks for it before its first write.
  await fetch(`${API_ROOT}/auth/me/`, { credentials: 'same-origin' }).catch(() => undefined);
  return readCookie(CSRF_COOKIE);
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  body?: unknown;
  signal?: AbortSignal;
}

/** Call the API at `path` (relative to /api/v1), resolving to the parsed JSON or throwing ApiError. */
export async function request<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const method = options.method ?? 'GET';
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (options.body !== undefined) {
    headers['Content-Type'] = 'application/json';
  }
  if (UNSAFE_METHODS.has(method)) {
    const token = await csrfToken();
    if (token !== null) {
      headers['X-CSRFToken'] = token;
    }
  }

  let response: Response;
  try {
    response = await fetch(`${API_ROOT}${path}`, {
      method,
      headers,
      credentials: 'same-origin',
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: options.signal,
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') {
      throw error;
    }
    throw new ApiError(0, {
      message: 'Cannot reach the Tributary server. Check your connection and try again.',
      code: 'network_error',
    });
  }

  const text = await response.text();
  if (!response.ok) {
    throw new ApiError(response.status, parseErrorBody(response.status, response.statusText, text));
  }
  return (text ? JSON.parse(text) : undefined) as T;
}

export const api = {
  get: <T>(path: string, signal?: AbortSignal) => request<T>(path, { signal }),
  post: <T>(path: string, body?: unknown) => request<T>(path, { method: 'POST', body }),
  patch: <T>(path: string, body?: unknown) => request<T>(path, { method: 'PATCH', body }),
  delete: <T = undefined>(path: string) => request<T>(path, { method: 'DELETE' }),
};
