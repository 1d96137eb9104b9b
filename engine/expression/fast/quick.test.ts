import fc from 'fast-check';
import jsonata from 'jsonata';
import { describe, expect, it } from 'vitest';
import type { Json, JsonObject } from '../../types.ts';
import type { EvalScope } from '../api.ts';
import { MISS, compileQuick } from './quick.ts';

// The quick tier answers only on its happy path and hands everything else
// back (MISS). What it answers must be what jsonata answers; a hand-back is
// never wrong, only slower.

const PENDING: JsonObject = Object.freeze({ pending: true });

type Answer = Json | undefined | typeof MISS;

/** The expression's quick entry as a function of one binding: MISS where it misses, values as given. */
function quick(source: string, refs: readonly string[] = []) {
  const entry = compileQuick(jsonata(source).ast(), refs);
  if (entry === undefined) throw new Error(`not quick: ${source}`);
  return (input: Json, scope: EvalScope, slots: Int32Array | undefined): Answer =>
    entry<Answer>(
      slots,
      () => MISS,
      (value) => value,
    )(input, scope);
}

/** A runner's scope: node outputs by position in `values`, `$input` as given. */
function runScope(input: Json, values: (Json | undefined)[]): EvalScope {
  return { input, nodes: {}, values, pending: PENDING, now: 0, random: () => 0.5 };
}

describe('compileQuick', () => {
  it('adds two upstream outputs read by position', () => {
    const add = quick('$nodes.a + $nodes.b', ['a', 'b']);
    expect(add(null, runScope(null, [3, 7, 20]), Int32Array.of(2, 0))).toBe(23);
  });

  it('builds an object from fields of its input', () => {
    const build = quick('{ "n": n + 1, "label": label & "+", "ok": n < 100 }');
    expect(build({ n: 1, label: 'x' }, runScope(null, []), undefined)).toEqual({
      n: 2,
      label: 'x+',
      ok: true,
    });
  });

  it('reads $input and nested fields of a node output', () => {
    const read = quick('$input.limit > $nodes.order.total.amount ? "ok" : "over"', ['order']);
    const scope = runScope({ limit: 10 }, [{ total: { amount: 4 } }]);
    expect(read(null, scope, Int32Array.of(0))).toBe('ok');
  });

  it('hands back every value off its happy path', () => {
    const add = quick('$nodes.a + $nodes.b', ['a', 'b']);
    const slots = Int32Array.of(0, 1);
    // A string, an array, an output not built yet, a node that did not run,
    // a scope without the outputs array, an infinite number.
    for (const values of [
      ['1', 2],
      [[1], 2],
      [PENDING, 2],
      [undefined, 2],
      [Infinity, 2],
    ]) {
      expect(add(null, runScope(null, values as Json[]), slots)).toBe(MISS);
    }
    const { values: _values, ...withoutValues } = runScope(null, [1, 2]);
    expect(add(null, withoutValues, slots)).toBe(MISS);
    expect(add(null, runScope(null, [1, 2]), undefined)).toBe(MISS);
    // Over an array an object constructor groups; a path over one maps.
    expect(quick('{ "n": n }')([{ n: 1 }], runScope(null, []), undefined)).toBe(MISS);
    expect(quick('a.b')({ a: [{ b: 1 }] }, runScope(null, []), undefined)).toBe(MISS);
    expect(quick('a ? 1 : 2')({ a: 'yes' }, runScope(null, []), undefined)).toBe(MISS);
    expect(quick('a = b')({ a: {}, b: {} }, runScope(null, []), undefined)).toBe(MISS);
  });

  it('is the evaluation itself: a miss goes to the fast path, a value that needs a check to finish', () => {
    const misses: [Json, EvalScope][] = [];
    const finished: unknown[] = [];
    const miss = (input: Json, scope: EvalScope) => {
      misses.push([input, scope]);
      return 'fast path';
    };
    const finish = (value: Json | undefined) => {
      finished.push(value);
      return 'checked';
    };
    const entry = compileQuick(jsonata('$nodes.a - $nodes.b').ast(), ['a', 'b']);
    if (entry === undefined) throw new Error('not quick');
    // `a` is at position 1, `b` at position 0.
    const subtract = entry<Json | undefined>(Int32Array.of(1, 0), miss, finish);
    expect(subtract('in', runScope(null, [2, 10]))).toBe(8);
    // An infinite difference is the caller's to refuse.
    expect(subtract('in', runScope(null, [-1e308, 1e308]))).toBe('checked');
    expect(finished).toEqual([Infinity]);
    const off = runScope(null, [2, 'ten']);
    expect(subtract('in', off)).toBe('fast path');
    expect(misses).toEqual([['in', off]]);
    // Unbound, `$nodes` is read by id, which only the fast path does.
    expect(entry(undefined, miss, finish)).toBe(miss);

    const label = compileQuick(jsonata('$nodes.a.name & "!"').ast(), ['a']);
    if (label === undefined) throw new Error('not quick');
    expect(label(Int32Array.of(0), miss, finish)(null, runScope(null, [{ name: 'x' }]))).toBe(
      'checked',
    );
    expect(finished).toEqual([Infinity, 'x!']);
  });

  it('declines what it does not answer', () => {
    for (const source of [
      '$sum(a)',
      'a[0]',
      'a.b[c > 1]',
      '[1, 2]',
      'a ? 1',
      '$',
      '$$.a',
      'a.constructor',
      '{ "a": 1, "a": 2 }',
      '{ a: 1 }',
      '(a; b)',
      'a in b',
      '$nodes.other',
    ]) {
      expect(compileQuick(jsonata(source).ast(), ['a']), source).toBeUndefined();
    }
  });
});

