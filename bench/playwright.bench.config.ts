// The browser benchmark (issue 5): `npm run bench:browser`. Not part of the
// test command. It builds into its own directory and serves it on its own
// port, so it can run beside the e2e suite (dist/, port 4173).
import { fileURLToPath } from 'node:url';
import { defineConfig, devices } from '@playwright/test';
import baseConfig from '../playwright.config.ts';

const PORT = 4191;

export default defineConfig({
  testDir: 'browser',
  testMatch: '*.bench.ts',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  // Two hundred painted edits on big-1000 take a while on a shared 2-core machine.
  timeout: 600_000,
  expect: { timeout: 60_000 },
  reporter: [['list']],
  outputDir: '../test-results/bench-browser',
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    ...devices['Desktop Chrome'],
    viewport: { width: 1440, height: 900 },
    // Same browser and flags as the e2e suite (Debian's Chromium offline).
    ...(baseConfig.use?.launchOptions ? { launchOptions: baseConfig.use.launchOptions } : {}),
  },
  webServer: {
    command: `npx vite preview --outDir dist-bench --host 127.0.0.1 --port ${PORT} --strictPort`,
    url: `http://127.0.0.1:${PORT}`,
    // Playwright starts the server in the config's directory; vite wants the project root.
    cwd: fileURLToPath(new URL('..', import.meta.url)),
    reuseExistingServer: false,
    timeout: 60_000,
  },
});
