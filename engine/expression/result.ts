// Turns what jsonata returns into plain JSON. jsonata hands back sequences
// (arrays carrying `sequence`, `keepSingleton`, … flags), null-prototype
// objects, and possibly functions or non-finite numbers; the engine, the worker
// boundary (structured clone) and JSON.stringify all need plain data.

import type { Json } from '../types.ts';
import { setMember } from '../util/jsonMember.ts';
import { LIMITS } from './guards.ts';
import { RESULT_LIMITS } from './resultLimits.ts';

export { RESULT_LIMITS } from './resultLimits.ts';

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
          setMember(out, key, converted);
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
 * The cheap check for the fast path: its closures return parts of their input
 * as they are and build new values with plain operators, so what can go wrong
 * is a non-finite number, a hole, an over-long string or an array still
 * carrying jsonata's sequence marks. A clean value is returned as it is;
 * anything else goes through `toJson`, which fixes or refuses it.
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
  return cleanShape(value, 0) === undefined ? toJson(value) : value;
}

interface Shape {
  /** Container levels: 0 for a scalar. */
  readonly height: number;
  /** Values, as `toJson` counts them (every container, item and member). */
  readonly size: number;
}

const SCALAR: Shape = { height: 0, size: 1 };

/** The most members an object may have to be checked as flat (see `cleanShape`). */
const FLAT_MAX = 16;
/** The shape of an object of n scalars, by n. */
const FLAT: readonly Shape[] = Array.from({ length: FLAT_MAX + 1 }, (_, n) => ({
  height: 1,
  size: 1 + n,
}));

// Objects already found clean, with their shape. A fast-path result is often
// a node output or a part of the input returned as it is, run after run, so
// walking it once per object instead of once per evaluation keeps the check
// cheap (a 10,000-item list costs about a millisecond to walk). Sound because
// the engine never mutates values once produced, and neither does jsonata.
const cleanShapes = new WeakMap<object, Shape>();
// From 32 values: a sample the size of realistic-100's (about 70 values,
// returned as it is by each `$input` transform) is walked once, not on every
// run. 256 left it walked every time: 3.66 M → 3.46 M instructions per
// realistic-100 run with 32, 3.57 M with 64 (bench/run-loop.ts). Smaller
// objects are cheaper to walk again than to look up.
const MEMO_MIN_SIZE = 32;

/** jsonata's marks on the arrays it builds; structured clone would carry them. */
const SEQUENCE_MARKS = ['sequence', 'keepSingleton', 'outerWrapper', 'tupleStream', 'cons'];

function hasSequenceMarks(array: object): boolean {
  for (const mark of SEQUENCE_MARKS) if (Object.hasOwn(array, mark)) return true;
  return false;
}

/** The shape of a clean JSON value at `depth`, or undefined when it needs `toJson`. */
function cleanShape(value: unknown, depth: number): Shape | undefined {
  if (typeof value !== 'object') return isCleanScalar(value) ? SCALAR : undefined;
  if (value === null) return SCALAR;
  const known = cleanShapes.get(value);
  if (known !== undefined) return depth + known.height <= RESULT_LIMITS.depth ? known : undefined;
  if (depth >= RESULT_LIMITS.depth) return undefined;
  const isArray = Array.isArray(value);
  if (isArray && hasSequenceMarks(value)) return undefined;
  const members = isArray ? (value as unknown[]) : Object.values(value);
  // A few scalars (what an object constructor usually builds): no walk, and
  // no shape of its own.
  if (members.length <= FLAT_MAX && allCleanScalars(members)) return FLAT[members.length];
  let height = 0;
  let size = 1;
  for (const child of members) {
    const shape = cleanShape(child, depth + 1);
    if (shape === undefined) return undefined;
    if (shape.height >= height) height = shape.height + 1;
    size += shape.size;
    if (size > RESULT_LIMITS.values) return undefined;
  }
  if (height === 0) height = 1;
  const shape: Shape = { height, size };
  // Remembering every small object would cost more than walking it again.
  if (size >= MEMO_MIN_SIZE) cleanShapes.set(value, shape);
  return shape;
}

/** Every item a clean scalar; a hole (read as undefined) is not one. */
function allCleanScalars(members: readonly unknown[]): boolean {
  for (let i = 0; i < members.length; i++) if (!isCleanScalar(members[i])) return false;
  return true;
}

function isCleanScalar(value: unknown): boolean {
  switch (typeof value) {
    case 'string':
      return value.length <= LIMITS.stringLength;
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value);
    default:
      return value === null;
  }
}
