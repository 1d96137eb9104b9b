// Property tests (fast-check): whatever graph, config or input a user or a
// stranger's file throws at the engine, compileWorkflow answers with
// diagnostics and runWorkflow with a run result; neither throws, and the same
// input always gives the same result.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileWorkflow, NODE_KINDS, runWorkflow } from '../engine/index.ts';
import type {
  Json,
  NodeDefinition,
  NodeKindName,
  RunOptions,
  RunResult,
  WorkflowDefinition,
} from '../engine/types.ts';

const SAMPLES = ['purchase-order', 'incident-triage', 'employee-onboarding', 'provision-accounts'];
const SAMPLE_TEXTS = SAMPLES.map((id) =>
  readFileSync(join(import.meta.dirname, '..', 'public/samples', `${id}.json`), 'utf8'),
);

// Expressions of every sort: fine ones, ones that fail at run time, and, less
// often so that most graphs still compile and run, ones compile refuses or
// that read another node (valid only when it is upstream).
const RUNNABLE = [
  '$',
  'x + 1',
  '$string($)',
  'amount > 10',
  '$count($)',
  '$sum(items.price)',
  'items[0]',
  '{ "wrapped": $, "at": $now() }',
  '$random()',
  '$input',
  'missing.field',
  '$error("boom")',
  '1 + "a"',
  '[1..3]',
  '$millis() + 1',
  '$exists(x) ? x : "none"',
];
const REFUSED_OR_REFERENCING = ['amount >', '$eval("1")', '$nodes.n1', '$nodes.n3.value'];

const MOCKS: Json[] = [
  { status: 200, headers: {}, body: { ok: true } },
  { status: 503, headers: {}, body: 'unavailable' },
  { error: { code: 'HTTP_ERROR', message: 'mocked failure' } },
  { text: 'a summary' },
  { error: { message: 'no code' } },
];

const SCHEMAS: Json[] = [
  { type: 'object' },
  { type: 'number', minimum: 3 },
  true,
  { required: ['x'] },
  { properties: { amount: { maximum: 100 } } },
  { type: 'nonsense' },
];

const KINDS: NodeKindName[] = NODE_KINDS.filter((kind) => kind !== 'trigger');

const PORTS: Record<NodeKindName, string[]> = {
  trigger: ['out'],
  transform: ['out'],
  condition: ['true', 'false'],
  switch: ['a', 'b', 'default'],
  map: ['out'],
  merge: ['out'],
  validate: ['valid', 'invalid'],
  http: ['out'],
  llm: ['out'],
  approval: ['approved', 'rejected'],
  delay: ['out'],
  subworkflow: ['out'],
  fail: [],
  output: [],
};

const expression = fc.oneof(
  { arbitrary: fc.constantFrom(...RUNNABLE), weight: 12 },
  { arbitrary: fc.constantFrom(...REFUSED_OR_REFERENCING), weight: 1 },
);

function configFor(kind: NodeKindName): fc.Arbitrary<Record<string, Json> | undefined> {
  switch (kind) {
    case 'transform':
    case 'condition':
      return fc.record({ expression });
    case 'switch':
      return fc.record({
        cases: fc.tuple(expression, expression).map(([a, b]) => [
          { port: 'a', expression: a },
          { port: 'b', expression: b },
        ]),
      });
    case 'map':
      return fc.record({ items: expression, expression });
    case 'validate':
      return fc.record({ schema: fc.constantFrom(...SCHEMAS) });
    case 'http':
      return fc.record(
        {
          method: fc.constantFrom('GET', 'POST'),
          url: fc.constantFrom('"https://api.example.com"', 'missing.url'),
          body: expression,
          mock: fc.constantFrom(...MOCKS),
          retry: fc.record({ maxAttempts: fc.integer({ min: 0, max: 3 }) }),
        },
        { requiredKeys: ['method', 'url'] },
      );
    case 'llm':
      return fc.record(
        { prompt: expression, mock: fc.constantFrom(...MOCKS) },
        { requiredKeys: ['prompt'] },
      );
    case 'approval':
      return fc.option(fc.record({ message: expression }), { nil: undefined });
    case 'delay':
      return fc.record({ seconds: fc.oneof(fc.constantFrom(0, 5, 3600), expression) });
    case 'subworkflow':
      return fc.record({ workflow: fc.constantFrom('child', 'missing', 'random') });
    case 'fail':
      return fc.record({ error: fc.constantFrom('BOOM', 'ORDER_BLOCKED'), cause: expression });
    case 'output':
      return fc.option(fc.record({ expression }), { nil: undefined });
    default:
      return fc.constant(undefined);
  }
}

