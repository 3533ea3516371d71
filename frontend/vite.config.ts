/// <reference types="vitest/config" />
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const backend = process.env.TRIBUTARY_BACKEND ?? 'http://127.0.0.1:8000';

// Django checks the Origin of unsafe requests (CSRF) and of WebSockets against its own host.
const toBackend = { target: backend, changeOrigin: true, headers: { origin: backend } };

export default defineConfig({
  plugins: [react()],
  server: {
    port: 5173,
    proxy: {
      '/api': toBackend,
      '/ws': { ...toBackend, ws: true },
    },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
  },
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.{ts,tsx}'],
    setupFiles: ['src/test/setup.ts'],
    restoreMocks: true,
    unstubGlobals: true,
    // The editor's page tests render the whole canvas in jsdom; on a loaded 2-core machine one
    // can take several seconds, which is slowness, not a failure.
    testTimeout: 20_000,
  },
});
