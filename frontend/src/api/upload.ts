/** File uploads through XMLHttpRequest, which (unlike fetch) reports upload progress. */

import { API_ROOT, ApiError, parseErrorBody, readCookie } from './client';

export interface UploadProgress {
  loaded: number;
  total: number;
}

export interface UploadOptions {
  fields?: Record<string, string>;
  onProgress?: (progress: UploadProgress) => void;
  signal?: AbortSignal;
}

async function ensureCsrfToken(): Promise<string | null> {
  const token = readCookie('csrftoken');
  if (token !== null) {
    return token;
  }
  await fetch(`${API_ROOT}/auth/me/`, { credentials: 'same-origin' }).catch(() => undefined);
  return readCookie('csrftoken');
}

/** POST `file` as multipart field "file" to `path` (relative to /api/v1); resolves to the JSON. */
export async function uploadFile<T>(path: string, file: File, options: UploadOptions = {}) {
  const token = await ensureCsrfToken();
  const body = new FormData();
  body.append('file', file);
  for (const [key, value] of Object.entries(options.fields ?? {})) {
    body.append(key, value);
  }

  return new Promise<{ status: number; data: T }>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `${API_ROOT}${path}`);
    xhr.withCredentials = true;
    xhr.setRequestHeader('Accept', 'application/json');
    if (token !== null) {
      xhr.setRequestHeader('X-CSRFToken', token);
    }
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable) {
        options.onProgress?.({ loaded: event.loaded, total: event.total });
      }
    };
    xhr.onload = () => {
      const text = xhr.responseText;
      if (xhr.status >= 200 && xhr.status < 300) {
        resolve({ status: xhr.status, data: (text ? JSON.parse(text) : undefined) as T });
      } else {
        reject(new ApiError(xhr.status, parseErrorBody(xhr.status, xhr.statusText, text)));
      }
    };
    xhr.onerror = () =>
      reject(
        new ApiError(0, {
          message: 'The upload could not reach the Tributary server. Check your connection.',
          code: 'network_error',
        }),
      );
    xhr.onabort = () => reject(new DOMException('The upload was cancelled.', 'AbortError'));
    options.signal?.addEventListener('abort', () => xhr.abort(), { once: true });
    xhr.send(body);
  });
}
