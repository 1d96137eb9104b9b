// JSONata 2.2.2's value model, reproduced for the fast path. Each helper here
// mirrors one function of node_modules/jsonata/jsonata.js (named in its
// comment) closely enough that the two give the same value for every input; the
// conformance suite (tests/conformance/) and the property tests hold them to it.
//
// Where jsonata would throw, these helpers throw FALLBACK instead: the fast path
// then hands the whole expression to jsonata, which raises the real error with
// its own code, message and position. Errors are rare and never the hot path,
// so there is one source of truth for them.

import type { Json } from '../../types.ts';

/** A value while evaluating: JSON, or nothing (JSONata's `undefined`). */
export type Value = Json | undefined;

/**
 * jsonata marks the arrays it builds while evaluating (sequences) with own
 * properties; plain JSON arrays from the data carry none. The difference decides
 * how paths flatten and when a one-item result unwraps, so the fast path keeps
 * the same marks on the same arrays.
 */
interface Marked {
  sequence?: boolean;
  outerWrapper?: boolean;
  keepSingleton?: boolean;
  cons?: boolean;
}

/** Thrown inside the fast path where jsonata would raise an error. */
export const FALLBACK: unique symbol = Symbol('weft.fast.fallback');

export function bail(): never {
  throw FALLBACK;
}

/** jsonata's `createSequence()`: an array marked as a sequence. */
export function createSequence(): Json[] {
  const seq: Json[] = [];
  (seq as Marked).sequence = true;
  return seq;
}

/** jsonata's `createSequence(value)`, which keeps even `undefined` as an item. */
export function singletonSequence(value: Value): Json[] {
  const seq = createSequence();
  seq.push(value as Json);
  return seq;
}

/** utils.isSequence */
export function isSequence(value: Value): value is Json[] {
  return Array.isArray(value) && (value as Marked).sequence === true;
}

export function isCons(value: Json[]): boolean {
  return (value as Marked).cons === true;
}

/**
 * The input wrapper of jsonata's `evaluate()`: a JSON array input becomes a
 * one-item sequence flagged `outerWrapper`, so that paths treat it as one value.
 */
export function wrapInput(input: Value): Value {
  if (Array.isArray(input) && !isSequence(input)) {
    const wrapper = singletonSequence(input);
    (wrapper as Marked).outerWrapper = true;
    return wrapper;
  }
  return input;
}

/** What `$` means with a given context (evaluateVariable with an empty name). */
export function contextValue(ctx: Value): Value {
  return Array.isArray(ctx) && (ctx as Marked).outerWrapper === true ? ctx[0] : ctx;
}

/** The tail of jsonata's `evaluate()`: empty sequences vanish, singletons unwrap. */
export function normalize(result: Value): Value {
  if (Array.isArray(result) && (result as Marked).sequence === true) {
    if (result.length === 0) return undefined;
    if (result.length === 1 && (result as Marked).keepSingleton !== true) return result[0];
  }
  return result;
}

/**
 * utils.isFunction, for data: jsonata treats any object carrying these flags as
 * one of its functions, so a JSON object that happens to carry them must be
 * treated the same way.
 */
export function isFunctionLike(value: Value): boolean {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  return value['_jsonata_function'] === true || value['_jsonata_lambda'] === true;
}

/** utils.isNumeric: a number that is not NaN; an infinite one is error D1001. */
export function isNumeric(value: Value): value is number {
  if (typeof value !== 'number' || Number.isNaN(value)) return false;
  if (!Number.isFinite(value)) bail();
  return true;
}

/** utils.isArrayOfNumbers (true for an empty array); an infinite item is error D1001. */
export function isArrayOfNumbers(value: Value): value is number[] {
  if (!Array.isArray(value)) return false;
  let all = true;
  // jsonata tests every item (Array.filter), so an infinite one raises even after a non-number.
  for (const item of value) if (!isNumeric(item)) all = false;
  return all;
}

/** fn.lookup: a field of an object, mapped and flattened over arrays. */
export function lookup(input: Value, key: string): Value {
  if (Array.isArray(input)) {
    const result = createSequence();
    for (const item of input) {
      const res = lookup(item, key);
      if (res !== undefined) {
        if (Array.isArray(res)) {
          for (const value of res) result.push(value);
        } else {
          result.push(res);
        }
      }
    }
    return result;
  }
  if (
    input !== null &&
    typeof input === 'object' &&
    Object.prototype.hasOwnProperty.call(input, key) &&
    !isFunctionLike(input)
  ) {
    return input[key];
  }
  return undefined;
}

/** fn.append: concatenation where non-arrays count as one item and undefined as none. */
export function append(first: Value, second: Value): Value {
  if (first === undefined) return second;
  if (second === undefined) return first;
  const head = Array.isArray(first) ? first : singletonSequence(first);
  const tail = Array.isArray(second) ? second : [second];
  return head.concat(tail);
}

/** utils.isDeepEqual, including its quirks (own property names, an array vs an object). */
export function isDeepEqual(lhs: Value, rhs: Value): boolean {
  if (lhs === rhs) return true;
  if (typeof lhs === 'object' && typeof rhs === 'object' && lhs !== null && rhs !== null) {
    if (Array.isArray(lhs) && Array.isArray(rhs)) {
      if (lhs.length !== rhs.length) return false;
      for (let i = 0; i < lhs.length; i++) {
        if (!isDeepEqual(lhs[i], rhs[i])) return false;
      }
      return true;
    }
    const lkeys = Object.getOwnPropertyNames(lhs).sort();
    const rkeys = Object.getOwnPropertyNames(rhs).sort();
    if (lkeys.length !== rkeys.length) return false;
    for (let i = 0; i < lkeys.length; i++) {
      if (lkeys[i] !== rkeys[i]) return false;
    }
    const l = lhs as Record<string, Value>;
    const r = rhs as Record<string, Value>;
    for (const key of lkeys) {
      if (!isDeepEqual(l[key], r[key])) return false;
    }
    return true;
  }
  return false;
}

