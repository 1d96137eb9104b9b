// Timing helpers for the Node benchmarks: per-run samples, order statistics,
// and interleaved rounds so that a noisy, shared machine slows every
// contender alike instead of skewing one of them.

import { performance } from 'node:perf_hooks';

export interface Stats {
  samples: number;
  median: number;
  p99: number;
  min: number;
}

export function stats(samples: readonly number[]): Stats {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) =>
    sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
  return { samples: sorted.length, median: at(0.5), p99: at(0.99), min: sorted[0] ?? NaN };
}

export function median(values: readonly number[]): number {
  return stats(values).median;
}

/** Times each call of `run` (sync or async) in milliseconds. */
export async function sample(
  run: () => unknown,
  count: number,
  into: number[] = [],
): Promise<number[]> {
  for (let i = 0; i < count; i++) {
    const start = performance.now();
    const result = run();
    if (result instanceof Promise) await result;
    into.push(performance.now() - start);
  }
  return into;
}

/** Runs `run` until `ms` have passed (at least `min` times), to let the JIT settle. */
export async function warm(run: () => unknown, ms: number, min = 20): Promise<void> {
  const until = performance.now() + ms;
  for (let i = 0; i < min || performance.now() < until; i++) {
    const result = run();
    if (result instanceof Promise) await result;
  }
}

/** How many calls of about `perCallMs` fit in `budgetMs`, within [lo, hi]. */
export function countFor(perCallMs: number, budgetMs: number, lo: number, hi: number): number {
  return Math.max(lo, Math.min(hi, Math.round(budgetMs / Math.max(perCallMs, 1e-6))));
}

export function formatMs(ms: number): string {
  if (ms >= 100) return `${ms.toFixed(0)} ms`;
  if (ms >= 1) return `${ms.toFixed(2)} ms`;
  return `${(ms * 1000).toFixed(1)} µs`;
}

export function formatUs(ms: number): string {
  const us = ms * 1000;
  return us >= 10 ? `${us.toFixed(1)} µs` : `${us.toFixed(3)} µs`;
}
