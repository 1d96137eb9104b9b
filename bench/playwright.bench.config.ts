// The browser benchmark (issue 5): `npm run bench:browser`. Not part of the
// test command. It builds into its own directory and serves it on its own
// port, so it can run beside the e2e suite (dist/, port 4173).
import { fileURLToPath } from 'node:url';
import { defineConfig, devices } from '@playwright/test';
import baseConfig from '../playwright.config.ts';

const PORT = 4191;
/**
 * The built app to serve (default dist-bench/, which `npm run bench:browser`
 * builds). BENCH_DIST=<dir> serves another build, e.g. one made from a clean
 * clone of an earlier commit, so two builds can be measured in turn by the same spec.
 */
const DIST = process.env.BENCH_DIST ?? 'dist-bench';

/**
 * Same browser and flags as the e2e suite (Debian's Chromium offline), plus
 * `extra`; BENCH_CHROMIUM_ARGS adds flags for a diagnostic run (space-separated).
 */
function launchOptions(extra: string[] = []) {
  return {
    ...baseConfig.use?.launchOptions,
    args: [
      ...(baseConfig.use?.launchOptions?.args ?? []),
      ...extra,
      ...(process.env.BENCH_CHROMIUM_ARGS?.split(' ').filter(Boolean) ?? []),
    ],
  };
}

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
    launchOptions: launchOptions(),
  },
  projects: [
    // The standard measure: frames at the display's 60 Hz, as a user sees them.
    { name: 'vsync' },
    // A second measure, reported beside the first and never instead of it:
    // frames not bound to 60 Hz (drawn as soon as there is something to draw;
    // the spec logs the animation-frame interval to show it), so latencies
    // lack the 0–16.7 ms wait for the next vsync and show the page's own work.
    {
      name: 'unthrottled',
      use: { launchOptions: launchOptions(['--disable-frame-rate-limit', '--disable-gpu-vsync']) },
    },
  ],
  webServer: {
    command: `npx vite preview --outDir ${DIST} --host 127.0.0.1 --port ${PORT} --strictPort`,
    url: `http://127.0.0.1:${PORT}`,
    // Playwright starts the server in the config's directory; vite wants the project root.
    cwd: fileURLToPath(new URL('..', import.meta.url)),
    reuseExistingServer: false,
    timeout: 60_000,
  },
});