// --- Property: whatever it answers, jsonata answers the same ---

const KEYS = ['a', 'b', 'c'] as const;

const jsonValue: fc.Arbitrary<Json> = fc.letrec<{ value: Json }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.integer({ min: -5, max: 5 }),
    fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }),
    fc.constantFrom('', 'x', 'B', '10'),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom(...KEYS), tie('value'), { maxKeys: 3 }),
  ),
})).value;

const path = fc
  .array(fc.constantFrom(...KEYS), { minLength: 1, maxLength: 3 })
  .map((names) => names.join('.'));

/** Any leaf, of any type: mixed in so that values leave the happy path too. */
const anyLeaf = fc.oneof(
  path,
  fc.constantFrom('"x"', '""', '"10"', 'true', 'false', 'null', '1.5', '$nodes.m', '$nodes.n'),
  path.map((p) => `$nodes.n.${p}`),
  path.map((p) => `$input.${p}`),
);

// Typed expressions: the data below gives `a` numbers, `b` strings and `c`
// booleans (mostly), so most operators meet the operands they expect.
const typed = fc.letrec<{ num: string; str: string; bool: string; obj: string }>((tie) => ({
  num: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.integer({ min: -3, max: 10 }).map(String),
    fc.constantFrom('a', '$input.a', '$nodes.m', '$nodes.n.a', 'c.a', '0.1'),
    fc
      .tuple(tie('num'), fc.constantFrom('+', '-', '*', '/', '%'), tie('num'))
      .map(([l, op, r]) => `(${l}) ${op} (${r})`),
    tie('num').map((e) => `-(${e})`),
    fc.tuple(tie('bool'), tie('num'), tie('num')).map(([c, t, e]) => `(${c}) ? (${t}) : (${e})`),
    anyLeaf,
  ),
  str: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom('"x"', '""', '"10"', 'b', '$input.b', '$nodes.n.b'),
    fc.tuple(tie('str'), tie('str')).map(([l, r]) => `(${l}) & (${r})`),
    fc.tuple(tie('bool'), tie('str'), tie('str')).map(([c, t, e]) => `(${c}) ? (${t}) : (${e})`),
    anyLeaf,
  ),
  bool: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom('true', 'false', 'c', '$input.c'),
    fc
      .tuple(tie('num'), fc.constantFrom('=', '!=', '<', '<=', '>', '>='), tie('num'))
      .map(([l, op, r]) => `(${l}) ${op} (${r})`),
    fc
      .tuple(tie('str'), fc.constantFrom('=', '!=', '<', '>='), tie('str'))
      .map(([l, op, r]) => `(${l}) ${op} (${r})`),
    fc
      .tuple(tie('bool'), fc.constantFrom('and', 'or', '=', '!='), tie('bool'))
      .map(([l, op, r]) => `(${l}) ${op} (${r})`),
    anyLeaf,
  ),
  obj: fc
    .uniqueArray(fc.constantFrom('"a"', '"b"', '"1"', '"c"'), { maxLength: 3 })
    .chain((keys) =>
      fc.tuple(
        fc.constant(keys),
        fc.array(fc.oneof(tie('num'), tie('str'), tie('bool'), tie('obj')), {
          minLength: keys.length,
          maxLength: keys.length,
        }),
      ),
    )
    .map(([keys, values]) => `{${keys.map((k, i) => `${k}: ${values[i]}`).join(', ')}}`),
}));

