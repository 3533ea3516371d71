import type { ApiError } from '../../api/client';

/** Where an upload went wrong and what to do, beyond the server's message; null when nothing. */
export function uploadErrorDetail(error: ApiError): string | null {
  const parts: string[] = [];
  const { line, row, column } = error.body;
  if (typeof line === 'number') {
    parts.push(`Line ${line} of the file.`);
  }
  if (typeof row === 'number') {
    parts.push(`At row ${row}.`);
  }
  if (column) {
    parts.push(`In column “${column}”.`);
  }
  if (error.status === 413) {
    parts.push('Split the file, or save it as Parquet, which is smaller.');
  } else if (error.status === 415) {
    parts.push('Save it as CSV (comma-separated, with a header row) or Parquet.');
  }
  return parts.length > 0 ? parts.join(' ') : null;
}
