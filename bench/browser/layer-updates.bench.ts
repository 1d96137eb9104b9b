// A diagnostic, not part of the benchmark's figures: which frames of typing
// take Chromium's full layer update (Layerize with PaintArtifactCompositor::Update)
// and which the repaint-only one, with CSS variants injected into the running
// page between phases. Skipped unless BENCH_LAYER_VARIANTS is set, e.g.
//
//   BENCH_LAYER_VARIANTS='{"base":"","no-edges":".react-flow__edges{display:none}"}' \
//   BENCH_LAYER_TARGET=codemirror BENCH_LAYER_KEYS=arrow BENCH_LAYER_ROUNDS=2 \
//   npx playwright test -c bench/playwright.bench.config.ts --project vsync layer-updates
//
// BENCH_LAYER_TARGET: `editor` (realistic-100's edited node, the default),
// `sample` (realistic-100's input sample, in the workflow's settings), `input`
// or `codemirror` (the control pages). BENCH_LAYER_KEYS: `type` (a
// digit, then Backspace, each once the preview changed; the default), `arrow`
// (the caret moves right and left, no text changes) or `shift` (a range
// selection grows and shrinks by one character). Prints two lines per phase:
// frames, full and repaint-only updates with the Layerize each costs, and the
// other rendering steps per frame; then the main thread's work per keystroke,
// the key's own task and the frames with their steps. All in thread time.

import { test, type Page } from '@playwright/test';
import { realistic100 } from '../workloads.ts';
import { prepareControl, prepareEditor, prepareSampleEditor } from './pages.ts';
import type { ProbeTarget } from './probes.ts';
import { threadNames, topLevelTasks, type TraceEvent } from './traceEvents.ts';

const VARIANTS = process.env.BENCH_LAYER_VARIANTS;
const TARGET = process.env.BENCH_LAYER_TARGET ?? 'editor';
const KEYS = process.env.BENCH_LAYER_KEYS ?? 'type';
const EDITS = Number(process.env.BENCH_LAYER_EDITS ?? 30);
const ROUNDS = Number(process.env.BENCH_LAYER_ROUNDS ?? 1);

async function press(page: Page, target: ProbeTarget, i: number): Promise<void> {
  if (KEYS === 'arrow' || KEYS === 'shift') {
    const shift = KEYS === 'shift' ? 'Shift+' : '';
    if (KEYS === 'shift' && i === 0) await page.keyboard.press('Shift+ArrowRight');
    await page.keyboard.press(`${shift}${i % 2 === 0 ? 'ArrowRight' : 'ArrowLeft'}`);
    // No text changes: give the frame time to be drawn.
    await page.waitForTimeout(40);
    return;
  }
  const preview = page.locator(target.container).locator(target.preview);
  const before = await preview.textContent();
  await page.keyboard.press(i % 2 === 0 ? String(i % 9) : 'Backspace');
  await page.waitForFunction(
    ({ container, preview: inner, text }) =>
      document.querySelector(container)?.querySelector(inner)?.textContent !== text,
    { ...target, text: before },
  );
}

/** One phase's line: layer updates by kind and the rendering steps per frame (thread time, ms). */
function summary(name: string, trace: Buffer): string {
  const events = (JSON.parse(trace.toString()) as { traceEvents: TraceEvent[] }).traceEvents;
  const layerize = events.filter((e) => e.name === 'Layerize' && e.ph === 'X');
  const updates = events.filter((e) => e.name === 'PaintArtifactCompositor::Update');
  const cost = (e: TraceEvent) => (e.tdur ?? e.dur ?? 0) / 1000;
  const full = layerize.filter((l) =>
    updates.some((u) => u.ts >= l.ts && u.ts <= l.ts + (l.dur ?? 0)),
  );
  const repaintOnly = layerize.filter((l) => !full.includes(l));
  const mean = (list: TraceEvent[]) =>
    (list.reduce((sum, e) => sum + cost(e), 0) / Math.max(1, list.length)).toFixed(2);
  const perFrame = (step: string) =>
    (
      events.filter((e) => e.name === step && e.ph === 'X').reduce((sum, e) => sum + cost(e), 0) /
      Math.max(1, layerize.length)
    ).toFixed(2);
  return (
    `${name.padEnd(16)} frames ${layerize.length}: full ${full.length} (Layerize ${mean(full)}), ` +
    `repaint-only ${repaintOnly.length} (Layerize ${mean(repaintOnly)}); per frame ` +
    `layout ${perFrame('Layout')} prepaint ${perFrame('PrePaint')} paint ${perFrame('Paint')}\n` +
    `${''.padEnd(16)} ${perKeystroke(events)}`
  );
}

