// Guards that keep a hostile or runaway expression from hanging or exhausting
// the worker (issue 6). The budget is counted in evaluation steps, so the same
// expression on the same data always stops at the same point; the wall clock
// is only a backstop for work jsonata does inside one step.

import jsonata from 'jsonata';
import type { EvalScope } from './api.ts';

export const LIMITS = {
  /** Evaluation steps (jsonata `evaluate` calls) per expression evaluation. */
  steps: 1_000_000,
  /** Nesting of jsonata's evaluator; user recursion costs about 3 per call. */
  depth: 1_000,
  /**
   * Wall-clock backstop per evaluation, in milliseconds. The step budget is
   * what normally stops a runaway (about 1 s here for a million steps); this
   * only catches steps that are each slow, and is generous so a loaded machine
   * still stops on the deterministic budget first.
   */
  wallClockMs: 5_000,
  /** Longest string an expression may build, in UTF-16 code units. */
  stringLength: 10_000_000,
  /** Longest sequence or array an expression may build. */
  sequenceLength: 1_000_000,
} as const;

/** Thrown from inside jsonata when a guard trips; the caller turns it into LIMIT_EXCEEDED. */
export class LimitExceeded extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LimitExceeded';
  }
}

/** The jsonata evaluation frame as the hooks see it: `base` is per evaluation. */
interface Frame {
  base: BaseFrame;
}
interface BaseFrame {
  depth?: number;
  [STEPS]?: number;
  [STARTED]?: number;
}
const STEPS = Symbol('weft.steps');
const STARTED = Symbol('weft.started');

/** How often the entry hook reads the clock (a power of two minus one, as a mask). */
const CLOCK_MASK = 1023;

function onEntry(_expr: unknown, _input: unknown, env: Frame): void {
  const base = env.base;
  const steps = (base[STEPS] ?? 0) + 1;
  base[STEPS] = steps;
  if (steps > LIMITS.steps) {
    throw new LimitExceeded(
      `the expression took more than ${LIMITS.steps.toLocaleString('en-US')} evaluation steps; check for an infinite loop or runaway recursion`,
    );
  }
  if ((base.depth ?? 0) > LIMITS.depth) {
    throw new LimitExceeded(
      `the expression nested deeper than ${LIMITS.depth} levels; check for non-terminating recursion`,
    );
  }
  if ((steps & CLOCK_MASK) === 1) {
    const now = Date.now();
    const started = base[STARTED];
    if (started === undefined) base[STARTED] = now;
    else if (now - started > LIMITS.wallClockMs) {
      throw new LimitExceeded(
        `the expression ran for more than ${LIMITS.wallClockMs / 1000} s; check for an infinite loop`,
      );
    }
  }
}

function onExit(expr: object, _input: unknown, _env: Frame, result: unknown): void {
  if (typeof result === 'string') checkStringLength(result.length);
  else if (Array.isArray(result)) checkSequenceLength(result.length);
  if (typeof result === 'object' && result !== null && comparedOperands.has(expr)) {
    checkValueSize(result, 'a comparison (=, != or in)');
  }
}

/**
 * Operands of `=`, `!=` and `in`. jsonata compares structures deeply inside one
 * step, so a value built by sharing (`{"l": $a, "r": $a}` repeated forty
 * times) would take exponential time there; such operands are measured first.
 * Keyed by AST node, which the hooks receive as `expr`.
 */
const comparedOperands = new WeakSet<object>();
const COMPARISONS = new Set(['=', '!=', 'in']);

function markComparedOperands(ast: unknown): void {
  const seen = new Set<object>();
  const visit = (value: unknown): void => {
    if (typeof value !== 'object' || value === null || seen.has(value)) return;
    seen.add(value);
    const node = value as { type?: unknown; value?: unknown; lhs?: unknown; rhs?: unknown };
    if (node.type === 'binary' && typeof node.value === 'string' && COMPARISONS.has(node.value)) {
      for (const operand of [node.lhs, node.rhs]) {
        if (typeof operand === 'object' && operand !== null) comparedOperands.add(operand);
      }
    }
    for (const child of Object.values(value)) visit(child);
  };
  visit(ast);
}

