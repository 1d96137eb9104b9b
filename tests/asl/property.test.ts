// Random acyclic workflows: the export never throws; what it exports passes
// asl-validator and runs on the reference executor exactly as the preview
// runs it; what it refuses, it refuses for a reason it documents.
import { createRequire } from 'node:module';
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { compileWorkflow, runWorkflow } from '../../engine/index.ts';
import { exportToAsl } from '../../engine/export/asl.ts';
import type {
  EdgeDefinition,
  Json,
  NodeDefinition,
  WorkflowDefinition,
} from '../../engine/types.ts';
import { execute } from './executor.ts';
import {
  comparable,
  engineCode,
  executionPlatformMessages,
  mockTable,
  previewPlatformMessages,
} from './mocks.ts';

const require = createRequire(import.meta.url);
const aslValidator = require('asl-validator') as (definition: unknown) => { isValid: boolean };

const REFUSALS = ['EXPORT_FAN_IN', 'EXPORT_PARALLEL_OUTPUT', 'EXPORT_SCOPE'];

type Kind =
  | 'transform'
  | 'condition'
  | 'switch'
  | 'merge'
  | 'output'
  | 'fail'
  | 'http'
  | 'map'
  | 'validate'
  | 'approval'
  | 'delay';

const PORTS: Record<Kind | 'trigger', string[]> = {
  trigger: ['out'],
  transform: ['out', 'error'],
  condition: ['true', 'false', 'error'],
  switch: ['big', 'small', 'default', 'error'],
  merge: ['out', 'error'],
  output: ['error'],
  fail: ['error'],
  http: ['out', 'error'],
  map: ['out', 'error'],
  validate: ['valid', 'invalid', 'error'],
  approval: ['approved', 'rejected', 'error'],
  delay: ['out'],
};

const MOCKS: Json[] = [
  { status: 200, headers: { 'content-type': 'application/json' }, body: { id: 42 } },
  { status: 503, body: 'busy' },
  { error: { code: 'ERP_DOWN', message: 'The ERP is down' } },
];

const node = fc.record({
  kind: fc.constantFrom<Kind>(
    'transform',
    'transform',
    'condition',
    'switch',
    'merge',
    'output',
    'fail',
    'http',
    'map',
    'validate',
    'approval',
    'delay',
  ),
  mock: fc.nat({ max: MOCKS.length - 1 }),
  retry: fc.boolean(),
  expression: fc.constantFrom('$ + 1', '$ * 2', '$ - 7', '$type($)', '$.value', '$count($)'),
  condition: fc.constantFrom('$ > 5', '$ % 2 = 0', '$', '$ = "x"'),
});

const graph = fc.array(node, { minLength: 1, maxLength: 7 }).chain((nodes) =>
  fc.record({
    nodes: fc.constant(nodes),
    // For each node: which earlier node and port feed it, and maybe a second source.
    wiring: fc.array(
      fc.record({
        source: fc.nat(),
        port: fc.nat(),
        extra: fc.option(fc.record({ source: fc.nat(), port: fc.nat() }), { freq: 3 }),
      }),
      { minLength: nodes.length, maxLength: nodes.length },
    ),
    input: fc.oneof(fc.integer({ min: -20, max: 20 }), fc.constant('x'), fc.constant(null)),
  }),
);

