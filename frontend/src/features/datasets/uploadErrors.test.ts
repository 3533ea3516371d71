import { describe, expect, it } from 'vitest';

import { ApiError } from '../../api/client';
import { uploadErrorDetail } from './uploadErrors';

describe('uploadErrorDetail', () => {
  it('names the line of a CSV that could not be read', () => {
    const error = new ApiError(400, {
      message: 'line 3: expected 2 fields as in the header, found 3',
      code: 'invalid',
      field: 'file',
      line: 3,
    });
    expect(uploadErrorDetail(error)).toBe('Line 3 of the file.');
  });

  it('says what to do about a file that is too large or of another format', () => {
    expect(
      uploadErrorDetail(new ApiError(413, { message: 'too large', code: 'too_large' })),
    ).toMatch(/Parquet/);
    expect(
      uploadErrorDetail(new ApiError(415, { message: 'not csv', code: 'unsupported_format' })),
    ).toMatch(/CSV/);
  });

  it('has nothing to add otherwise', () => {
    expect(uploadErrorDetail(new ApiError(400, { message: 'bad', code: 'invalid' }))).toBeNull();
  });
});
