// In-page probes for the browser benchmark. They run inside the app's page
// (page.evaluate), so every time is read from the page's own clock and no
// Playwright round trip is inside a measured interval.

import type { Page } from '@playwright/test';

export interface EditProbe {
  /** From the keydown event's time stamp to just after the frame that shows the new preview. */
  latencyMs: number;
  /**
   * From the same keydown to just after the frame that shows the typed text in
   * the field itself: the floor for `latencyMs`, since the preview cannot be
   * painted before the keystroke's own frame.
   */
  echoMs: number;
  /** Whether the preview was painted in the same frame as the echo (same rAF frame time). */
  sameFrame: boolean;
  /**
   * The preview's frame time minus the echo's (rAF's argument): 0 in the same
   * frame, about 16.7 ms per frame later. Unlike `latencyMs - echoMs` it does
   * not depend on when the page gets round to the task after each frame (a
   * posted task, which Chromium may hold back behind input and other work).
   */
  framesBehindMs: number;
}

export interface FrameLog {
  /** Intervals between consecutive animation frames, ms. */
  intervals: number[];
  durationMs: number;
}

/** A change painted: the frame's time (rAF's argument) and the first task after that frame. */
interface Painted {
  frame: number;
  at: number;
}

interface BenchState {
  keyAt: number | null;
  lastPreview: string;
  /** When the keystroke's own text change was painted (see `echoMs`), once it was. */
  echoAt: Promise<Painted> | null;
  resolve: ((probe: EditProbe) => void) | null;
  frames: number[];
  framing: boolean;
}

declare global {
  interface Window {
    __weftBench?: BenchState;
    __weftBenchNext?: Promise<EditProbe>;
    __weftLongTasks?: number[];
  }
}

/** Where a typed edit shows: an element and, inside it, the text that changes. */
export interface ProbeTarget {
  /** The element to watch, e.g. a node's card on the canvas. */
  container: string;
  /** Inside it, the text that each edit changes, e.g. the card's preview. */
  preview: string;
}

/** The editor's target: a node's card and its preview line. */
export function cardPreview(nodeId: string): ProbeTarget {
  return { container: `.react-flow__node[data-id="${nodeId}"]`, preview: '.weft-node-preview' };
}

/**
 * Watches the target and the focused field: the time of every keydown, the
 * first change of the field's text after it (the keystroke's echo: a change of
 * its DOM, or for an <input> or <textarea>, whose text is not DOM, its `input`
 * event), and each change of the target's preview text. A change is timed at
 * the first task after the next animation frame (a message posted from
 * requestAnimationFrame is delivered after that frame's style, layout and
 * paint), so the figure covers the engine round trip, React's render and the
 * browser's paint. Also starts counting long tasks (`watchLongTasks`).
 */
