// Whether two JSON values are the same to anything that reads them: what a
// run's early cutoff asks of a node's new output against its last one
// (engine/run.ts, `Run.cameOutTheSame`). Stricter than JSONata's `=`: an
// object's keys must come in the same order (`$keys`, `$string` and the
// preview show the order), and 0 is not -0. Where it cannot tell cheaply, as
// beyond MAX_DEPTH, it answers false: a node then runs again, never wrongly not.

import type { Json } from '../types.ts';

/** Deeper than this is taken as different (no stack is spent on it). */
const MAX_DEPTH = 200;

export function sameJson(a: Json | undefined, b: Json | undefined): boolean {
  return same(a, b, 0);
}

function same(a: Json | undefined, b: Json | undefined, depth: number): boolean {
  if (a === b) return a !== 0 || Object.is(a, b);
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (depth >= MAX_DEPTH) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) {
      if (!same(a[i] as Json, b[i] as Json, depth + 1)) return false;
    }
    return true;
  }
  if (Array.isArray(b)) return false;
  const keys = Object.keys(a);
  const other = Object.keys(b);
  if (keys.length !== other.length) return false;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    if (key !== other[i] || !same(a[key] as Json, b[key] as Json, depth + 1)) return false;
  }
  return true;
}
