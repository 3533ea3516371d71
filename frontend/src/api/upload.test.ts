import { afterEach, describe, expect, it, vi } from 'vitest';

import { ApiError } from './client';
import { uploadFile } from './upload';

/** Just enough of XMLHttpRequest to see what was sent and to answer it. */
class FakeXhr {
  static last: FakeXhr | null = null;
  method = '';
  url = '';
  headers: Record<string, string> = {};
  body: FormData | null = null;
  withCredentials = false;
  status = 0;
  statusText = '';
  responseText = '';
  upload: { onprogress: ((event: ProgressEvent) => void) | null } = { onprogress: null };
  onload: (() => void) | null = null;
  onerror: (() => void) | null = null;
  onabort: (() => void) | null = null;

  constructor() {
    FakeXhr.last = this;
  }
  open(method: string, url: string) {
    this.method = method;
    this.url = url;
  }
  setRequestHeader(name: string, value: string) {
    this.headers[name.toLowerCase()] = value;
  }
  send(body: FormData) {
    this.body = body;
  }
  abort() {
    this.onabort?.();
  }
  answer(status: number, body: unknown) {
    this.status = status;
    this.responseText = JSON.stringify(body);
    this.onload?.();
  }
}

async function sent(): Promise<FakeXhr> {
  await vi.waitFor(() => expect(FakeXhr.last?.body).toBeTruthy());
  return FakeXhr.last as FakeXhr;
}

afterEach(() => {
  FakeXhr.last = null;
});

describe('uploadFile', () => {
  it('posts the file as multipart with the CSRF token and reports progress', async () => {
    document.cookie = 'csrftoken=tok';
    vi.stubGlobal('XMLHttpRequest', FakeXhr);
    const progress = vi.fn();
    const file = new File(['a,b\n1,2\n'], 'tiny.csv', { type: 'text/csv' });

    const result = uploadFile('/workspaces/acme/datasets/', file, {
      fields: { name: 'Tiny' },
      onProgress: progress,
    });
    const xhr = await sent();
    xhr.upload.onprogress?.({ lengthComputable: true, loaded: 4, total: 8 } as ProgressEvent);
    xhr.answer(201, { id: 5, name: 'Tiny' });

    expect(await result).toEqual({ status: 201, data: { id: 5, name: 'Tiny' } });
    expect(xhr.method).toBe('POST');
    expect(xhr.url).toBe('/api/v1/workspaces/acme/datasets/');
    expect(xhr.headers['x-csrftoken']).toBe('tok');
    expect(xhr.body?.get('file')).toBeInstanceOf(File);
    expect(xhr.body?.get('name')).toBe('Tiny');
    expect(progress).toHaveBeenCalledWith({ loaded: 4, total: 8 });
  });

  it("rejects with the server's message and the line at fault", async () => {
    document.cookie = 'csrftoken=tok';
    vi.stubGlobal('XMLHttpRequest', FakeXhr);

    const result = uploadFile('/workspaces/acme/datasets/', new File(['x'], 'bad.csv'));
    (await sent()).answer(400, {
      message: 'line 3: expected 2 fields',
      code: 'invalid',
      field: 'file',
      line: 3,
    });

    const error = await result.catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 400, message: 'line 3: expected 2 fields' });
    expect((error as ApiError).body.line).toBe(3);
  });

  it('stops when aborted', async () => {
    document.cookie = 'csrftoken=tok';
    vi.stubGlobal('XMLHttpRequest', FakeXhr);
    const controller = new AbortController();

    const result = uploadFile('/workspaces/acme/datasets/', new File(['x'], 'a.csv'), {
      signal: controller.signal,
    });
    await sent();
    controller.abort();

    await expect(result).rejects.toMatchObject({ name: 'AbortError' });
  });
});