function build(g: {
  nodes: Array<{ kind: Kind; expression: string; condition: string; mock: number; retry: boolean }>;
  wiring: Array<{ source: number; port: number; extra: { source: number; port: number } | null }>;
}): WorkflowDefinition {
  const nodes: NodeDefinition[] = [{ id: 'n0', kind: 'trigger' }];
  const kinds: Array<Kind | 'trigger'> = ['trigger'];
  g.nodes.forEach((n, i) => {
    const id = `n${i + 1}`;
    kinds.push(n.kind);
    switch (n.kind) {
      case 'transform':
        nodes.push({ id, kind: 'transform', config: { expression: n.expression } });
        break;
      case 'condition':
        nodes.push({ id, kind: 'condition', config: { expression: n.condition } });
        break;
      case 'switch':
        nodes.push({
          id,
          kind: 'switch',
          config: {
            cases: [
              { port: 'big', expression: '$ > 10' },
              { port: 'small', expression: n.condition },
            ],
          },
        });
        break;
      case 'merge':
        nodes.push({ id, kind: 'merge' });
        break;
      case 'output':
        nodes.push({ id, kind: 'output', config: { expression: n.expression } });
        break;
      case 'fail':
        nodes.push({ id, kind: 'fail', config: { error: 'STOPPED', cause: '"stopped"' } });
        break;
      case 'http':
        nodes.push({
          id,
          kind: 'http',
          config: {
            method: 'POST',
            url: '"https://api.example.com/items"',
            body: '{ "value": $ }',
            mock: MOCKS[n.mock] as Json,
            ...(n.retry ? { retry: { maxAttempts: 2, intervalSeconds: 1, backoffRate: 2 } } : {}),
          },
        });
        break;
      case 'map':
        nodes.push({ id, kind: 'map', config: { items: '[$, 1]', expression: n.expression } });
        break;
      case 'validate':
        nodes.push({ id, kind: 'validate', config: { schema: { type: 'integer', minimum: 0 } } });
        break;
      case 'approval':
        nodes.push({ id, kind: 'approval', config: { message: '"Go on with " & $type($) & "?"' } });
        break;
      case 'delay':
        nodes.push({ id, kind: 'delay', config: { seconds: 5 } });
        break;
    }
  });
  const edges: EdgeDefinition[] = [];
  const seen = new Set<string>();
  const connect = (target: number, pick: { source: number; port: number }) => {
    const source = pick.source % target;
    const ports = PORTS[kinds[source] as Kind | 'trigger'];
    const port = ports[pick.port % ports.length] as string;
    const key = `${source}:${port}:${target}`;
    if (seen.has(key)) return;
    seen.add(key);
    edges.push({ source: `n${source}`, sourcePort: port, target: `n${target}` });
  };
  g.wiring.forEach((w, i) => {
    connect(i + 1, w);
    if (w.extra) connect(i + 1, w.extra);
  });
  return { format: 'weft/v1', id: 'random', name: 'Random', nodes, edges };
}

it('exports random workflows faithfully, or refuses them for a documented reason', async () => {
  let compared = 0;
  await fc.assert(
    fc.asyncProperty(graph, async (g) => {
      const definition = build(g);
      const compiled = compileWorkflow(definition);
      if (!compiled.ok) return;
      const exported = exportToAsl(definition);
      if (!exported.ok) {
        for (const p of exported.problems) expect(REFUSALS).toContain(p.code);
        return;
      }
      // asl-validator builds its schemas anew on every call (~0.3 s): the
      // first machines are enough to catch a shape it refuses.
      if (compared < 10) expect(aslValidator(structuredClone(exported.machine)).isValid).toBe(true);
      const preview = await runWorkflow(compiled.workflow, g.input as Json, {});
      const mocks = mockTable(definition, exported.stateNames, {}, preview);
      const execution = await execute(exported.machine, g.input as Json, { mocks, clock: 0 });
      compared++;
      if (preview.status === 'succeeded') {
        expect(execution.status).toBe('SUCCEEDED');
        expect(comparable(execution.output, executionPlatformMessages(execution))).toEqual(
          comparable(preview.output, previewPlatformMessages(preview)),
        );
        const visited = new Set(execution.visited);
        for (const [id, result] of Object.entries(preview.nodes)) {
          const ran = result.status === 'succeeded' || result.status === 'failed';
          expect(visited.has(exported.stateNames[id] as string), id).toBe(ran);
        }
      } else {
        // When parallel branches both fail, which failure ends the run is a
        // matter of timing on AWS: any of the preview's unhandled failures will do.
        expect(execution.status).toBe('FAILED');
        const failures = Object.values(preview.nodes)
          .filter((r) => r.status === 'failed' && r.port !== 'error')
          .map((r) => r.error?.code);
        expect(failures).toContain(engineCode(execution.error ?? '', undefined));
      }
    }),
    { numRuns: 300, seed: 20261121 },
  );
  expect(compared).toBeGreaterThan(100);
}, 120_000);