const expression = fc.oneof(typed.num, typed.str, typed.bool, typed.obj);

/** Data of the types `typed` expects, now and then of others. */
const record: fc.Arbitrary<Json> = fc.record({
  a: fc.oneof(
    fc.integer({ min: -5, max: 5 }),
    fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }),
    jsonValue,
  ),
  b: fc.oneof(fc.constantFrom('', 'x', 'B', '10'), jsonValue),
  c: fc.oneof(fc.boolean(), fc.boolean(), jsonValue),
});

/** JSON text that tells -0 from 0 (jsonata keeps -0 where plain JSON would not show it). */
function exact(value: unknown): string | undefined {
  return JSON.stringify(value, (_key, v: unknown) => (Object.is(v, -0) ? '-0' : v));
}

// Data a workflow may carry that plain JSON generators do not make: an object
// carrying jsonata's function mark, an own `__proto__` key, no prototype.
const odd: fc.Arbitrary<Json> = fc.constantFrom(
  { a: 1, b: 'x', _jsonata_lambda: true } as Json,
  JSON.parse('{"__proto__": {"a": 1}, "a": 2, "b": "y", "c": true}') as Json,
  Object.assign(Object.create(null) as object, { a: 3, b: 'z', c: false }) as Json,
  { a: -0, b: '', c: null },
);

describe('compileQuick agrees with jsonata 2.2.2 (property)', () => {
  it('answers only what jsonata answers, with the same value', async () => {
    let answered = 0;
    await fc.assert(
      fc.asyncProperty(
        expression,
        fc.oneof(record, record, record, jsonValue, odd),
        fc.oneof(fc.integer({ min: -5, max: 5 }), fc.constant(-0), jsonValue),
        fc.oneof(record, jsonValue, odd),
        fc.oneof(record, jsonValue, odd),
        fc.boolean(),
        async (source, input, m, n, bound, pending) => {
          if (compileQuick(jsonata(source).ast(), ['m', 'n']) === undefined) return;
          const closure = quick(source, ['m', 'n']);
          // `$nodes.m` is sometimes an output not built yet: jsonata sees it built.
          const scope = runScope(bound, [pending ? PENDING : m, n]);
          const actual = closure(input, scope, Int32Array.of(0, 1));
          if (actual === MISS) return;
          answered++;
          const expected: unknown = await jsonata(source).evaluate(input, {
            input: bound,
            nodes: { m, n },
          });
          // Non-finite numbers: the caller refuses them (`result is not JSON`).
          if (typeof actual === 'number' && !Number.isFinite(actual)) return;
          expect(exact(actual), source).toBe(exact(expected));
        },
      ),
      { numRuns: 1500, seed: 20_261_121 },
    );
    // The property is about answers: make sure there were enough of them.
    expect(answered).toBeGreaterThan(400);
  });
});