/** fn.boolean: JSONata's truthiness; undefined stays undefined. */
export function toBoolean(arg: Value): boolean | undefined {
  if (arg === undefined) return undefined;
  if (Array.isArray(arg)) {
    if (arg.length === 1) return toBoolean(arg[0]);
    if (arg.length > 1) return arg.some((item) => toBoolean(item) === true);
    return false;
  }
  if (typeof arg === 'string') return arg.length > 0;
  if (isNumeric(arg)) return arg !== 0;
  if (arg !== null && typeof arg === 'object') {
    return !isFunctionLike(arg) && Object.keys(arg).length > 0;
  }
  return arg === true;
}

/** boolize in evaluateBooleanExpression: undefined counts as false. */
export function boolize(value: Value): boolean {
  return toBoolean(value) === true;
}

// fn.string's replacer: numbers to 15 significant digits, functions to ''.
function stringifyReplacer(_key: string, val: unknown): unknown {
  if (val !== undefined && val !== null && isNumeric(val as Value)) {
    const num = val as number;
    return !Number.isInteger(num) ? Number(num.toPrecision(15)) : num;
  }
  return val && isFunctionLike(val as Value) ? '' : val;
}

/** fn.string (without prettify). */
export function toJsonataString(arg: Value): string | undefined {
  if (arg === undefined) return undefined;
  if (typeof arg === 'string') return arg;
  if (isFunctionLike(arg)) return '';
  if (typeof arg === 'number' && !Number.isFinite(arg)) bail(); // D3001
  const value = Array.isArray(arg) && (arg as Marked).outerWrapper === true ? arg[0] : arg;
  return JSON.stringify(value, stringifyReplacer) as string | undefined;
}

const DECIMAL = /^-?[0-9]+(\.[0-9]+)?([Ee][-+]?[0-9]+)?$/;
const PREFIXED = /^(0[xX][0-9A-Fa-f]+)|(0[oO][0-7]+)|(0[bB][0-1]+)$/;

/** fn.number, for the argument types its signature `<(nsb)-:n>` admits. */
export function toNumber(arg: Value): number | undefined {
  if (arg === undefined) return undefined;
  if (typeof arg === 'number') return arg;
  if (typeof arg === 'string') {
    if (DECIMAL.test(arg) && !Number.isNaN(parseFloat(arg)) && Number.isFinite(Number(arg))) {
      return parseFloat(arg);
    }
    if (PREFIXED.test(arg)) return Number(arg);
    return bail(); // D3030
  }
  if (arg === true) return 1;
  if (arg === false) return 0;
  return bail(); // T0410: null, objects and arrays break the signature
}

/** fn.round: half to even, with an optional number of decimal places. */
export function roundHalfEven(arg: number, precision: number | undefined): number {
  let value = arg;
  if (precision) {
    const parts = value.toString().split('e');
    value = +(parts[0] + 'e' + (parts[1] ? +parts[1] + precision : precision));
  }
  let result = Math.round(value);
  const diff = result - value;
  if (Math.abs(diff) === 0.5 && Math.abs(result % 2) === 1) result = result - 1;
  if (precision) {
    const parts = result.toString().split('e');
    result = +(parts[0] + 'e' + (parts[1] ? +parts[1] - precision : -precision));
  }
  if (Object.is(result, -0)) result = 0;
  return result;
}

/** fn.keys: an object's keys, or the union of the keys of an array's items. */
export function keysOf(arg: Value): Json[] {
  const result = createSequence();
  if (Array.isArray(arg)) {
    // A null-prototype object, as jsonata uses: keys like `__proto__` stay ordinary keys.
    const merged: Record<string, Json> = Object.create(null) as Record<string, Json>;
    for (const item of arg) {
      for (const key of keysOf(item)) merged[key as string] = true;
    }
    return keysOf(merged);
  } else if (arg !== null && typeof arg === 'object' && !isFunctionLike(arg)) {
    for (const key of Object.keys(arg)) result.push(key);
  }
  return result;
}

/** The symbol jsonata's signature checker gives a value (getSymbol). */
export function signatureSymbol(value: Value): string {
  if (isFunctionLike(value)) return 'f';
  switch (typeof value) {
    case 'string':
      return 's';
    case 'number':
      return 'n';
    case 'boolean':
      return 'b';
    case 'object':
      return value === null ? 'l' : Array.isArray(value) ? 'a' : 'o';
    default:
      return 'm';
  }
}

/** An `a<t>` parameter: undefined stays, a lone `t` becomes `[t]`, an array must hold only `t`. */
export function arrayOf(arg: Value, symbol: string): Json[] | undefined {
  if (arg === undefined) return undefined;
  if (Array.isArray(arg)) {
    for (const item of arg) {
      if (signatureSymbol(item) !== symbol) bail(); // T0412
    }
    return arg;
  }
  if (signatureSymbol(arg) !== symbol) bail(); // T0412
  return [arg];
}
