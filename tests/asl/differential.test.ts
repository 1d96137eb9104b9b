// The ASL export, verified three ways on every sample and golden case:
//   1. the exported machine passes asl-validator;
//   2. every JSONata expression in it parses with jsonata 2.0.6 (what Step
//      Functions runs) and none calls $eval;
//   3. the reference executor (./executor.ts, no engine code) runs it on each
//      input with the same mocks and gives the preview's result, passing
//      through the states of exactly the nodes the preview ran.
// The cases in ./cases/ are workflows written for the export (with input
// samples, like public/samples/). Golden cases that do not compile, and the
// few graphs Step Functions cannot
// express (listed in REFUSED with the reason), are checked for a refusal instead.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import jsonata206 from 'jsonata206';
import { describe, expect, it } from 'vitest';
import { compileWorkflow, runWorkflow } from '../../engine/index.ts';
import { exportToAsl } from '../../engine/export/asl.ts';
import type { Json, RunOptions, WorkflowDefinition } from '../../engine/types.ts';
import { execute } from './executor.ts';
import {
  comparable,
  engineCode,
  executionPlatformMessages,
  isObject,
  mockTable,
  previewPlatformMessages,
} from './mocks.ts';

const require = createRequire(import.meta.url);
const aslValidator = require('asl-validator') as (definition: unknown) => {
  isValid: boolean;
  errorsText: (separator?: string) => string;
};

const ROOT = join(import.meta.dirname, '..', '..');

/** Golden cases whose graph Step Functions cannot express, and the problem code expected. */
const REFUSED: Record<string, string> = {
  // Two parallel branches feed one non-merge node: the preview fails with
  // AMBIGUOUS_INPUT at run time; the export refuses the graph up front.
  'ambiguous-input-without-merge': 'EXPORT_FAN_IN',
};

interface Case {
  name: string;
  file: string;
  definition: WorkflowDefinition;
  runs: Array<{ label: string; input: Json; options: RunOptions }>;
}

function readJson(path: string): Json {
  return JSON.parse(readFileSync(path, 'utf8')) as Json;
}

function resolverBeside(file: string): NonNullable<RunOptions['resolveWorkflow']> {
  return (id) => {
    const path = join(dirname(file), `${id}.json`);
    return existsSync(path) ? (readJson(path) as unknown as WorkflowDefinition) : undefined;
  };
}

function approvals(definition: WorkflowDefinition): string[] {
  return definition.nodes.filter((n) => n.kind === 'approval').map((n) => n.id);
}

/** Workflows with named input samples: the public samples, and this folder's own cases. */
function sampleCases(dir: string, prefix: string): Case[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json') && f !== 'index.json')
    .sort()
    .map((f) => {
      const file = join(dir, f);
      const definition = readJson(file) as unknown as WorkflowDefinition;
      const samples = definition.input?.samples ?? [];
      const resolveWorkflow = resolverBeside(file);
      const runs: Case['runs'] = samples.map((s) => ({
        label: s.name,
        input: s.data,
        options: { resolveWorkflow },
      }));
      const gates = approvals(definition);
      if (gates.length > 0) {
        for (const s of samples) {
          runs.push({
            label: `${s.name}, every approval rejected`,
            input: s.data,
            options: {
              resolveWorkflow,
              decisions: Object.fromEntries(gates.map((g) => [g, 'rejected' as const])),
            },
          });
        }
      }
      return { name: `${prefix} ${f}`, file, definition, runs };
    });
}

function goldenCases(): Case[] {
  const dir = join(ROOT, 'tests', 'golden');
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(join(dir, e.name, 'definition.json')))
    .map((e) => e.name)
    .sort()
    .flatMap((name): Case[] => {
      const file = join(dir, name, 'definition.json');
      const inputPath = join(dir, name, 'input.json');
      const optionsPath = join(dir, name, 'options.json');
      const options = (existsSync(optionsPath) ? readJson(optionsPath) : {}) as RunOptions;
      // Live runs call real endpoints and sleep for real: the executor's mocks
      // stand for preview runs only, so live cases are checked statically.
      const runs: Case['runs'] =
        options.mode === 'live'
          ? []
          : [
              {
                label: 'input.json',
                input: existsSync(inputPath) ? readJson(inputPath) : null,
                options: { ...options, resolveWorkflow: resolverBeside(file) },
              },
            ];
      return [
        {
          name: `golden ${name}`,
          file,
          definition: readJson(file) as unknown as WorkflowDefinition,
          runs,
        },
      ];
    });
}

