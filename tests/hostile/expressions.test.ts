// Hostile expressions: each case is text an attacker (or a careless author)
// could put in a workflow, with the safe outcome it must have. After every
// case the JavaScript realm must be untouched: no new keys on the built-in
// prototypes, no global leaks, and the process still answers.

import { afterEach, describe, expect, it } from 'vitest';
import {
  ExpressionFailure,
  type EvalScope,
  type ExpressionProblem,
} from '../../engine/expression/api.ts';
import { compileExpression } from '../../engine/expression/index.ts';
import type { Json } from '../../engine/types.ts';

type Outcome =
  /** Evaluates to exactly this JSON value (undefined: JSONata yields nothing). */
  | { value: Json | undefined }
  /** Refused at compile time with this code. */
  | { compileError: ExpressionProblem['code']; message?: RegExp }
  /** Fails at run time with this code. */
  | { runError: ExpressionProblem['code']; message?: RegExp };

interface HostileCase {
  name: string;
  source: string;
  input?: Json;
  outcome: Outcome;
}

const hostileInput = JSON.parse(
  '{"__proto__": {"polluted": "yes"}, "constructor": {"prototype": {"polluted": "yes"}}, "prototype": 1, "a": 1}',
) as Json;

/** Input nested far deeper than any stack: walking it recursively would overflow. */
const deepInput = (() => {
  let value: Json = 1;
  for (let i = 0; i < 200_000; i++) value = { a: value };
  return value;
})();

