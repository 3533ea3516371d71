import '@testing-library/jest-dom/vitest';
import { cleanup } from '@testing-library/react';
import { afterEach, expect } from 'vitest';

import { takeUnexpectedRequests } from './mockApi';

afterEach(() => {
  cleanup();
  document.cookie = 'csrftoken=; expires=Thu, 01 Jan 1970 00:00:00 GMT; path=/';
  expect(takeUnexpectedRequests(), 'requests the mocked API did not expect').toEqual([]);
});
