// JSONata's own test suite run through the fast path (engine/expression/fast):
// for every case whose expression compileFast accepts, the closure must give
// what jsonata 2.2.2 gives, value for value (strictly: key order, -0, types),
// or hand the case back with FAST_FALLBACK where jsonata raises an error. The
// reference run must also match the case file, which proves the harness reads
// the cases the way jsonata's own runner does.

import jsonata from 'jsonata';
import { afterAll, describe, expect, it } from 'vitest';
import type { Json } from '../../engine/types.ts';
import type { EvalScope } from '../../engine/expression/api.ts';
import { FAST_FALLBACK, compileFast } from '../../engine/expression/fast/index.ts';
import {
  type SuiteCase,
  describeOutcome,
  loadSuite,
  matchesExpected,
  outcomeOf,
  referenceEvaluate,
  sameValue,
} from './suite.ts';

const suite = loadSuite();

const tally = { cases: 0, compiled: 0, fast: 0, fallbackOnError: 0, fallbackOnValue: 0 };

/** The scope the fast path reads `$input` and `$nodes` from: the case's own bindings, if any. */
function scopeFor(testCase: SuiteCase): EvalScope {
  return {
    input: testCase.bindings['input'] as Json,
    nodes: testCase.bindings['nodes'] as Record<string, Json>,
    now: 0,
    random: () => 0.5,
  };
}

function astOf(expr: string): unknown {
  try {
    return jsonata(expr).ast();
  } catch {
    return undefined; // a syntax error: nothing for the fast path to take
  }
}

describe.each([...suite.entries()])('group %s', (_group, cases) => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, testCase) => {
    tally.cases++;
    const fast = compileFast(astOf(testCase.expr));
    if (fast === undefined) return;
    tally.compiled++;

    const reference = await outcomeOf(referenceEvaluate(testCase));
    expect(
      matchesExpected(reference, testCase.expected),
      `jsonata gave ${describeOutcome(reference)}, the case expects ${describeOutcome(testCase.expected)}`,
    ).toBe(true);

    const result = fast(testCase.input as Json, scopeFor(testCase));
    if (result === FAST_FALLBACK) {
      // Always safe (jsonata then answers); counted so needless hand-backs show.
      if (reference.kind === 'error') tally.fallbackOnError++;
      else tally.fallbackOnValue++;
      return;
    }
    tally.fast++;
    expect(
      reference.kind,
      `the fast path gave ${JSON.stringify(result)} where jsonata gave ${describeOutcome(reference)}`,
    ).not.toBe('error');
    const referenceValue = reference.kind === 'value' ? reference.value : undefined;
    expect(
      sameValue(result, referenceValue),
      `fast ${JSON.stringify(result)} vs jsonata ${JSON.stringify(referenceValue)}`,
    ).toBe(true);
  });
});

afterAll(() => {
  console.log(
    `[conformance] fast path: ${tally.cases} suite cases, ${tally.compiled} compiled by compileFast; ` +
      `${tally.fast} answered on the fast path (all equal to jsonata), ` +
      `${tally.fallbackOnError} handed back with FAST_FALLBACK where jsonata raises an error, ` +
      `${tally.fallbackOnValue} handed back where jsonata has a value`,
  );
});