const cases: HostileCase[] = [
  // JavaScript escapes: paths never reach a JavaScript function or prototype.
  {
    name: 'n8n-style escape through $.constructor.constructor',
    source: "$.constructor.constructor('return process')()",
    input: {},
    outcome: { value: undefined },
  },
  {
    name: 'escape through a built-in function object',
    source: "$string.constructor('return process')()",
    outcome: { runError: 'EXPRESSION_ERROR' },
  },
  {
    name: '$lookup of constructor on plain data',
    source: "$lookup($, 'constructor')",
    input: { a: 1 },
    outcome: { value: undefined },
  },
  {
    name: '__proto__ through a path on data without such a key',
    source: '$.__proto__',
    input: { a: 1 },
    outcome: { value: undefined },
  },
  {
    name: 'reading the prototype chain of a string',
    source: '"abc".constructor.prototype',
    outcome: { value: undefined },
  },
  {
    name: 'calling a function reached through a regex object',
    source: '/a/.constructor',
    outcome: { value: undefined },
  },
  {
    name: 'taking a built-in function object apart with $spread',
    source: '($f := $spread($string).implementation; [$f.constructor, $f.prototype, $f("x")])',
    outcome: { runError: 'EXPRESSION_ERROR', message: /non-function/ },
  },
  {
    name: 'the internals of a built-in through a path and $lookup',
    source: '[$string.implementation, $lookup($string, "signature"), $keys($string)]',
    outcome: { value: [] },
  },
  {
    name: 'transforming a built-in function object',
    source: '$string ~> |implementation|{"polluted": "yes"}|',
    outcome: { runError: 'EXPRESSION_ERROR', message: /^result is not JSON/ },
  },
  {
    name: 'constructor of the root on the fast path',
    source: '[$$.constructor, $.constructor, $input.constructor]',
    input: { a: 1 },
    outcome: { value: [] },
  },
  // Prototype pollution: keys named __proto__/constructor stay data.
  {
    name: 'input keys __proto__ and constructor are read as data',
    source: '[$.__proto__.polluted, $.constructor.prototype.polluted]',
    input: hostileInput,
    outcome: { value: ['yes', 'yes'] },
  },
  {
    name: '$merge with a __proto__ member',
    source: '$merge([{"a": 1}, $])',
    input: hostileInput,
    outcome: {
      value: JSON.parse(
        '{"a": 1, "__proto__": {"polluted": "yes"}, "constructor": {"prototype": {"polluted": "yes"}}, "prototype": 1}',
      ) as Json,
    },
  },
  {
    name: 'transform operator assigning __proto__',
    source: '$ ~> |$|{"__proto__": {"polluted": "yes"}}|',
    input: { a: 1 },
    outcome: { value: JSON.parse('{"a": 1, "__proto__": {"polluted": "yes"}}') as Json },
  },
  {
    name: 'transform operator reaching constructor.prototype',
    source: '$ ~> |constructor.prototype|{"polluted": "yes"}|',
    input: { a: 1 },
    outcome: { value: { a: 1 } },
  },
  {
    name: 'object constructor with a computed __proto__ key',
    source: '{ k: {"polluted": "yes"} }',
    input: { k: '__proto__' },
    outcome: { value: JSON.parse('{"__proto__": {"polluted": "yes"}}') as Json },
  },
  {
    name: '$spread, $sift, $each and $keys on __proto__ keys',
    source:
      '{"spread": $spread($), "sift": $sift($, function($v, $k){ $k = "__proto__" }), "each": $each($, function($v, $k){ $k }), "keys": $keys($)}',
    input: JSON.parse('{"__proto__": {"polluted": "yes"}, "constructor": 2}') as Json,
    outcome: {
      value: JSON.parse(
        '{"spread": [{"__proto__": {"polluted": "yes"}}, {"constructor": 2}], "sift": {"__proto__": {"polluted": "yes"}}, "each": ["__proto__", "constructor"], "keys": ["__proto__", "constructor"]}',
      ) as Json,
    },
  },
  {
    name: 'group-by with __proto__ as a group key',
    source: 'items{ k: v }',
    input: {
      items: [
        { k: '__proto__', v: 1 },
        { k: 'constructor', v: 2 },
      ],
    },
    outcome: { value: JSON.parse('{"__proto__": 1, "constructor": 2}') as Json },
  },
  // Code the editor never saw.
  {
    name: '$eval of attacker text',
    source: '$eval("$$.secret")',
    outcome: { compileError: 'EXPRESSION_UNSUPPORTED', message: /\$eval/ },
  },
  // Runaway work.
  {
    name: 'infinite recursion (tail call)',
    source: '($f := function($x){ $f($x) }; $f(1))',
    outcome: { runError: 'LIMIT_EXCEEDED' },
  },
  {
    name: 'deep recursion',
    source: '($f := function($n){ $n = 0 ? 0 : 1 + $f($n - 1) }; $f(1000000))',
    outcome: { runError: 'LIMIT_EXCEEDED', message: /nested deeper/ },
  },
  {
    name: 'mutual recursion without end',
    source: '($a := function($x){ $b($x) + 1 }; $b := function($x){ $a($x) + 1 }; $a(0))',
    outcome: { runError: 'LIMIT_EXCEEDED' },
  },
  {
    name: 'huge range',
    source: '[1..1e9]',
    outcome: { runError: 'LIMIT_EXCEEDED' },
  },
  {
    name: 'two ranges appended past the sequence cap',
    source: '$append([1..900000], [1..900000])',
    outcome: { runError: 'LIMIT_EXCEEDED' },
  },
  {
    name: 'string blow-up with $pad',
    source: "$pad('', 1e9)",
    outcome: { runError: 'LIMIT_EXCEEDED', message: /\$pad/ },
  },
  {
    name: 'string blow-up by repeated doubling',
    source: "$reduce([1..64], function($s, $i){ $s & $s }, 'xx')",
    outcome: { runError: 'LIMIT_EXCEEDED', message: /string longer/ },
  },
  {
    name: '$string of a structure that shares itself exponentially',
    source: '$string($reduce([1..40], function($a, $i){ {"l": $a, "r": $a} }, "payload"))',
    outcome: { runError: 'LIMIT_EXCEEDED' },
  },
  {
    name: 'returning a structure that shares itself exponentially',
    source: '$reduce([1..40], function($a, $i){ {"l": $a, "r": $a} }, 1)',
    outcome: { runError: 'EXPRESSION_ERROR', message: /^result is not JSON/ },
  },
  {
    name: 'nested $string escaping that doubles at every level',
    source: Array.from({ length: 27 }).reduce<string>(
      (inner) => `$string([${inner}])`,
      '"\\\\\\""',
    ),
    outcome: { runError: 'LIMIT_EXCEEDED' },
  },
  {
    name: 'comparing two structures that share themselves exponentially',
    source:
      '($grow := function($seed){ $reduce([1..40], function($a, $i){ {"l": $a, "r": $a} }, $seed) }; $grow(1) = $grow(1))',
    outcome: { runError: 'LIMIT_EXCEEDED', message: /comparison/ },
  },
  {
    name: '$distinct over structures that share themselves exponentially',
    source:
      '($big := $reduce([1..40], function($a, $i){ {"l": $a, "r": $a} }, 1); $count($distinct([$big, $big, 1])))',
    outcome: { runError: 'LIMIT_EXCEEDED', message: /\$distinct/ },
  },
  {
    name: 'descendants of data nested 200,000 deep',
    source: '$count(**)',
    input: deepInput,
    outcome: { runError: 'LIMIT_EXCEEDED', message: /nested too deeply/ },
  },
  {
    name: 'serialising data nested 200,000 deep',
    source: '$string($)',
    input: deepInput,
    outcome: { runError: 'LIMIT_EXCEEDED', message: /nested too deeply/ },
  },
  {
    name: 'returning data nested 200,000 deep',
    source: '$',
    input: deepInput,
    outcome: { runError: 'EXPRESSION_ERROR', message: /^result is not JSON: .*deeper/ },
  },
  // Regular expressions cannot backtrack catastrophically.
  {
    name: 'catastrophic regex (a+)+$',
    source: "$match('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!', /(a+)+$/)",
    outcome: { value: undefined },
  },
  {
    name: 'catastrophic regex in $replace over a long input',
    source: "$replace($pad('', 100000, 'a') & '!', /(a|aa)+$/, 'x') = $pad('', 100000, 'a') & '!'",
    outcome: { value: true },
  },
  {
    name: 'backreference regex',
    source: "$match('aaaa', /(a+)\\1/)",
    outcome: { runError: 'EXPRESSION_ERROR', message: /RE2/ },
  },
  // Results that are not JSON.
  {
    name: 'a function as the result',
    source: 'function($x){ $x }',
    outcome: { runError: 'EXPRESSION_ERROR', message: /^result is not JSON/ },
  },
  {
    name: 'a built-in function inside the result',
    source: '[1, $sum]',
    outcome: { runError: 'EXPRESSION_ERROR', message: /^result is not JSON/ },
  },
  {
    name: 'Infinity as the result',
    source: '1/0',
    outcome: { runError: 'EXPRESSION_ERROR', message: /^result is not JSON/ },
  },
  {
    name: 'NaN hidden in an object',
    source: '{"x": 0/0}',
    outcome: { runError: 'EXPRESSION_ERROR', message: /^result is not JSON/ },
  },
];

