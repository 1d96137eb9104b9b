// The JSONata built-in functions the fast path runs itself. Each entry checks
// its arguments against the function's jsonata signature (given beside it)
// before computing anything, because jsonata validates every argument first:
// `$join(missing, 5)` is an error, not undefined. Anything the signature would
// reject bails to jsonata, which raises the real T0410/T0412 error.

import type { Json } from '../../types.ts';
import {
  type Value,
  arrayOf,
  bail,
  keysOf,
  roundHalfEven,
  toBoolean,
  toJsonataString,
  toNumber,
} from './semantics.ts';

export interface FastFunction {
  /** Fewest and most arguments accepted; other counts are left to jsonata. */
  readonly minArgs: number;
  readonly maxArgs: number;
  call(args: readonly Value[]): Value;
}

function optionalNumber(arg: Value): number | undefined {
  if (arg === undefined || typeof arg === 'number') return arg;
  return bail();
}

function optionalString(arg: Value): string | undefined {
  if (arg === undefined || typeof arg === 'string') return arg;
  return bail();
}

function total(numbers: readonly Json[]): number {
  let sum = 0;
  for (const n of numbers) sum += n as number;
  return sum;
}

function unary(call: (arg: Value) => Value): FastFunction {
  return { minArgs: 1, maxArgs: 1, call: (args) => call(args[0]) };
}

function numeric(op: (n: number) => number): FastFunction {
  return unary((arg) => {
    const n = optionalNumber(arg);
    return n === undefined ? undefined : op(n);
  });
}

function stringToString(op: (s: string) => Value): FastFunction {
  return unary((arg) => {
    const s = optionalString(arg);
    return s === undefined ? undefined : op(s);
  });
}

/** Keyed by name without the `$`. A Map, so `$constructor` finds nothing. */
export const FAST_FUNCTIONS: ReadonlyMap<string, FastFunction> = new Map<string, FastFunction>([
  // <a<n>:n>
  [
    'sum',
    unary((arg) => {
      const numbers = arrayOf(arg, 'n');
      return numbers === undefined ? undefined : total(numbers);
    }),
  ],
  // <a:n>
  ['count', unary((arg) => (arg === undefined ? 0 : Array.isArray(arg) ? arg.length : 1))],
  // <a<n>:n>
  [
    'max',
    unary((arg) => {
      const numbers = arrayOf(arg, 'n');
      return numbers === undefined || numbers.length === 0
        ? undefined
        : Math.max(...(numbers as number[]));
    }),
  ],
  // <a<n>:n>
  [
    'min',
    unary((arg) => {
      const numbers = arrayOf(arg, 'n');
      return numbers === undefined || numbers.length === 0
        ? undefined
        : Math.min(...(numbers as number[]));
    }),
  ],
  // <a<n>:n>
  [
    'average',
    unary((arg) => {
      const numbers = arrayOf(arg, 'n');
      return numbers === undefined || numbers.length === 0
        ? undefined
        : total(numbers) / numbers.length;
    }),
  ],
  // <x-b?:s>, one argument
  ['string', unary(toJsonataString)],
  // <(nsb)-:n>
  ['number', unary(toNumber)],
  // <x-:b>
  ['boolean', unary(toBoolean)],
  // <x-:b>
  ['not', unary((arg) => (arg === undefined ? undefined : !toBoolean(arg)))],
  // <x:b>
  ['exists', unary((arg) => arg !== undefined)],
  // <s-:n>, counting code points as jsonata does
  ['length', stringToString((s) => [...s].length)],
  // <s-:s>
  ['uppercase', stringToString((s) => s.toUpperCase())],
  // <s-:s>
  ['lowercase', stringToString((s) => s.toLowerCase())],
  // <n-n?:n>
  [
    'round',
    {
      minArgs: 1,
      maxArgs: 2,
      call: (args) => {
        const n = optionalNumber(args[0]);
        const precision = optionalNumber(args[1]);
        return n === undefined ? undefined : roundHalfEven(n, precision);
      },
    },
  ],
  // <n-:n>
  ['floor', numeric(Math.floor)],
  // <n-:n>
  ['ceil', numeric(Math.ceil)],
  // <n-:n>
  ['abs', numeric(Math.abs)],
  // <x-:a<s>>
  ['keys', unary(keysOf)],
  // <a<s>s?:s>
  [
    'join',
    {
      minArgs: 1,
      maxArgs: 2,
      call: (args) => {
        const strings = arrayOf(args[0], 's');
        const separator = optionalString(args[1]);
        return strings === undefined ? undefined : strings.join(separator ?? '');
      },
    },
  ],
]);
