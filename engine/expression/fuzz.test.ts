// Fuzzing: whatever text an author types (or a shared file carries), compiling
// never throws, evaluating only ever fails with an ExpressionFailure, and what
// comes back is plain JSON. Runs are seeded so a failure reproduces.

import fc from 'fast-check';
import jsonata from 'jsonata';
import { describe, expect, it } from 'vitest';
import type { Json } from '../types.ts';
import { ExpressionFailure, type EvalScope } from './api.ts';
import { compileExpression } from './index.ts';

const scope: EvalScope = {
  input: { limit: 3, name: 'x' },
  nodes: { a: { v: 1, list: [1, 2] }, b: 'text' },
  now: 0,
  random: () => 0.5,
};

const jsonValue: fc.Arbitrary<Json> = fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json>;

// Small on purpose: ranges and numbers stay small so a run is quick, while the
// mix still reaches paths, operators, functions, lambdas, regexes and
// constructors in odd combinations.
const tokens = [
  'a',
  'b',
  'items',
  '$',
  '$$',
  '$input',
  '$nodes.a',
  '$nodes.b',
  '$x',
  '$f',
  '.',
  '[',
  ']',
  '{',
  '}',
  '(',
  ')',
  ',',
  ':',
  ';',
  '+',
  '-',
  '*',
  '/',
  '%',
  '&',
  '=',
  '!=',
  '<',
  '>',
  'and',
  'or',
  'in',
  '?',
  '..',
  ':=',
  '~>',
  '|',
  '^',
  '#',
  '@',
  '**',
  '"s"',
  "'__proto__'",
  '"constructor"',
  '0',
  '1',
  '2.5',
  '10',
  'true',
  'null',
  'function($x){$x}',
  '$sum',
  '$string',
  '$keys',
  '$lookup',
  '$merge',
  '$map',
  '$pad',
  '$match',
  '/a+/',
  '/(b)?c/i',
  '$count',
  '$join',
  '$split',
  '$distinct',
  '$spread',
  '$each',
  '$sift',
  '$now()',
  '$random()',
  '$eval',
];

const tokenSoup = fc
  .array(fc.constantFrom(...tokens), { minLength: 1, maxLength: 12 })
  .map((parts) => parts.join(' '));

const pureAtoms = [
  'a',
  'b',
  'items',
  'items.price',
  'items[0].name',
  '$',
  '$$',
  '$input.limit',
  '$nodes.a.v',
  '$nodes.a.list',
  '$nodes.b',
  '"s"',
  '"__proto__"',
  '"constructor"',
  '0',
  '1',
  '-2.5',
  'true',
  'null',
  '[1..5]',
  '/a+/',
];

/** Well-formed expressions from a small grammar, so most of them compile and run. */
const grammarOver = (atoms: readonly string[]) =>
  fc.letrec<{ expr: string }>((tie) => ({
    expr: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.constantFrom(...atoms),
      fc
        .tuple(
          tie('expr'),
          fc.constantFrom('+', '-', '*', '/', '%', '&', '=', '!=', '<', '>=', 'and', 'or', 'in'),
          tie('expr'),
        )
        .map(([l, op, r]) => `(${l} ${op} ${r})`),
      fc
        .tuple(
          fc.constantFrom(
            '$sum',
            '$count',
            '$string',
            '$keys',
            '$merge',
            '$spread',
            '$distinct',
            '$reverse',
            '$sort',
            '$uppercase',
            '$number',
            '$boolean',
            '$exists',
            '$type',
            '$clone',
            '$each',
            '$sift',
            '$append',
            '$join',
            '$split',
            '$lookup',
            '$pad',
            '$match',
            '$replace',
            '$substring',
            '$contains',
            '$zip',
            '$formatNumber',
          ),
          fc.array(tie('expr'), { maxLength: 3 }),
        )
        .map(([f, args]) => `${f}(${args.join(', ')})`),
      fc.array(tie('expr'), { maxLength: 3 }).map((items) => `[${items.join(', ')}]`),
      fc
        .array(fc.tuple(tie('expr'), tie('expr')), { maxLength: 2 })
        .map((pairs) => `{${pairs.map(([k, v]) => `${k}: ${v}`).join(', ')}}`),
      fc.tuple(tie('expr'), tie('expr'), tie('expr')).map(([c, t, e]) => `(${c} ? ${t} : ${e})`),
      fc.tuple(tie('expr'), tie('expr')).map(([l, p]) => `${l}[${p}]`),
      fc.tuple(tie('expr'), tie('expr')).map(([l, r]) => `${l}.${r}`),
      fc.tuple(tie('expr'), tie('expr')).map(([v, body]) => `($x := ${v}; ${body})`),
      fc
        .tuple(tie('expr'), tie('expr'))
        .map(([list, body]) => `$map(${list}, function($v, $i){ ${body} })`),
      fc.tuple(tie('expr'), tie('expr')).map(([l, r]) => `${l} ~> |$|${r}|`),
    ),
  })).expr;

const grammar = grammarOver([...pureAtoms, '$now()', '$random()']);

