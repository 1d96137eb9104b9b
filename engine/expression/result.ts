// Turns what jsonata returns into plain JSON. jsonata hands back sequences
// (arrays carrying `sequence`, `keepSingleton`, … flags), null-prototype
// objects, and possibly functions or non-finite numbers; the engine, the worker
// boundary (structured clone) and JSON.stringify all need plain data.

import type { Json } from '../types.ts';
import { LIMITS } from './guards.ts';

export const RESULT_LIMITS = {
  /** Deepest nesting a result may have. */
  depth: 100,
  /** Most values (every array item and object member counts) a result may hold. */
  values: 1_000_000,
} as const;

/** Thrown when a result cannot be JSON; the message completes "result is not JSON: …". */
export class NotJson extends Error {
  constructor(reason: string) {
    super(`result is not JSON: ${reason}`);
    this.name = 'NotJson';
  }
}

function checkedString(value: string): string {
  if (value.length > LIMITS.stringLength) {
    throw new NotJson(
      `it holds a string of ${value.length.toLocaleString('en-US')} characters, past the limit of ${LIMITS.stringLength.toLocaleString('en-US')}`,
    );
  }
  return value;
}

function isFunctionLike(value: object): boolean {
  const v = value as { _jsonata_function?: unknown; _jsonata_lambda?: unknown };
  return v._jsonata_function === true || v._jsonata_lambda === true;
}

/**
 * Copies `value` into fresh plain JSON. `undefined` members and items are
 * dropped, as JSONata's own serialisation drops them. Keys such as
 * `__proto__` stay ordinary data: they are defined, never assigned.
 */
export function toJson(value: unknown): Json | undefined {
  let count = 0;

  const convert = (item: unknown, depth: number): Json | undefined => {
    count++;
    if (count > RESULT_LIMITS.values) {
      throw new NotJson(
        `it holds more than ${RESULT_LIMITS.values.toLocaleString('en-US')} values`,
      );
    }
    switch (typeof item) {
      case 'undefined':
        return undefined;
      case 'string':
        return checkedString(item);
      case 'boolean':
        return item;
      case 'number':
        if (!Number.isFinite(item)) {
          throw new NotJson(`${String(item)} is not a JSON number (division by zero?)`);
        }
        return item;
      case 'function':
        throw new NotJson('it contains a function; call the function or return data');
      case 'object': {
        if (item === null) return null;
        if (depth >= RESULT_LIMITS.depth) {
          throw new NotJson(`it is nested deeper than ${RESULT_LIMITS.depth} levels`);
        }
        if (isFunctionLike(item)) {
          throw new NotJson('it contains a function; call the function or return data');
        }
        if (Array.isArray(item)) {
          const out: Json[] = [];
          for (const element of item as unknown[]) {
            const converted = convert(element, depth + 1);
            if (converted !== undefined) out.push(converted);
          }
          return out;
        }
        const out: { [key: string]: Json } = {};
        for (const key of Object.keys(item)) {
          const converted = convert((item as Record<string, unknown>)[key], depth + 1);
          if (converted === undefined) continue;
          if (key === '__proto__') {
            Object.defineProperty(out, key, {
              value: converted,
              enumerable: true,
              writable: true,
              configurable: true,
            });
          } else out[key] = converted;
        }
        return out;
      }
      default:
        throw new NotJson(`a ${typeof item} is not a JSON value`);
    }
  };

  return convert(value, 0);
}

/**
 * The cheap check for the fast path: its closures build values from JSON input
 * with plain operators, so what can go wrong is a non-finite number, a hole or
 * an array still carrying jsonata's sequence marks.
 * Walks the value without copying it and copies (through `toJson`) only when
 * something needs fixing or refusing.
 */
export function assertFastResult(value: Json | undefined): Json | undefined {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) {
      throw new NotJson(`${String(value)} is not a JSON number (division by zero?)`);
    }
    return value;
  }
  if (typeof value === 'string') return checkedString(value);
  if (typeof value !== 'object' || value === null) return value;
  return isCleanJson(value, 0) ? value : toJson(value);
}

function isCleanJson(value: unknown, depth: number): boolean {
  switch (typeof value) {
    case 'string':
      return value.length <= LIMITS.stringLength;
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value);
    case 'object': {
      if (value === null) return true;
      if (depth >= RESULT_LIMITS.depth) return false;
      if (Array.isArray(value)) {
        // jsonata's sequence marks (`sequence`, `keepSingleton`, …) are extra
        // own keys; structured clone would carry them, so such arrays are copied.
        if (Object.keys(value).length !== value.length) return false;
        for (const item of value as unknown[]) if (!isCleanJson(item, depth + 1)) return false;
        return true;
      }
      for (const key of Object.keys(value)) {
        if (!isCleanJson((value as Record<string, unknown>)[key], depth + 1)) return false;
      }
      return true;
    }
    default:
      return false;
  }
}
