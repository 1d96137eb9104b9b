// JSONata's own language-neutral test suite (../shared/jsonata-test-suite, see
// its TESTSUITE.md and ORIGIN.md), loaded as data so that anything in Weft that
// evaluates JSONata can be run through it and compared with the reference.
//
// An evaluator under test is a `SuiteSubject`: given a case it returns a
// function that evaluates the case's expression, or says it does not take the
// case. Outcomes are compared as values (`sameValue`) or as error codes.

import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import jsonata from 'jsonata';

export const SUITE_DIR =
  process.env['JSONATA_SUITE_DIR'] ??
  join(import.meta.dirname, '../../../shared/jsonata-test-suite');

export type Expected =
  { kind: 'value'; value: unknown } | { kind: 'undefined' } | { kind: 'error'; code: string };

export interface SuiteCase {
  group: string;
  /** `case012.json`, or `large.json#3` for the items of a file holding an array of cases. */
  name: string;
  expr: string;
  input: unknown;
  bindings: Record<string, unknown>;
  /** Both set for the cases jsonata's own runner timeboxes. */
  timelimit?: number;
  depth?: number;
  expected: Expected;
}

export type Outcome =
  | { kind: 'value'; value: unknown }
  | { kind: 'undefined' }
  | { kind: 'error'; code: string; message: string };

type RawCase = Record<string, unknown>;

function readJson(path: string): unknown {
  return JSON.parse(readFileSync(path, 'utf8')) as unknown;
}

function expectedOf(raw: RawCase, where: string): Expected {
  if ('undefinedResult' in raw) return { kind: 'undefined' };
  if ('result' in raw) return { kind: 'value', value: raw['result'] };
  if (typeof raw['code'] === 'string') return { kind: 'error', code: raw['code'] };
  const error = raw['error'] as { code?: unknown } | undefined;
  if (typeof error?.code === 'string') return { kind: 'error', code: error.code };
  throw new Error(`${where}: nothing to test`);
}

/** Every case of the suite, grouped, in a stable order. */
export function loadSuite(dir = SUITE_DIR): Map<string, SuiteCase[]> {
  const datasets = new Map<string, unknown>();
  for (const file of readdirSync(join(dir, 'datasets'))) {
    if (file.endsWith('.json')) {
      datasets.set(file.slice(0, -'.json'.length), readJson(join(dir, 'datasets', file)));
    }
  }
  const groups = new Map<string, SuiteCase[]>();
  for (const group of readdirSync(join(dir, 'groups')).sort()) {
    const cases: SuiteCase[] = [];
    const groupDir = join(dir, 'groups', group);
    for (const file of readdirSync(groupDir).sort()) {
      if (!file.endsWith('.json')) continue;
      const spec = readJson(join(groupDir, file));
      const raws = (Array.isArray(spec) ? spec : [spec]) as RawCase[];
      raws.forEach((raw, index) => {
        const name = Array.isArray(spec) ? `${file}#${index}` : file;
        const where = `${group}/${name}`;
        const exprFile = raw['expr-file'];
        const expr =
          typeof exprFile === 'string'
            ? readFileSync(join(groupDir, exprFile), 'utf8')
            : (raw['expr'] as string);
        let input: unknown;
        if ('data' in raw) {
          input = raw['data'];
        } else if (raw['dataset'] !== null && raw['dataset'] !== undefined) {
          const name = raw['dataset'] as string;
          if (!datasets.has(name)) throw new Error(`${where}: unknown dataset ${name}`);
          input = datasets.get(name);
        }
        const testCase: SuiteCase = {
          group,
          name,
          expr,
          input,
          bindings: (raw['bindings'] as Record<string, unknown> | undefined) ?? {},
          expected: expectedOf(raw, where),
        };
        if (typeof raw['timelimit'] === 'number' && typeof raw['depth'] === 'number') {
          testCase.timelimit = raw['timelimit'];
          testCase.depth = raw['depth'];
        }
        cases.push(testCase);
      });
    }
    groups.set(group, cases);
  }
  return groups;
}