export function checkStringLength(length: number): void {
  if (length > LIMITS.stringLength) {
    throw new LimitExceeded(
      `the expression built a string longer than ${LIMITS.stringLength.toLocaleString('en-US')} characters`,
    );
  }
}

export function checkSequenceLength(length: number): void {
  if (length > LIMITS.sequenceLength) {
    throw new LimitExceeded(
      `the expression built a sequence longer than ${LIMITS.sequenceLength.toLocaleString('en-US')} items`,
    );
  }
}

/** Installs the step, depth and size hooks on a parsed expression (once per compile). */
export function installHooks(parsed: jsonata.Expression): void {
  // jsonata looks its hooks up by these symbols; its typings only admit string names.
  const assign = parsed.assign as (name: string | symbol, value: unknown) => void;
  assign(Symbol.for('jsonata.__evaluate_entry'), onEntry);
  assign(Symbol.for('jsonata.__evaluate_exit'), onExit);
  markComparedOperands(parsed.ast());
}

/** A built-in jsonata function object (`defineFunction`'s shape). */
interface NativeFunction {
  _jsonata_function: true;
  implementation: (this: unknown, ...args: unknown[]) => unknown;
  signature?: unknown;
}

interface Natives {
  pad: NativeFunction;
  string: NativeFunction;
  join: NativeFunction;
  fromMillis: NativeFunction;
  now: NativeFunction;
  clone: NativeFunction;
  distinct: NativeFunction;
  split: NativeFunction;
}

function isNative(value: unknown): value is NativeFunction {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { _jsonata_function?: unknown })._jsonata_function === true &&
    typeof (value as { implementation?: unknown }).implementation === 'function'
  );
}

// jsonata does not export its built-ins; evaluating their names hands us the
// function objects (with their signatures) so the guarded versions validate
// arguments exactly as the originals do. Started at load; resolved long before
// the first run needs it.
const nativesReady: Promise<Natives> = jsonata(
  '[$pad, $string, $join, $fromMillis, $now, $clone, $distinct, $split]',
)
  .evaluate(null)
  .then((list: unknown) => {
    const [pad, string, join, fromMillis, now, clone, distinct, split] = Array.isArray(list)
      ? (list as unknown[])
      : [];
    if (
      !isNative(pad) ||
      !isNative(string) ||
      !isNative(join) ||
      !isNative(fromMillis) ||
      !isNative(now) ||
      !isNative(clone) ||
      !isNative(distinct) ||
      !isNative(split)
    ) {
      throw new Error('jsonata built-ins have an unexpected shape');
    }
    return { pad, string, join, fromMillis, now, clone, distinct, split };
  });

/**
 * Wraps a built-in with its own signature. jsonata's partial application
 * (`$pad(?, 5)`) reads the parameter list from the implementation's source
 * text, so each wrapper spells out the original's parameters instead of
 * taking `...args`, and keeps the original's arity.
 */
function wrap(
  native: NativeFunction,
  implementation: (this: unknown, ...args: never[]) => unknown,
): NativeFunction {
  // Higher-order functions ($map, $filter, …) pass as many arguments as the
  // implementation's `length` says, so it must match the original's.
  Object.defineProperty(implementation, 'length', { value: native.implementation.length });
  const wrapped: NativeFunction = {
    _jsonata_function: true,
    implementation: implementation as NativeFunction['implementation'],
  };
  if (native.signature !== undefined) wrapped.signature = native.signature;
  return wrapped;
}

/**
 * Measures a value before `what` walks it whole (serialising, copying,
 * comparing), stopping as soon as it passes the caps: a value built by sharing
 * (`{"l": $a, "r": $a}` repeated) can be exponentially larger than the steps
 * that built it. Counts parts and the length its JSON text would have.
 */