const seeds = [
  '$sum(items.(price * qty))',
  'items[price > $input.limit].name',
  '$nodes.a.list ~> $map(function($v){ $v * 2 })',
  '{ "k": $keys($), "s": $string($) }',
  '$ ~> |items|{"seen": true}|',
  '$match($string($), /[a-z]+/)',
  '($f := function($n){ $n < 3 ? $f($n + 1) : $n }; $f(0))',
  'items{ name: price }',
];

/** A seed expression with a few characters inserted, deleted or replaced. */
const mutated = fc
  .tuple(
    fc.constantFrom(...seeds),
    fc.array(
      fc.tuple(
        fc.nat(),
        fc.constantFrom('insert', 'delete', 'replace'),
        fc.string({ maxLength: 3 }),
      ),
      { minLength: 1, maxLength: 4 },
    ),
  )
  .map(([seed, edits]) => {
    let text = seed;
    for (const [at, kind, chars] of edits) {
      const i = text.length === 0 ? 0 : at % text.length;
      if (kind === 'insert') text = text.slice(0, i) + chars + text.slice(i);
      else if (kind === 'delete') text = text.slice(0, i) + text.slice(i + 1);
      else text = text.slice(0, i) + chars + text.slice(i + chars.length);
    }
    return text;
  });

// Inputs reach the engine as parsed JSON (ordinary objects), so model them that way.
const input = fc
  .record({
    items: fc.array(
      fc.record({ name: fc.string({ maxLength: 4 }), price: fc.integer(), qty: fc.nat(5) }),
      { maxLength: 4 },
    ),
    a: jsonValue,
    b: jsonValue,
  })
  .map((data) => JSON.parse(JSON.stringify(data)) as Json);

function isPlainJson(value: unknown, depth = 0): boolean {
  if (depth > 101) return false;
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  if (Array.isArray(value)) {
    return (
      Object.keys(value).length === value.length &&
      value.every((item) => item !== undefined && isPlainJson(item, depth + 1))
    );
  }
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.values(value).every((item) => item !== undefined && isPlainJson(item, depth + 1));
  }
  return false;
}

async function checkSafe(source: string, data: Json): Promise<void> {
  const compiled = compileExpression(source);
  if (!compiled.ok) {
    const { position } = compiled.problem;
    expect(position === undefined || (position >= 0 && position <= source.length)).toBe(true);
    return;
  }
  let value: Json | undefined;
  try {
    value = await compiled.expression.evaluate(data, scope);
  } catch (err) {
    expect(err).toBeInstanceOf(ExpressionFailure);
    return;
  }
  if (value !== undefined) expect(isPlainJson(value)).toBe(true);
}

describe('fuzzed expressions', () => {
  it('token soup never crashes and only yields JSON or an ExpressionFailure', async () => {
    await fc.assert(
      fc.asyncProperty(tokenSoup, input, (source, data) => checkSafe(source, data)),
      { numRuns: 400, seed: 20_261_121 },
    );
    expect(Object.getOwnPropertyNames(Object.prototype)).not.toContain('polluted');
  });

  it('grammar-built expressions never crash and only yield JSON or an ExpressionFailure', async () => {
    await fc.assert(
      fc.asyncProperty(grammar, input, (source, data) => checkSafe(source, data)),
      { numRuns: 400, seed: 20_261_121 },
    );
  });

  it('grammar-built expressions give what plain jsonata gives (fast path and guarded interpreter)', async () => {
    await fc.assert(
      fc.asyncProperty(grammarOver(pureAtoms), input, async (source, data) => {
        const compiled = compileExpression(source);
        if (!compiled.ok) return;
        let expected: { value?: unknown; message?: string };
        try {
          const raw: unknown = await jsonata(source).evaluate(data, {
            input: scope.input,
            nodes: scope.nodes,
          });
          expected = { value: raw === undefined ? undefined : JSON.parse(JSON.stringify(raw)) };
        } catch (err) {
          expected = { message: (err as { message?: string }).message ?? String(err) };
        }
        let actual: { value?: unknown; message?: string };
        try {
          actual = { value: await compiled.expression.evaluate(data, scope) };
        } catch (err) {
          if (!(err instanceof ExpressionFailure)) throw err;
          // Where jsonata returns a function or a non-finite number, refusing is the point.
          if (/^result is not JSON/.test(err.problem.message)) return;
          actual = { message: err.problem.message };
        }
        expect(actual).toEqual(expected);
      }),
      { numRuns: 400, seed: 20_261_121 },
    );
  });

  it('mutated real expressions never crash and only yield JSON or an ExpressionFailure', async () => {
    await fc.assert(
      fc.asyncProperty(mutated, input, (source, data) => checkSafe(source, data)),
      { numRuns: 400, seed: 20_261_121 },
    );
  });

  it('arbitrary text never makes compileExpression throw', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (source) => {
        expect(() => compileExpression(source)).not.toThrow();
      }),
      { numRuns: 1_000, seed: 20_261_121 },
    );
  });
});