/** An error's code: jsonata throws plain objects with `code`; Weft's failures carry `problem`. */
export function errorCode(error: unknown): string {
  if (error !== null && typeof error === 'object') {
    const e = error as { code?: unknown; problem?: { code?: unknown } };
    if (typeof e.code === 'string') return e.code;
    if (typeof e.problem?.code === 'string') return e.problem.code;
  }
  return 'UNKNOWN';
}

function errorMessage(error: unknown): string {
  if (error !== null && typeof error === 'object' && 'message' in error) {
    return String((error as { message: unknown }).message);
  }
  return String(error);
}

/** Runs one evaluation and records what came of it. */
export async function outcomeOf(run: () => unknown): Promise<Outcome> {
  try {
    const value = await run();
    return value === undefined ? { kind: 'undefined' } : { kind: 'value', value };
  } catch (error) {
    return { kind: 'error', code: errorCode(error), message: errorMessage(error) };
  }
}

/**
 * jsonata 2.2.2 as the suite's own runner drives it: the timeboxed cases get
 * its depth and time guard (error U1001), through the evaluate hooks.
 */
export function referenceEvaluate(testCase: SuiteCase): () => Promise<unknown> {
  const expression = jsonata(testCase.expr);
  if (testCase.timelimit !== undefined && testCase.depth !== undefined) {
    const { timelimit, depth: maxDepth } = testCase;
    let depth = 0;
    const started = Date.now();
    const check = (): void => {
      if (depth > maxDepth || Date.now() - started > timelimit) {
        throw { code: 'U1001', message: 'Stack overflow or timeout' };
      }
    };
    const assign = expression.assign as unknown as (name: symbol, value: unknown) => void;
    assign(Symbol.for('jsonata.__evaluate_entry'), () => {
      depth++;
      check();
    });
    assign(Symbol.for('jsonata.__evaluate_exit'), () => {
      depth--;
      check();
    });
  }
  return () => expression.evaluate(testCase.input, testCase.bindings);
}

/**
 * Structural equality that is stricter than the suite needs: the same types,
 * numbers by Object.is, object keys in the same order. Arrays compare by their
 * items only, so jsonata's sequence marks do not count.
 */
export function sameValue(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((item, i) => sameValue(item, b[i]));
  }
  const ak = Object.keys(a);
  const bk = Object.keys(b);
  if (ak.length !== bk.length || ak.some((key, i) => key !== bk[i])) return false;
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  return ak.every((key) => sameValue(ao[key], bo[key]));
}

/** The suite's notion of a match: deep equality as chai's, error codes equal. */
export function matchesExpected(outcome: Outcome, expected: Expected): boolean {
  if (expected.kind === 'error') return outcome.kind === 'error' && outcome.code === expected.code;
  if (expected.kind === 'undefined') return outcome.kind === 'undefined';
  return outcome.kind === 'value' && looseEqual(outcome.value, expected.value);
}

function looseEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b) || (a === 0 && b === 0)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((item, i) => looseEqual(item, b[i]));
  }
  const ak = Object.keys(a).sort();
  const bk = Object.keys(b).sort();
  if (ak.length !== bk.length || ak.some((key, i) => key !== bk[i])) return false;
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  return ak.every((key) => looseEqual(ao[key], bo[key]));
}

/** One line per outcome, for failure messages. */
export function describeOutcome(outcome: Outcome | Expected): string {
  switch (outcome.kind) {
    case 'value': {
      const text = JSON.stringify(outcome.value) ?? String(outcome.value);
      return `value ${text.length > 200 ? `${text.slice(0, 200)}…` : text}`;
    }
    case 'undefined':
      return 'undefined';
    case 'error':
      return `error ${outcome.code}`;
  }
}