/** Every `{% … %}` string in a machine, with where it sits. */
function expressions(value: Json, at = ''): Array<{ at: string; text: string }> {
  if (typeof value === 'string') {
    const m = /^\{%([\s\S]*)%\}$/.exec(value);
    return m ? [{ at, text: m[1] ?? '' }] : [];
  }
  if (Array.isArray(value)) return value.flatMap((v, i) => expressions(v, `${at}/${i}`));
  if (isObject(value))
    return Object.entries(value).flatMap(([k, v]) => expressions(v, `${at}/${k}`));
  return [];
}

const cases = [
  ...sampleCases(join(ROOT, 'public', 'samples'), 'sample'),
  ...sampleCases(join(import.meta.dirname, 'cases'), 'case'),
  ...goldenCases(),
];

it('has samples and golden cases to check', () => {
  expect(cases.filter((c) => c.name.startsWith('sample')).length).toBeGreaterThanOrEqual(3);
  expect(cases.length).toBeGreaterThanOrEqual(20);
});

describe('ASL export of every sample and golden case', () => {
  for (const c of cases) {
    describe(c.name, () => {
      const compiled = compileWorkflow(c.definition);
      if (!compiled.ok) {
        it('is refused by the CLI, which validates first (the definition does not compile)', () => {
          expect(compiled.errors.length).toBeGreaterThan(0);
        });
        return;
      }
      const exported = exportToAsl(c.definition);
      const refusal = REFUSED[c.name.replace(/^golden /, '')];
      if (refusal !== undefined) {
        it(`is refused with ${refusal}, naming the nodes`, () => {
          expect(exported.ok).toBe(false);
          if (exported.ok) return;
          expect(exported.problems.map((p) => p.code)).toContain(refusal);
          expect(exported.problems.every((p) => p.node !== undefined)).toBe(true);
        });
        return;
      }
      it('exports', () => {
        expect(exported.ok ? [] : exported.problems).toEqual([]);
      });
      if (!exported.ok) return;
      const { machine, stateNames } = exported;

      it('passes asl-validator', () => {
        const result = aslValidator(structuredClone(machine));
        expect(result.isValid ? '' : result.errorsText('\n')).toBe('');
      });

      it('has only expressions that jsonata 2.0.6 parses, without $eval', () => {
        const found = expressions(machine);
        expect(found.length).toBeGreaterThan(0);
        for (const { at, text } of found) {
          expect(() => jsonata206(text), `${at}: ${text}`).not.toThrow();
          expect(text, at).not.toMatch(/\$eval\s*\(/);
        }
      });

      for (const run of c.runs) {
        it(`runs like the preview: ${run.label}`, async () => {
          const preview = await runWorkflow(compiled.workflow, run.input, run.options);
          if (preview.status === 'waiting') return;
          const mocks = mockTable(c.definition, stateNames, run.options, preview);
          const execution = await execute(machine, run.input, {
            mocks,
            clock: run.options.now ?? 0,
          });

          if (preview.status === 'succeeded') {
            expect(execution, `${execution.error ?? ''} ${execution.cause ?? ''}`).toMatchObject({
              status: 'SUCCEEDED',
            });
            expect(comparable(execution.output, executionPlatformMessages(execution))).toEqual(
              comparable(preview.output, previewPlatformMessages(preview)),
            );
          } else {
            expect(execution.status).toBe('FAILED');
            expect(engineCode(execution.error ?? '', preview.error?.code)).toBe(
              preview.error?.code,
            );
          }

          // A failure in one parallel branch cancels the others on AWS, at a
          // moment that depends on timing: for a failed run the states passed
          // must be nodes the preview ran, including the one that failed.
          const visited = new Set(execution.visited);
          for (const [id, result] of Object.entries(preview.nodes)) {
            const state = stateNames[id];
            if (state === undefined) continue;
            const ran = result.status === 'succeeded' || result.status === 'failed';
            const why = `node "${id}" (${result.status}) vs state "${state}"`;
            if (preview.status === 'succeeded' || !ran) expect(visited.has(state), why).toBe(ran);
          }
          const failedAt = preview.error?.node;
          if (failedAt !== undefined && stateNames[failedAt] !== undefined) {
            expect(visited.has(stateNames[failedAt] as string)).toBe(true);
          }
        });
      }
    });
  }
});