export async function installProbes(page: Page, target: ProbeTarget): Promise<void> {
  await watchLongTasks(page);
  await page.evaluate(({ container, preview }) => {
    const card = document.querySelector(container);
    if (!card) throw new Error(`${container} is not on the page`);
    const field = document.activeElement;
    if (!field || field === document.body) throw new Error('no field has the focus');
    const previewText = () => card.querySelector(preview)?.textContent ?? '';
    const paintedAfter = (frame: number) =>
      new Promise<Painted>((resolve) => {
        const channel = new MessageChannel();
        channel.port1.onmessage = () => resolve({ frame, at: performance.now() });
        channel.port2.postMessage(null);
      });
    // A change the page makes inside a frame's own task (in a rAF callback of
    // its own, before style and layout) is painted in that frame, where a rAF
    // requested then would only run in the next one. So from an edit's keydown
    // until its preview the probe marks each frame: its rAF callback,
    // requested before any the page requests for that frame, opens the mark, and a
    // ResizeObserver callback on an element the mark resized, which runs
    // after that frame's layout in the same task, closes it. A change seen
    // while the mark is open is timed by that frame.
    let inFrame: { frame: number; painted: Promise<Painted> } | null = null;
    let marking = false;
    const marker = document.createElement('div');
    marker.style.cssText =
      'position:fixed;left:0;top:0;width:1px;height:1px;visibility:hidden;pointer-events:none;contain:strict';
    document.body.append(marker);
    new ResizeObserver(() => (inFrame = null)).observe(marker);
    const mark = (frame: number) => {
      marking = false;
      if (state.keyAt === null) return;
      inFrame = { frame, painted: paintedAfter(frame) };
      marker.style.width = marker.style.width === '1px' ? '2px' : '1px';
      marking = true;
      requestAnimationFrame(mark);
    };
    const afterPaint = () =>
      inFrame
        ? inFrame.painted
        : new Promise<Painted>((resolve) =>
            requestAnimationFrame((frame) => void paintedAfter(frame).then(resolve)),
          );
    const state: BenchState = {
      keyAt: null,
      lastPreview: previewText(),
      echoAt: null,
      resolve: null,
      frames: [],
      framing: false,
    };
    window.__weftBench = state;
    window.addEventListener(
      'keydown',
      (event) => {
        state.keyAt = event.timeStamp;
        state.echoAt = null;
        // Ahead of any frame the page asks for in answer to the key.
        if (!marking) {
          marking = true;
          requestAnimationFrame(mark);
        }
      },
      { capture: true },
    );
    const echo = () => {
      if (state.keyAt !== null && state.echoAt === null) state.echoAt = afterPaint();
    };
    if (field instanceof HTMLInputElement || field instanceof HTMLTextAreaElement) {
      // Capturing, ahead of the page's own handler: it may change the preview,
      // whose observer must find the echo already on its way.
      window.addEventListener('input', (event) => event.target === field && echo(), {
        capture: true,
      });
    } else {
      new MutationObserver(echo).observe(field, {
        subtree: true,
        childList: true,
        characterData: true,
      });
    }
    new MutationObserver(() => {
      const text = previewText();
      if (text === state.lastPreview) return;
      state.lastPreview = text;
      const { keyAt, resolve, echoAt } = state;
      if (keyAt === null || resolve === null) return;
      state.keyAt = null;
      state.resolve = null;
      void Promise.all([afterPaint(), echoAt]).then(([painted, echoed]) =>
        resolve({
          latencyMs: painted.at - keyAt,
          echoMs: echoed ? echoed.at - keyAt : Number.NaN,
          sameFrame: echoed?.frame === painted.frame,
          framesBehindMs: echoed ? painted.frame - echoed.frame : Number.NaN,
        }),
      );
    }).observe(card, { subtree: true, childList: true, characterData: true });
  }, target);
}

/** Performs `act` (one keystroke) and resolves once its changed preview is painted. */
export async function waitForPaintedChange(
  page: Page,
  act: () => Promise<void>,
  timeoutMs = 20_000,
): Promise<EditProbe> {
  await page.evaluate(() => {
    const state = window.__weftBench;
    if (!state) throw new Error('probes not installed');
    window.__weftBenchNext = new Promise<EditProbe>((resolve) => (state.resolve = resolve));
  });
  await act();
  return page.evaluate(async (limit) => {
    const next = window.__weftBenchNext;
    if (!next) throw new Error('no edit armed');
    const timeout = new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`preview did not change within ${limit} ms`)), limit),
    );
    return Promise.race([next, timeout]);
  }, timeoutMs);
}

/**
 * Starts counting the page's main-thread long tasks afresh (the first call
 * starts the observer); `readLongTasks` gives their durations.
 */
export async function watchLongTasks(page: Page): Promise<void> {
  await page.evaluate(() => {
    if (window.__weftLongTasks) {
      window.__weftLongTasks.length = 0;
      return;
    }
    const log: number[] = (window.__weftLongTasks = []);
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) log.push(entry.duration);
    }).observe({ type: 'longtask' });
  });
}

/** Durations (ms) of the main-thread long tasks seen since `watchLongTasks`. */
export async function readLongTasks(page: Page): Promise<number[]> {
  return page.evaluate(() => window.__weftLongTasks?.slice() ?? []);
}

/** Starts logging animation-frame times. */
export async function startFrameLog(page: Page): Promise<void> {
  await page.evaluate(() => {
    const state = (window.__weftBench ??= {
      keyAt: null,
      lastPreview: '',
      echoAt: null,
      resolve: null,
      frames: [],
      framing: false,
    });
    state.frames = [];
    state.framing = true;
    const tick = (at: number) => {
      state.frames.push(at);
      if (state.framing) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
}

/** Stops the frame log after one more frame and returns the intervals between frames. */
export async function stopFrameLog(page: Page): Promise<FrameLog> {
  return page.evaluate(
    () =>
      new Promise<FrameLog>((resolve) => {
        requestAnimationFrame(() => {
          const state = window.__weftBench;
          if (!state) throw new Error('frame log not started');
          state.framing = false;
          const frames = state.frames;
          const intervals = frames.slice(1).map((at, i) => at - (frames[i] as number));
          resolve({ intervals, durationMs: (frames.at(-1) ?? 0) - (frames[0] ?? 0) });
        });
      }),
  );
}
