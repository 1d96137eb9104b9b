import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';

// Cross-origin isolation lets the page share memory with the preview worker
// (a SharedArrayBuffer mailbox, see engine/replyMailbox.ts), so a keystroke's
// preview can be painted in the keystroke's own frame. The app loads nothing
// from other origins. A host that serves the build must send the same two
// headers for that; without them the preview arrives a frame later, by message.
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

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
  server: { port: 5173, headers: isolation },
  preview: { port: 4173, strictPort: true, headers: isolation },
  test: {
    include: ['engine/**/*.test.ts', 'src/**/*.test.ts', 'src/**/*.test.tsx', 'tests/**/*.test.ts'],
    environment: 'node',
    testTimeout: 20_000,
  },
});
