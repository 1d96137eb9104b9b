// Timers without DOM or Node types: the engine's tsconfig has neither, but
// both runtimes provide setTimeout and AbortController on globalThis.

import type { AbortSignalLike } from '../types.ts';

interface TimerGlobals {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  AbortController?: new () => { readonly signal: AbortSignalLike; abort(): void };
}

const timers = globalThis as unknown as TimerGlobals;

/** Sleeps for real. Live mode's default `sleep`. */
export function realSleep(ms: number): Promise<void> {
  return new Promise((resolve) => {
    timers.setTimeout(resolve, ms);
  });
}

/**
 * Runs `work` with a deadline: rejects with `onTimeout()` after `ms`, and
 * aborts the signal handed to `work` so a pending request is cancelled.
 * Also aborts when `outer` (the run's own signal) does.
 */
export function withDeadline<T>(
  ms: number | undefined,
  outer: AbortSignalLike | undefined,
  work: (signal: AbortSignalLike | undefined) => Promise<T>,
  onTimeout: () => Error,
): Promise<T> {
  const Controller = timers.AbortController;
  const controller = Controller ? new Controller() : undefined;
  if (outer && controller) {
    if (outer.aborted) controller.abort();
    else outer.addEventListener('abort', () => controller.abort());
  }
  const running = work(controller?.signal ?? outer);
  if (ms === undefined) return running;
  return new Promise<T>((resolve, reject) => {
    const handle = timers.setTimeout(() => {
      controller?.abort();
      reject(onTimeout());
    }, ms);
    running.then(
      (value) => {
        timers.clearTimeout(handle);
        resolve(value);
      },
      (error: unknown) => {
        timers.clearTimeout(handle);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}
