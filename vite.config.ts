import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';

export default defineConfig({
  plugins: [react()],
  worker: { format: 'es' },
  // Vite's dependency scan does not follow worker entries; without this list
  // the first dev load re-optimizes and reloads the page.
  optimizeDeps: {
    include: [
      'comlink',
      'jsonata',
      'jsonata206',
      'ajv',
      'ajv-formats',
      'ajv/dist/2020.js',
      're2js',
    ],
  },
  server: { port: 5173 },
  preview: { port: 4173, strictPort: true },
  test: {
    include: ['engine/**/*.test.ts', 'src/**/*.test.ts', 'src/**/*.test.tsx', 'tests/**/*.test.ts'],
    environment: 'node',
    testTimeout: 20_000,
  },
});