function checkValueSize(value: unknown, what: string): void {
  let size = 0;
  let nodes = 0;
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const item = stack.pop();
    nodes++;
    if (nodes > LIMITS.sequenceLength) {
      throw new LimitExceeded(
        `${what} was given a value with more than ${LIMITS.sequenceLength.toLocaleString('en-US')} parts`,
      );
    }
    if (typeof item === 'string') size += item.length + 2;
    else if (isFunctionLike(item)) {
      // A lambda holds its whole environment (the input, every binding, the
      // built-ins); jsonata serialises any function as "", so neither do we
      // descend into one.
      size += 2;
    } else if (Array.isArray(item)) {
      size += 2 + item.length;
      for (const child of item) stack.push(child);
    } else if (typeof item === 'object' && item !== null) {
      for (const key of Object.keys(item)) {
        size += key.length + 4;
        stack.push((item as Record<string, unknown>)[key]);
      }
      size += 2;
    } else size += 24;
    if (size > LIMITS.stringLength) {
      throw new LimitExceeded(
        `${what} was given a value whose JSON text would pass ${LIMITS.stringLength.toLocaleString('en-US')} characters`,
      );
    }
  }
}

/** A JavaScript function or one of jsonata's function objects (built-in or lambda). */
function isFunctionLike(value: unknown): boolean {
  if (typeof value === 'function') return true;
  if (typeof value !== 'object' || value === null) return false;
  const marks = value as { _jsonata_function?: unknown; _jsonata_lambda?: unknown };
  return marks._jsonata_function === true || marks._jsonata_lambda === true;
}

export interface ScopeBindings {
  [name: string]: unknown;
}

/** The per-evaluation bindings: `$input`, `$nodes`, the run's clock and randomness, and guarded built-ins. */
export async function scopeBindings(scope: EvalScope): Promise<ScopeBindings> {
  const natives = await nativesReady;
  const now: NativeFunction = {
    _jsonata_function: true,
    implementation: (picture: unknown, timezone: unknown) =>
      natives.fromMillis.implementation(scope.now, picture, timezone),
  };
  if (natives.now.signature !== undefined) now.signature = natives.now.signature;
  return {
    input: scope.input,
    nodes: scope.nodes,
    now,
    millis: () => scope.now,
    random: () => scope.random(),
    ...guardedBuiltins(natives),
  };
}

/** Above this many items, `$distinct` (quadratic in jsonata) must have only scalar items. */
const DISTINCT_QUADRATIC_MAX = 5_000;

type Guarded = Record<'pad' | 'string' | 'join' | 'clone' | 'distinct' | 'split', NativeFunction>;

// The guarded built-ins do not depend on the scope: build them once.
let guardedCache: Guarded | undefined;

function guardedBuiltins(natives: Natives): Guarded {
  guardedCache ??= {
    pad: wrap(natives.pad, function (this: unknown, str: unknown, width: unknown, char: unknown) {
      if (typeof width === 'number' && Math.abs(width) > LIMITS.stringLength) {
        throw new LimitExceeded(
          `$pad width ${width} is larger than the limit of ${LIMITS.stringLength.toLocaleString('en-US')} characters`,
        );
      }
      return natives.pad.implementation.call(this, str, width, char);
    }),
    string: wrap(natives.string, function (this: unknown, arg: unknown, prettify: unknown) {
      checkValueSize(arg, '$string');
      return natives.string.implementation.call(this, arg, prettify);
    }),
    join: wrap(natives.join, function (this: unknown, strs: unknown, separator: unknown) {
      if (Array.isArray(strs)) {
        const sep = typeof separator === 'string' ? separator.length : 0;
        let total = 0;
        for (const s of strs as unknown[]) total += (typeof s === 'string' ? s.length : 0) + sep;
        checkStringLength(total - sep);
      }
      return natives.join.implementation.call(this, strs, separator);
    }),
    // The transform operator (`~> |…|…|`) copies its input with `$clone`, then
    // assigns the update's members onto the copy. On an ordinary object,
    // assigning `__proto__` would swap the copy's prototype and lose the data;
    // on a null-prototype copy it is an ordinary member.
    clone: wrap(natives.clone, function (this: unknown, arg: unknown) {
      checkValueSize(arg, '$clone');
      return withNullPrototypes(natives.clone.implementation.call(this, arg));
    }),
    // jsonata compares every item with every kept one: a million items is 10^12
    // comparisons inside one step, out of reach of the step budget. Scalars
    // (the usual case) get the same answer from a Set in linear time.
    distinct: wrap(natives.distinct, function (this: unknown, arr: unknown) {
      if (!Array.isArray(arr) || arr.length <= DISTINCT_QUADRATIC_MAX) {
        if (Array.isArray(arr)) checkValueSize(arr, '$distinct');
        return natives.distinct.implementation.call(this, arr);
      }
      const items = arr as unknown[];
      if (!items.every((item) => item === null || typeof item !== 'object')) {
        throw new LimitExceeded(
          `$distinct of more than ${DISTINCT_QUADRATIC_MAX.toLocaleString('en-US')} objects or arrays would take too long`,
        );
      }
      const unique = [...new Set(items)];
      if ((arr as { sequence?: unknown }).sequence === true) {
        Object.defineProperty(unique, 'sequence', { value: true, enumerable: false });
      }
      return unique;
    }),
    // Splitting a long string on "" makes one item per character.
    split: wrap(
      natives.split,
      function (this: unknown, str: unknown, separator: unknown, limit: unknown) {
        if (separator === '' && typeof str === 'string' && typeof limit !== 'number') {
          checkSequenceLength(str.length);
        }
        return natives.split.implementation.call(this, str, separator, limit);
      },
    ),
  };
  return guardedCache;
}

