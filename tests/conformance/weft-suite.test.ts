// JSONata's own test suite run through Weft's expression module, as the engine
// runs expressions: `compileExpression(source)` and then
// `expression.evaluate(input, scope)`, fast path and guarded jsonata together.
//
// Each case expects what the suite expects, translated to Weft's contract:
// syntax errors are EXPRESSION_SYNTAX; what JSONata 2.0.6 (AWS Step Functions)
// does not parse, and `$eval`, are refused as EXPRESSION_UNSUPPORTED; other
// jsonata errors are EXPRESSION_ERROR, its size and recursion limits
// LIMIT_EXCEEDED. The few cases where Weft deliberately differs beyond that
// are listed, with reasons, in weft-deviations.json.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import jsonata from 'jsonata';
import jsonata206 from 'jsonata206';
import { afterAll, describe, expect, it } from 'vitest';
import type { Json } from '../../engine/types.ts';
import { compileExpression } from '../../engine/expression/index.ts';
import {
  type Expected,
  type Outcome,
  type SuiteCase,
  describeOutcome,
  loadSuite,
  matchesExpected,
  outcomeOf,
} from './suite.ts';

interface Deviation {
  outcome: Expected;
  /** Accept the suite's own answer too (cases racing a wall-clock guard). */
  alsoTheSuiteResult?: boolean;
  category: string;
  reason: string;
}

const deviations = (
  JSON.parse(readFileSync(join(import.meta.dirname, 'weft-deviations.json'), 'utf8')) as {
    cases: Record<string, Deviation>;
  }
).cases;

/** jsonata error codes that Weft reports as LIMIT_EXCEEDED (the suite's U1001 is its runner's guard). */
const LIMIT_CODES = new Set(['D1011', 'D1012', 'D2014', 'D2015', 'U1001']);

function parses(parse: (source: string) => unknown, source: string): boolean {
  try {
    parse(source);
    return true;
  } catch {
    return false;
  }
}

function callsEval(ast: unknown): boolean {
  if (Array.isArray(ast)) return ast.some(callsEval);
  if (ast === null || typeof ast !== 'object') return false;
  const node = ast as Record<string, unknown>;
  if (node['type'] === 'variable' && node['value'] === 'eval') return true;
  return Object.values(node).some(callsEval);
}

/** The suite's expectation in Weft's terms. */
function translated(expected: Expected): Expected {
  if (expected.kind !== 'error') return expected;
  const code = LIMIT_CODES.has(expected.code) ? 'LIMIT_EXCEEDED' : 'EXPRESSION_ERROR';
  return { kind: 'error', code };
}

/** What Weft may answer for a case, and under which heading it is counted. */
function weftExpectation(testCase: SuiteCase): { expected: Expected[]; category: string } {
  if (!parses(jsonata, testCase.expr)) {
    return { expected: [{ kind: 'error', code: 'EXPRESSION_SYNTAX' }], category: 'agrees' };
  }
  if (!parses(jsonata206, testCase.expr)) {
    return {
      expected: [{ kind: 'error', code: 'EXPRESSION_UNSUPPORTED' }],
      category: 'refused: not JSONata 2.0.6',
    };
  }
  if (callsEval(jsonata(testCase.expr).ast())) {
    return {
      expected: [{ kind: 'error', code: 'EXPRESSION_UNSUPPORTED' }],
      category: 'refused: $eval',
    };
  }
  const deviation = deviations[`${testCase.group}/${testCase.name}`];
  if (deviation !== undefined) {
    const expected = [deviation.outcome];
    if (deviation.alsoTheSuiteResult === true) expected.push(translated(testCase.expected));
    return { expected, category: `deviates: ${deviation.category}` };
  }
  return { expected: [translated(testCase.expected)], category: 'agrees' };
}

async function weftOutcome(testCase: SuiteCase): Promise<{ outcome: Outcome; fast: boolean }> {
  const compiled = compileExpression(testCase.expr);
  if (!compiled.ok) {
    const { code, message } = compiled.problem;
    return { outcome: { kind: 'error', code, message }, fast: false };
  }
  const { expression } = compiled;
  const scope = { input: null, nodes: {}, now: 0, random: () => 0.5 };
  const outcome = await outcomeOf(() => expression.evaluate(testCase.input as Json, scope));
  return { outcome, fast: expression.fast };
}

const suite = loadSuite();
const counts = new Map<string, number>();
const count = (key: string): void => {
  counts.set(key, (counts.get(key) ?? 0) + 1);
};

// Weft has no way to bind arbitrary variables (only $input and $nodes), so the
// few cases that pass their own bindings cannot be put to it.
const runnable = [...suite.entries()].map(
  ([group, cases]) => [group, cases.filter((c) => Object.keys(c.bindings).length === 0)] as const,
);
const withBindings = [...suite.values()].flat().length - runnable.flatMap(([, c]) => c).length;

describe.each(runnable.filter(([, cases]) => cases.length > 0))('group %s', (_group, cases) => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, testCase) => {
    const { expected, category } = weftExpectation(testCase);
    const { outcome, fast } = await weftOutcome(testCase);
    const detail = outcome.kind === 'error' ? ` (${outcome.message})` : '';
    expect(
      expected.some((e) => matchesExpected(outcome, e)),
      `Weft gave ${describeOutcome(outcome)}${detail}, expected ${expected.map(describeOutcome).join(' or ')} [${category}]`,
    ).toBe(true);
    count(category);
    if (fast) count('fast');
  });
});

afterAll(() => {
  const total = [...counts.entries()]
    .filter(([key]) => key !== 'fast')
    .reduce((sum, [, n]) => sum + n, 0);
  const lines = [...counts.entries()]
    .filter(([key]) => key !== 'fast')
    .sort()
    .map(([key, n]) => `  ${key}: ${n}`);
  console.log(
    [
      `[conformance] Weft's evaluator: ${total} suite cases run (${withBindings} more need variable bindings Weft cannot give)`,
      ...lines,
      `  compiled to the fast path: ${counts.get('fast') ?? 0}`,
    ].join('\n'),
  );
});
