// Caps on data that enters a run from outside (the workflow input, a
// sub-workflow's input). JSON.parse builds any depth without recursion, but
// nearly everything after it (ajv, jsonata, JSON.stringify, structured clone)
// recurses, so a 100,000-deep input would overflow the stack somewhere far
// from its cause. Measuring it once at the door, without recursion, turns that
// into one clear error with a JSON Pointer to the spot.

import { RESULT_LIMITS } from '../expression/resultLimits.ts';
import { escapeToken } from './jsonPointer.ts';

export const DATA_LIMITS = {
  /**
   * Nesting of arrays and objects. The same as an expression result's, so an
   * input the trigger accepts can always pass whole through an expression.
   */
  depth: RESULT_LIMITS.depth,
  /** Items in one array. */
  arrayLength: 100_000,
  /** Members of one object. */
  objectSize: 100_000,
  /** Length of the value's JSON text, approximately, in UTF-16 code units (32 Mi). */
  textLength: 32 * 1024 * 1024,
} as const;

/** Where and how a value breaks the caps (or is not JSON at all). */
export interface DataProblem {
  /** `limit` for a cap, `type` for a value JSON cannot hold. */
  kind: 'limit' | 'type';
  /** JSON Pointer to the offending spot. */
  path: string;
  message: string;
}

interface Pending {
  value: unknown;
  depth: number;
  /** Index in `containers` of the array or object holding this value; -1 for the root. */
  parent: number;
  /** This value's key or index in its parent; undefined for the root. */
  token: string | undefined;
}

interface Container {
  parent: number;
  token: string | undefined;
}

const format = (n: number): string => n.toLocaleString('en-US');

/** Rebuilds the JSON Pointer of a value from its parent chain (only when reporting). */
function pointerOf(containers: readonly Container[], item: Pending): string {
  const tokens: string[] = item.token === undefined ? [] : [item.token];
  for (let at = item.parent; at >= 0;) {
    const link = containers[at] as Container;
    if (link.token !== undefined) tokens.push(link.token);
    at = link.parent;
  }
  let out = '';
  for (let i = tokens.length - 1; i >= 0; i--) out += '/' + escapeToken(tokens[i] as string);
  return out;
}

/**
 * Walks a value iteratively and reports the first cap it breaks, or the first
 * part that is not JSON (a function, `undefined`, a non-finite number, a
 * class instance; a cycle shows as too deep). Stops at the first problem, so
 * the cost is at most one pass over data within the caps.
 */
export function checkData(value: unknown): DataProblem | undefined {
  if (isSmallFlat(value)) return undefined;
  // Pointers are rebuilt only when a problem is found: each pending value
  // keeps the index of its container, and each container its own parent.
  const containers: Container[] = [];
  const stack: Pending[] = [{ value, depth: 0, parent: -1, token: undefined }];
  const problem = (item: Pending, kind: DataProblem['kind'], message: string): DataProblem => ({
    kind,
    path: pointerOf(containers, item),
    message,
  });
  let text = 0;
  while (stack.length > 0) {
    const item = stack.pop() as Pending;
    const v = item.value;
    if (v === null || typeof v === 'boolean') {
      text += 5;
    } else if (typeof v === 'string') {
      text += v.length + 2;
    } else if (typeof v === 'number') {
      if (!Number.isFinite(v)) return problem(item, 'type', `is ${String(v)}, not a JSON number`);
      text += 8;
    } else if (typeof v === 'object') {
      if (item.depth >= DATA_LIMITS.depth) {
        return problem(item, 'limit', `is nested deeper than ${DATA_LIMITS.depth} levels`);
      }
      const self = containers.length;
      containers.push({ parent: item.parent, token: item.token });
      const depth = item.depth + 1;
      if (Array.isArray(v)) {
        if (v.length > DATA_LIMITS.arrayLength) {
          return problem(
            item,
            'limit',
            `is an array of ${format(v.length)} items; the limit is ${format(DATA_LIMITS.arrayLength)}`,
          );
        }
        text += 2 + v.length;
        for (let i = v.length - 1; i >= 0; i--) {
          stack.push({ value: v[i], depth, parent: self, token: String(i) });
        }
      } else {
        const proto = Object.getPrototypeOf(v) as unknown;
        if (proto !== Object.prototype && proto !== null) {
          return problem(item, 'type', 'is not plain JSON data (an object with a class)');
        }
        const keys = Object.keys(v);
        if (keys.length > DATA_LIMITS.objectSize) {
          return problem(
            item,
            'limit',
            `is an object of ${format(keys.length)} members; the limit is ${format(DATA_LIMITS.objectSize)}`,
          );
        }
        text += 2;
        for (let i = keys.length - 1; i >= 0; i--) {
          const key = keys[i] as string;
          text += key.length + 4;
          stack.push({
            value: (v as Record<string, unknown>)[key],
            depth,
            parent: self,
            token: key,
          });
        }
      }
    } else {
      const what = v === undefined ? 'undefined' : `a ${typeof v}`;
      return problem(item, 'type', `is ${what}, which JSON cannot hold`);
    }
    if (text > DATA_LIMITS.textLength) {
      return {
        kind: 'limit',
        path: '',
        message: `is larger than ${format(DATA_LIMITS.textLength / (1024 * 1024))} MiB of JSON text`,
      };
    }
  }
  return undefined;
}

/** A pointer shortened for a one-line message; the full one goes in `path`. */
export function shortPointer(path: string): string {
  if (path === '') return '(root)';
  return path.length > 80 ? `${path.slice(0, 40)}…${path.slice(-37)}` : path;
}

/** At most this many members, each a scalar of at most SHORT characters (keys too), for `isSmallFlat`. */
const FLAT_MEMBERS = 64;
const SHORT = 1024;

/**
 * A small plain object or array of short scalars: within every cap (one
 * level, a few KiB of text at most), so the walk that would find where a
 * value breaks one is not needed. The usual workflow input, checked on
 * every run.
 */
function isSmallFlat(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (Array.isArray(value)) {
    if (value.length > FLAT_MEMBERS) return false;
    for (let i = 0; i < value.length; i++) if (!isShortScalar(value[i])) return false;
    return true;
  }
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) return false;
  const keys = Object.keys(value);
  if (keys.length > FLAT_MEMBERS) return false;
  for (const key of keys) {
    if (key.length > SHORT || !isShortScalar((value as Record<string, unknown>)[key])) return false;
  }
  return true;
}

function isShortScalar(value: unknown): boolean {
  switch (typeof value) {
    case 'string':
      return value.length <= SHORT;
    case 'number':
      return Number.isFinite(value);
    case 'boolean':
      return true;
    default:
      return value === null;
  }
}
