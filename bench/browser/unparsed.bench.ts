// Typing through an expression that does not parse, as a person does between
// an operator and its operand: on realistic-100 and big-1000, the edited
// node's expression gets a `*` (it no longer parses: the workflow does not
// compile and is not run) and loses it again (it runs), EDITS times each.
// Timed from the keydown to the first task after the frame that follows the
// run status's change (to `invalid`, then to `done`), in the page's clock;
// long tasks counted throughout. Part of `npm run bench:browser`; nothing
// here asserts a time (bench/RESULTS.md judges the figures).

import { expect, test } from '@playwright/test';
import { big1000, realistic100 } from '../workloads.ts';
import { prepareEditor } from './pages.ts';
import { readLongTasks, watchLongTasks } from './probes.ts';

const EDITS = 40;

interface Seen {
  keyAt: number;
  timed: boolean;
  latencies: number[];
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return Math.round((sorted[Math.max(0, rank)] ?? Number.NaN) * 10) / 10;
}

const rows: Record<string, string | number>[] = [];

for (const make of [realistic100, big1000]) {
  const workload = make();
  test(`typing an operator and deleting it on ${workload.name}`, async ({ page }) => {
    test.skip(test.info().project.name === 'unthrottled', 'measured at 60 Hz only');
    await prepareEditor(page, workload);
    await watchLongTasks(page);
    await page.evaluate(() => {
      const seen: Seen = { keyAt: 0, timed: true, latencies: [] };
      (window as unknown as { __weftUnparsed: Seen }).__weftUnparsed = seen;
      document.addEventListener(
        'keydown',
        (event) => {
          seen.keyAt = event.timeStamp;
          seen.timed = false;
        },
        true,
      );
      const status = document.querySelector('[aria-label="Run status"]');
      if (!status) throw new Error('no run status');
      new MutationObserver(() => {
        const state = status.getAttribute('data-preview-state');
        if (seen.timed || (state !== 'invalid' && state !== 'done')) return;
        seen.timed = true;
        const keyAt = seen.keyAt;
        // The first task after the next frame: the change is painted.
        requestAnimationFrame(() =>
          setTimeout(() => seen.latencies.push(performance.now() - keyAt)),
        );
      }).observe(status, { attributes: true, attributeFilter: ['data-preview-state'] });
    });
    const status = page.getByRole('status', { name: 'Run status' });
    for (let i = 0; i < EDITS; i++) {
      await page.keyboard.press('*');
      await expect(status).toHaveAttribute('data-preview-state', 'invalid');
      await page.keyboard.press('Backspace');
      await expect(status).toHaveAttribute('data-preview-state', 'done');
    }
    await page.waitForTimeout(200);
    const seen = await page.evaluate(
      () => (window as unknown as { __weftUnparsed: Seen }).__weftUnparsed,
    );
    const longTasks = await readLongTasks(page);
    const broken = seen.latencies.filter((_, i) => i % 2 === 0);
    const mended = seen.latencies.filter((_, i) => i % 2 === 1);
    rows.push({
      workload: workload.name,
      keys: seen.latencies.length,
      unparsedP50: percentile(broken, 50),
      unparsedP95: percentile(broken, 95),
      mendedP50: percentile(mended, 50),
      mendedP95: percentile(mended, 95),
      longTasks: longTasks.length,
      longestTaskMs: Math.round(Math.max(0, ...longTasks)),
    });
  });
}

test.afterAll(() => {
  if (rows.length > 0) console.table(rows);
});