interface DraftNode {
  kind: NodeKindName;
  config: Record<string, Json> | undefined;
  /** Incoming edges: [earlier node index, index into its ports plus `error`]. */
  sources: [number, number][];
}

const draftNode = fc.constantFrom(...KINDS).chain((kind) =>
  fc.record({
    kind: fc.constant(kind),
    config: configFor(kind),
    sources: fc.array(fc.tuple(fc.nat(), fc.nat()), { minLength: 1, maxLength: 3 }),
  }),
);

/** Random acyclic graphs: node i only takes edges from nodes before it. */
const definitionArb = fc.array(draftNode, { minLength: 1, maxLength: 10 }).map((drafts) => {
  const nodes: NodeDefinition[] = [{ id: 'n0', kind: 'trigger' }];
  const kinds: NodeKindName[] = ['trigger'];
  const edges: { source: string; sourcePort: string; target: string }[] = [];
  const seen = new Set<string>();
  drafts.forEach((draft: DraftNode, k) => {
    const id = `n${k + 1}`;
    const node: NodeDefinition = { id, kind: draft.kind };
    if (draft.config) node.config = draft.config;
    nodes.push(node);
    for (const [from, port] of draft.sources) {
      const source = from % (k + 1);
      const ports = [...PORTS[kinds[source] as NodeKindName], 'error'];
      const sourcePort = ports[port % ports.length] as string;
      const key = `${source}/${sourcePort}`;
      if (seen.has(`${key}->${id}`)) continue;
      seen.add(`${key}->${id}`);
      edges.push({ source: `n${source}`, sourcePort, target: id });
    }
    kinds.push(draft.kind);
  });
  const definition: WorkflowDefinition = {
    format: 'weft/v1',
    id: 'random',
    name: 'random graph',
    nodes,
    edges,
  };
  return definition;
});

const CHILD: WorkflowDefinition = {
  format: 'weft/v1',
  id: 'child',
  name: 'child',
  nodes: [
    { id: 'start', kind: 'trigger' },
    { id: 'out', kind: 'output', config: { expression: '{ "child": $ }' } },
  ],
  edges: [{ source: 'start', target: 'out' }],
};

const optionsArb = fc.record({
  decisions: fc.dictionary(
    fc.constantFrom('n1', 'n2', 'n3', 'n4', 'n5'),
    fc.constantFrom('approved' as const, 'rejected' as const),
  ),
  seed: fc.integer({ min: 0, max: 1000 }),
  now: fc.integer({ min: 0, max: 4_000_000_000_000 }),
});

const inputArb = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json>,
  fc.record({
    x: fc.integer(),
    amount: fc.double({ noNaN: true, noDefaultInfinity: true }),
    items: fc.array(fc.record({ price: fc.integer() }), { maxLength: 4 }),
  }) as fc.Arbitrary<Json>,
);

function withoutDurations(result: RunResult): unknown {
  return JSON.parse(
    JSON.stringify(result, (key, value: unknown) => (key === 'durationMs' ? undefined : value)),
  );
}

async function runTwice(definition: unknown, input: Json, options: RunOptions): Promise<void> {
  const compiled = compileWorkflow(definition);
  expect(typeof compiled.ok).toBe('boolean');
  const again = compileWorkflow(structuredClone(definition));
  expect([again.errors, again.warnings]).toEqual([compiled.errors, compiled.warnings]);
  if (!compiled.ok) {
    expect(compiled.errors.length).toBeGreaterThan(0);
    return;
  }
  const resolveWorkflow = (id: string) =>
    id === 'child' ? CHILD : id === 'random' ? (definition as WorkflowDefinition) : undefined;
  const first = await runWorkflow(compiled.workflow, input, { ...options, resolveWorkflow });
  const second = await runWorkflow(compiled.workflow, input, { ...options, resolveWorkflow });
  expect(['succeeded', 'failed', 'waiting']).toContain(first.status);
  expect(withoutDurations(second)).toEqual(withoutDurations(first));
  // The output is JSON: it survives a round trip, but for -0, which JSON
  // writes as 0 (an input of -0 passed through, as JSON.parse('-0') gives).
  expect(JSON.parse(JSON.stringify(first.output))).toEqual(withoutNegativeZero(first.output));
}

