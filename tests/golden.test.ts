// Golden cases as data: every folder under tests/golden/ is one case, so adding
// a case adds no code. A folder holds
//   definition.json               the workflow
//   input.json                    optional; the run's input (null when absent)
//   options.json                  optional; { decisions, mode, now, seed, env, fetch }.
//                                 `fetch` makes live runs offline: it maps
//                                 "METHOD url" to a canned response { status,
//                                 headers, body }, to a list of them answered in
//                                 turn, or to "hang" (never answers). Live sleeps
//                                 are instant.
//   expected-requests.json        optional; the requests a live run made, in order
//   <id>.json                     optional; sub-workflows, resolved by id
//   expected.json                 the RunResult without durationMs, compared exactly
//   expected-diagnostics.json     [{ code, path, severity? }]: every diagnostic compile
//                                 reports (severity defaults to "error"). Without
//                                 expected.json the definition must not compile;
//                                 without this file it must compile with none.
// Messages are prose for people, so an expected string "…" matches any
// non-empty string; everything else is compared exactly.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileWorkflow, runWorkflow } from '../engine/index.ts';
import type { FetchLike, Json, RunOptions, WorkflowDefinition } from '../engine/types.ts';

const ROOT = join(import.meta.dirname, 'golden');
const ANY_TEXT = '…';

const cases = readdirSync(ROOT, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

function readJson(path: string): Json {
  return JSON.parse(readFileSync(path, 'utf8')) as Json;
}

function readOptional(dir: string, name: string): Json | undefined {
  const path = join(dir, name);
  return existsSync(path) ? readJson(path) : undefined;
}

/** Drops durationMs, and replaces a string with "…" where the expected value is "…". */
function normalize(actual: unknown, expected: unknown): unknown {
  if (expected === ANY_TEXT && typeof actual === 'string' && actual.trim() !== '') return ANY_TEXT;
  if (Array.isArray(actual)) {
    const list = Array.isArray(expected) ? expected : [];
    return actual.map((item, i) => normalize(item, list[i]));
  }
  if (typeof actual === 'object' && actual !== null) {
    const shape =
      typeof expected === 'object' && expected !== null && !Array.isArray(expected)
        ? (expected as Record<string, unknown>)
        : {};
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(actual)) {
      if (key === 'durationMs') continue;
      out[key] = normalize(value, shape[key]);
    }
    return out;
  }
  return actual;
}

interface CannedResponse {
  status: number;
  headers?: Record<string, string>;
  body?: Json;
}

interface SentRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: Json;
}

/** A fetch that answers from the case's options and records what was asked. */
function cannedFetch(
  canned: Record<string, CannedResponse | CannedResponse[] | 'hang'>,
  sent: SentRequest[],
): FetchLike {
  const calls = new Map<string, number>();
  return (url, init) => {
    const key = `${init.method} ${url}`;
    let body: Json | undefined;
    if (init.body !== undefined) {
      try {
        body = JSON.parse(init.body) as Json;
      } catch {
        body = init.body;
      }
    }
    sent.push({
      method: init.method,
      url,
      headers: init.headers,
      ...(body !== undefined ? { body } : {}),
    });
    const answer = canned[key];
    if (answer === undefined) return Promise.reject(new Error(`no canned response for ${key}`));
    if (answer === 'hang') {
      return new Promise((_resolve, reject) => {
        init.signal?.addEventListener('abort', () => reject(new Error('aborted')));
      });
    }
    const n = calls.get(key) ?? 0;
    calls.set(key, n + 1);
    const response = Array.isArray(answer)
      ? (answer[Math.min(n, answer.length - 1)] as CannedResponse)
      : answer;
    const headers = response.headers ?? {};
    return Promise.resolve({
      status: response.status,
      headers: {
        forEach: (cb: (value: string, key: string) => void) =>
          Object.entries(headers).forEach(([k, v]) => cb(v, k)),
      },
      text: () =>
        Promise.resolve(
          typeof response.body === 'string' ? response.body : JSON.stringify(response.body ?? null),
        ),
    });
  };
}

interface ExpectedDiagnostic {
  code: string;
  path: string;
  severity?: 'error' | 'warning';
}

function diagnosticKey(d: ExpectedDiagnostic): string {
  return `${d.severity ?? 'error'} ${d.code} ${d.path}`;
}

it('has a golden case for every rule (40 or more)', () => {
  expect(cases.length).toBeGreaterThanOrEqual(40);
});

describe('golden cases', () => {
  for (const name of cases) {
    it(name, async () => {
      const dir = join(ROOT, name);
      const definition = readJson(join(dir, 'definition.json'));
      const expectedResult = readOptional(dir, 'expected.json');
      const expectedDiagnostics = (readOptional(dir, 'expected-diagnostics.json') ??
        []) as unknown as ExpectedDiagnostic[];
      expect(
        expectedResult !== undefined || expectedDiagnostics.length > 0,
        `${name} needs expected.json or expected-diagnostics.json`,
      ).toBe(true);

      const compiled = compileWorkflow(definition);
      const diagnostics = [...compiled.errors, ...compiled.warnings];
      expect(diagnostics.map(diagnosticKey).sort()).toEqual(
        expectedDiagnostics.map(diagnosticKey).sort(),
      );
      for (const d of diagnostics) expect(d.message.trim()).not.toBe('');
      if (expectedResult === undefined) {
        expect(compiled.ok).toBe(false);
        return;
      }
      if (!compiled.ok) throw new Error(`${name} did not compile`);

      const { fetch: canned, ...options } = (readOptional(dir, 'options.json') ??
        {}) as RunOptions & {
        fetch?: Record<string, CannedResponse | CannedResponse[] | 'hang'>;
      };
      const sent: SentRequest[] = [];
      const result = await runWorkflow(compiled.workflow, readOptional(dir, 'input.json') ?? null, {
        ...options,
        fetch: cannedFetch(canned ?? {}, sent),
        sleep: () => Promise.resolve(),
        resolveWorkflow: (id) => {
          const path = join(dir, `${id}.json`);
          return existsSync(path) ? (readJson(path) as unknown as WorkflowDefinition) : undefined;
        },
      });
      expect(normalize(result, expectedResult)).toEqual(expectedResult);
      const expectedRequests = readOptional(dir, 'expected-requests.json') ?? [];
      expect(sent).toEqual(expectedRequests);
    });
  }
});