const scope: EvalScope = {
  input: null,
  nodes: {},
  now: 0,
  random: () => 0.5,
};

function snapshot(): string[] {
  return [Object.prototype, Function.prototype, Array.prototype, String.prototype].map((p) =>
    Object.getOwnPropertyNames(p).sort().join(','),
  );
}

const before = snapshot();
const globalsBefore = Object.getOwnPropertyNames(globalThis).sort().join(',');

afterEach(() => {
  expect(snapshot()).toEqual(before);
  expect(Object.getOwnPropertyNames(globalThis).sort().join(',')).toBe(globalsBefore);
  expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  // The process is fine: it still runs code and has its own identity.
  expect(typeof process.pid).toBe('number');
  expect(JSON.stringify({ ok: true })).toBe('{"ok":true}');
});

describe('hostile expressions', () => {
  it('has at least fifteen cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(15);
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const compiled = compileExpression(c.source);
    const outcome = c.outcome;
    if ('compileError' in outcome) {
      expect(compiled.ok).toBe(false);
      if (compiled.ok) return;
      expect(compiled.problem.code).toBe(outcome.compileError);
      if (outcome.message) expect(compiled.problem.message).toMatch(outcome.message);
      return;
    }
    if (!compiled.ok) throw new Error(`did not compile: ${compiled.problem.message}`);
    let value: Json | undefined;
    let problem: ExpressionProblem | undefined;
    try {
      value = await compiled.expression.evaluate(c.input ?? null, scope);
    } catch (err) {
      if (!(err instanceof ExpressionFailure)) throw err;
      problem = err.problem;
    }
    if ('runError' in outcome) {
      expect(problem?.code).toBe(outcome.runError);
      if (outcome.message) expect(problem?.message).toMatch(outcome.message);
      return;
    }
    expect(problem).toBeUndefined();
    expect(value).toEqual(outcome.value);
    // Whatever comes back is plain data: it survives a JSON round trip unchanged.
    if (value !== undefined) {
      expect(JSON.parse(JSON.stringify(value))).toEqual(value);
      expect(structuredClone(value)).toEqual(value);
    }
  });
});