/**
 * The main thread's work per keystroke, in thread time (ms): the task that
 * handles the key (and what it lays out and restyles), and the frame tasks
 * (those that paint) with their animation-frame callbacks and rendering steps.
 */
function perKeystroke(events: TraceEvent[]): string {
  const threadOf = threadNames(events);
  const main = events
    .filter((e) => e.ph === 'X' && threadOf(e) === 'CrRendererMain')
    .sort((a, b) => a.ts - b.ts || (b.dur ?? 0) - (a.dur ?? 0));
  const tasks = topLevelTasks(main);
  const cost = (e: TraceEvent) => (e.tdur ?? e.dur ?? 0) / 1000;
  // A step's events not nested in another of the same name (Paint nests).
  const outermost = (inside: TraceEvent[], step: string) => {
    let end = -Infinity;
    return inside.filter((e) => {
      if (e.name !== step || e.ts < end) return false;
      end = e.ts + (e.dur ?? 0);
      return true;
    });
  };
  const keys = tasks.filter((t) =>
    t.inside.some((e) => e.name === 'EventDispatch' && e.args?.data?.type === 'keydown'),
  );
  const frames = tasks.filter((t) => t.inside.some((e) => e.name === 'Paint'));
  const n = Math.max(1, keys.length);
  const sum = (list: typeof tasks, step?: string) =>
    (
      list.reduce(
        (total, t) =>
          total +
          (step ? outermost(t.inside, step).reduce((s, e) => s + cost(e), 0) : cost(t.task)),
        0,
      ) / n
    ).toFixed(2);
  return (
    `per keystroke: input task ${sum(keys)} (layout ${sum(keys, 'Layout')}, style ` +
    `${sum(keys, 'UpdateLayoutTree')}); frames ${sum(frames)} (animation-frame callbacks ` +
    `${sum(frames, 'FireAnimationFrame')}, style ${sum(frames, 'UpdateLayoutTree')}, layout ` +
    `${sum(frames, 'Layout')}, prepaint ${sum(frames, 'PrePaint')}, paint ` +
    `${sum(frames, 'Paint')}, layerize ${sum(frames, 'Layerize')}, commit ${sum(frames, 'Commit')})`
  );
}

test('layer updates per CSS variant while typing', async ({ page, browser }) => {
  test.skip(!VARIANTS, 'a diagnostic: set BENCH_LAYER_VARIANTS to run it');
  test.skip(test.info().project.name !== 'vsync', 'run at 60 Hz only');
  const variants = JSON.parse(VARIANTS ?? '{}') as Record<string, string>;
  const target =
    TARGET === 'input' || TARGET === 'codemirror'
      ? await prepareControl(page, TARGET)
      : TARGET === 'sample'
        ? await prepareSampleEditor(page, realistic100())
        : await prepareEditor(page, realistic100());
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, css] of Object.entries(variants)) {
      await page.evaluate((text) => {
        document.getElementById('bench-layer-css')?.remove();
        const style = document.createElement('style');
        style.id = 'bench-layer-css';
        style.textContent = text;
        document.head.append(style);
      }, css);
      await page.waitForTimeout(300);
      await browser.startTracing(page, {
        categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'blink'],
      });
      for (let i = 0; i < EDITS; i++) await press(page, target, i);
      console.log(summary(name, await browser.stopTracing()));
    }
  }
});
