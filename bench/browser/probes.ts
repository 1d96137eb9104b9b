// In-page probes for the browser benchmark. They run inside the app's page
// (page.evaluate), so every time is read from the page's own clock and no
// Playwright round trip is inside a measured interval.

import type { Page } from '@playwright/test';

export interface EditProbe {
  /** From the keydown event's time stamp to just after the frame that shows the new preview. */
  latencyMs: number;
}

export interface FrameLog {
  /** Intervals between consecutive animation frames, ms. */
  intervals: number[];
  durationMs: number;
}

interface BenchState {
  keyAt: number | null;
  lastPreview: string;
  resolve: ((probe: EditProbe) => void) | null;
  longTasks: number[];
  frames: number[];
  framing: boolean;
}

/**
 * The few browser globals the probes use. The bench compiles under the Node
 * tsconfig (no DOM lib), and pulling the DOM lib in with a reference would
 * leak browser globals into every Node file of that program.
 */
interface PageElement {
  querySelector(selector: string): PageElement | null;
  textContent: string | null;
}
interface PageGlobals {
  document: PageElement;
  addEventListener(
    type: 'keydown',
    listener: (event: { timeStamp: number }) => void,
    options: { capture: boolean },
  ): void;
  requestAnimationFrame(callback: (at: number) => void): number;
  PerformanceObserver: new (callback: (list: { getEntries(): { duration: number }[] }) => void) => {
    observe(options: { type: string }): void;
  };
  MutationObserver: new (callback: () => void) => {
    observe(target: PageElement, options: Record<string, boolean>): void;
  };
  MessageChannel: new () => {
    port1: { onmessage: (() => void) | null };
    port2: { postMessage(message: null): void };
  };
  performance: { now(): number };
  __weftBench?: BenchState;
  __weftBenchNext?: Promise<EditProbe>;
}

/**
 * Watches one node's card: the time of every keydown, and each change of the
 * card's preview text. A change is timed at the first task after the next
 * animation frame (a message posted from requestAnimationFrame is delivered
 * after that frame's style, layout and paint), so the figure covers the
 * engine round trip, React's render and the browser's paint. Also starts the
 * long-task observer.
 */
export async function installProbes(page: Page, nodeId: string): Promise<void> {
  await page.evaluate((id) => {
    // Serialized into the page: globalThis there is the page's window.
    const w = globalThis as unknown as PageGlobals;
    const card = w.document.querySelector(`.react-flow__node[data-id="${id}"]`);
    if (!card) throw new Error(`node ${id} is not on the canvas`);
    const previewText = () => card.querySelector('.weft-node-preview')?.textContent ?? '';
    const state: BenchState = {
      keyAt: null,
      lastPreview: previewText(),
      resolve: null,
      longTasks: [],
      frames: [],
      framing: false,
    };
    w.__weftBench = state;
    new w.PerformanceObserver((list) => {
      for (const entry of list.getEntries()) state.longTasks.push(entry.duration);
    }).observe({ type: 'longtask' });
    w.addEventListener('keydown', (event) => (state.keyAt = event.timeStamp), {
      capture: true,
    });
    new w.MutationObserver(() => {
      const text = previewText();
      if (text === state.lastPreview) return;
      state.lastPreview = text;
      const keyAt = state.keyAt;
      const resolve = state.resolve;
      if (keyAt === null || resolve === null) return;
      state.keyAt = null;
      state.resolve = null;
      w.requestAnimationFrame(() => {
        const channel = new w.MessageChannel();
        channel.port1.onmessage = () => resolve({ latencyMs: w.performance.now() - keyAt });
        channel.port2.postMessage(null);
      });
    }).observe(card, { subtree: true, childList: true, characterData: true });
  }, nodeId);
}

/** Performs `act` (one keystroke) and resolves once its changed preview is painted. */
export async function waitForPaintedChange(
  page: Page,
  act: () => Promise<void>,
  timeoutMs = 20_000,
): Promise<EditProbe> {
  await page.evaluate(() => {
    const w = globalThis as unknown as PageGlobals;
    const state = w.__weftBench;
    if (!state) throw new Error('probes not installed');
    w.__weftBenchNext = new Promise<EditProbe>((resolve) => (state.resolve = resolve));
  });
  await act();
  return page.evaluate(async (limit) => {
    const w = globalThis as unknown as PageGlobals;
    const next = w.__weftBenchNext;
    if (!next) throw new Error('no edit armed');
    const timeout = new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`preview did not change within ${limit} ms`)), limit),
    );
    return Promise.race([next, timeout]);
  }, timeoutMs);
}

/** Durations (ms) of the main-thread long tasks seen since the probes were installed. */
export async function readLongTasks(page: Page): Promise<number[]> {
  return page.evaluate(
    () => (globalThis as unknown as PageGlobals).__weftBench?.longTasks.slice() ?? [],
  );
}

/** Starts logging animation-frame times. */
export async function startFrameLog(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = globalThis as unknown as PageGlobals;
    const state = (w.__weftBench ??= {
      keyAt: null,
      lastPreview: '',
      resolve: null,
      longTasks: [],
      frames: [],
      framing: false,
    });
    state.frames = [];
    state.framing = true;
    const tick = (at: number) => {
      state.frames.push(at);
      if (state.framing) w.requestAnimationFrame(tick);
    };
    w.requestAnimationFrame(tick);
  });
}

/** Stops the frame log after one more frame and returns the intervals between frames. */
export async function stopFrameLog(page: Page): Promise<FrameLog> {
  return page.evaluate(
    () =>
      new Promise<FrameLog>((resolve) => {
        const w = globalThis as unknown as PageGlobals;
        w.requestAnimationFrame(() => {
          const state = w.__weftBench;
          if (!state) throw new Error('frame log not started');
          state.framing = false;
          const frames = state.frames;
          const intervals = frames.slice(1).map((at, i) => at - (frames[i] as number));
          resolve({ intervals, durationMs: (frames.at(-1) ?? 0) - (frames[0] ?? 0) });
        });
      }),
  );
}