/** `value` with every -0 written as 0. */
function withoutNegativeZero(value: unknown): unknown {
  if (Object.is(value, -0)) return 0;
  if (Array.isArray(value)) return value.map(withoutNegativeZero);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value).map(([key, member]) => [key, withoutNegativeZero(member)]),
    );
  }
  return value;
}

describe('random acyclic graphs', () => {
  it('never make compile or run throw, and give the same result for the same input', async () => {
    await fc.assert(
      fc.asyncProperty(definitionArb, inputArb, optionsArb, (definition, input, options) =>
        runTwice(definition, input, options),
      ),
      { numRuns: 200 },
    );
  });

  it('run deterministically in live mode too when only approvals wait', async () => {
    // Live mode with no fetch in reach: every network node is swapped for an approval.
    const liveSafe = definitionArb.map((definition) => ({
      ...definition,
      nodes: definition.nodes.map((node) =>
        node.kind === 'http' || node.kind === 'llm' || node.kind === 'delay'
          ? { id: node.id, kind: 'approval' as const }
          : node,
      ),
    }));
    await fc.assert(
      fc.asyncProperty(liveSafe, inputArb, (definition, input) =>
        runTwice(definition, input, { mode: 'live', now: 0 }),
      ),
      { numRuns: 50 },
    );
  });
});

describe('mutated sample definitions (fuzzing)', () => {
  const byteMutation = fc.record({
    sample: fc.nat({ max: SAMPLES.length - 1 }),
    edits: fc.array(
      fc.record({
        at: fc.nat(),
        remove: fc.nat({ max: 8 }),
        insert: fc.constantFrom(
          '',
          '{',
          '}',
          '[',
          ']',
          '"',
          ',',
          ':',
          '0',
          '-1e999',
          'null',
          '\\',
          'é',
        ),
      }),
      { minLength: 1, maxLength: 4 },
    ),
  });

  it('never crash compileWorkflow on byte-level mutations', () => {
    let parsed = 0;
    fc.assert(
      fc.property(byteMutation, ({ sample, edits }) => {
        let text = SAMPLE_TEXTS[sample] as string;
        for (const edit of edits) {
          const at = edit.at % (text.length + 1);
          text = text.slice(0, at) + edit.insert + text.slice(at + edit.remove);
        }
        let value: unknown;
        try {
          value = JSON.parse(text);
        } catch {
          return;
        }
        parsed++;
        const compiled = compileWorkflow(value);
        expect(typeof compiled.ok).toBe('boolean');
      }),
      { numRuns: 400 },
    );
    // The mutations must reach the compiler often enough to mean something.
    expect(parsed).toBeGreaterThan(20);
  });

  it('never crash compile or run when a value anywhere is replaced by random JSON', async () => {
    const structural = fc.record({
      sample: fc.nat({ max: SAMPLES.length - 1 }),
      pick: fc.nat(),
      value: fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>,
    });
    await fc.assert(
      fc.asyncProperty(structural, async ({ sample, pick, value }) => {
        const definition = JSON.parse(SAMPLE_TEXTS[sample] as string) as Json;
        const slots: { parent: Json[] | Record<string, Json>; key: string | number }[] = [];
        const walk = (node: Json): void => {
          if (Array.isArray(node)) {
            node.forEach((child, i) => {
              slots.push({ parent: node, key: i });
              walk(child);
            });
          } else if (typeof node === 'object' && node !== null) {
            for (const [key, child] of Object.entries(node)) {
              slots.push({ parent: node, key });
              walk(child);
            }
          }
        };
        walk(definition);
        const slot = slots[pick % slots.length];
        if (slot) (slot.parent as Record<string | number, Json>)[slot.key] = value;
        const samples = (definition as { input?: { samples?: { data?: Json }[] } }).input?.samples;
        const input = Array.isArray(samples) ? (samples[0]?.data ?? null) : null;
        await runTwice(definition, input, {});
      }),
      { numRuns: 200 },
    );
  });
});