/** Copies JSON data with every object made null-prototype (keys stay own data). */
function withNullPrototypes(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withNullPrototypes);
  if (typeof value !== 'object' || value === null) return value;
  const out = Object.create(null) as Record<string, unknown>;
  for (const key of Object.keys(value)) {
    out[key] = withNullPrototypes((value as Record<string, unknown>)[key]);
  }
  return out;
}

/** Deepest `$string(…$string(…))` nesting handed to the unguarded fast path. */
const FAST_STRING_NESTING = 2;
/** Deepest nesting of lambdas handed to the unguarded fast path. */
const FAST_LAMBDA_NESTING = 1;
/** Variables that reach the whole input or a whole node output from anywhere: `$$`, `$input`, `$nodes`. */
const WHOLE_DATA = new Set(['$', 'input', 'nodes']);

/**
 * Whether an expression is safe to run on the fast path, which has no size
 * guards of its own. The fast subset has no bindings (so no recursion) and no
 * ranges; its only lambdas are non-recursive ones passed to `$map`, `$filter`
 * and `$sort`, and every loop over data (filters, lambdas, grouping) spends
 * from a step budget the size of jsonata's (FAST_STEP_LIMIT), handing a
 * runaway back to the guarded interpreter. What the budget cannot see is work
 * or size growing inside one step, so this refuses:
 * - nested serialisation: each `$string` of an array holding a string escapes
 *   its quotes and backslashes again, doubling it, so 27 nested calls reach a
 *   gigabyte;
 * - nested lambdas (`$map(a, function($x){ $map(a, function($y){ … }) })`):
 *   each level multiplies the work by the input's length;
 * - the whole input read two loops deep (`a[b[c = $$.d]]`, where a filter is a
 *   loop over the items it filters): cubic work in the input's length.
 * Such expressions go to the guarded interpreter instead, where the step and
 * size guards bound them.
 */
export function fastPathIsBounded(ast: unknown): boolean {
  let refused = false;
  const visit = (value: unknown, strings: number, lambdas: number, loops: number): void => {
    if (refused || typeof value !== 'object' || value === null) return;
    if (Array.isArray(value)) {
      for (const item of value) visit(item, strings, lambdas, loops);
      return;
    }
    const node = value as { type?: unknown; value?: unknown; procedure?: { value?: unknown } };
    if (node.type === 'function' && node.procedure?.value === 'string') strings++;
    if (node.type === 'lambda') {
      lambdas++;
      loops++;
    }
    if (node.type === 'filter') loops++;
    const wholeData =
      node.type === 'variable' && typeof node.value === 'string' && WHOLE_DATA.has(node.value);
    if (
      strings > FAST_STRING_NESTING ||
      lambdas > FAST_LAMBDA_NESTING ||
      (wholeData && loops >= 2)
    ) {
      refused = true;
      return;
    }
    for (const child of Object.values(value)) visit(child, strings, lambdas, loops);
  };
  try {
    visit(ast, 0, 0, 0);
  } catch {
    // A tree too deep to walk (a very long flat expression): not proven
    // bounded, so the interpreter runs it.
    return false;
  }
  return !refused;
}
