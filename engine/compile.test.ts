import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { WorkflowPlan } from './compile.ts';
import { compileWorkflow, nodeKinds, outPortsOf, runWorkflow } from './index.ts';
import type {
  CompileResult,
  Diagnostic,
  DiagnosticCode,
  JsonObject,
  WorkflowDefinition,
} from './index.ts';
import { defineWorkflow } from './util/define.ts';

function problems(definition: unknown): Diagnostic[] {
  const result = compileWorkflow(definition);
  return [...result.errors, ...result.warnings];
}

function only(definition: unknown, code: DiagnosticCode): Diagnostic[] {
  return problems(definition).filter((d) => d.code === code);
}

const basic = (): WorkflowDefinition =>
  defineWorkflow(
    [
      ['start', 'trigger'],
      ['double', 'transform', { expression: 'value * 2' }],
      ['done', 'output'],
    ],
    ['start -> double', 'double -> done'],
  );

describe('compileWorkflow', () => {
  it('compiles a valid workflow into a topological order', () => {
    const result = compileWorkflow(basic());
    expect(result.ok).toBe(true);
    expect(result.errors).toEqual([]);
    if (result.ok) expect(result.workflow.order).toEqual(['start', 'double', 'done']);
  });

  it('never throws, whatever it is given', () => {
    for (const input of [null, 42, 'text', [], {}, { format: 'weft/v1' }, { nodes: 'x' }]) {
      const result = compileWorkflow(input);
      expect(result.ok).toBe(false);
      expect(result.errors[0]?.code).toBe('SCHEMA_INVALID');
    }
  });

  describe('SCHEMA_INVALID', () => {
    it('points at a missing format and an unknown top-level field', () => {
      const { format: _format, ...rest } = basic();
      const found = only({ ...rest, extra: 1 }, 'SCHEMA_INVALID');
      expect(found.map((d) => d.path).sort()).toEqual(['/extra', '/format']);
      expect(found.every((d) => d.severity === 'error')).toBe(true);
    });

    it('rejects another format and a bad node id with their paths', () => {
      const definition = { ...basic(), format: 'weft/v2' };
      (definition.nodes[1] as { id: string }).id = '2bad';
      const paths = only(definition, 'SCHEMA_INVALID').map((d) => d.path);
      expect(paths).toContain('/format');
      expect(paths).toContain('/nodes/1/id');
    });

    it('rejects unknown fields on nodes and edges', () => {
      const definition = basic() as unknown as {
        nodes: Record<string, unknown>[];
        edges: Record<string, unknown>[];
      };
      (definition.nodes[0] as Record<string, unknown>).colour = 'red';
      (definition.edges[0] as Record<string, unknown>).weight = 2;
      const paths = only(definition, 'SCHEMA_INVALID').map((d) => d.path);
      expect(paths).toEqual(expect.arrayContaining(['/nodes/0/colour', '/edges/0/weight']));
    });
  });

  it('DUPLICATE_ID: points at the second node with the id', () => {
    const definition = basic();
    definition.nodes.push({ id: 'double', kind: 'transform', config: { expression: '1' } });
    const [found] = only(definition, 'DUPLICATE_ID');
    expect(found).toMatchObject({ path: '/nodes/3/id', node: 'double', severity: 'error' });
    expect(found?.message).toContain('"double"');
  });

  it('UNKNOWN_NODE: an edge to or from a node that does not exist', () => {
    const definition = basic();
    definition.edges.push(
      { source: 'double', target: 'ghost' },
      { source: 'nobody', target: 'done' },
    );
    const found = only(definition, 'UNKNOWN_NODE');
    expect(found.map((d) => d.path)).toEqual(['/edges/2/target', '/edges/3/source']);
    expect(found[0]?.message).toContain('"ghost"');
  });

  describe('UNKNOWN_PORT', () => {
    it('a source port the kind does not have, with the ports it has', () => {
      const definition = basic();
      definition.edges[1] = { source: 'double', sourcePort: 'true', target: 'done' };
      const [found] = only(definition, 'UNKNOWN_PORT');
      expect(found?.path).toBe('/edges/1/sourcePort');
      expect(found?.message).toContain('"out", "error"');
    });

    it('an edge into the trigger, which has no input', () => {
      const definition = basic();
      definition.edges.push({ source: 'double', target: 'start' });
      expect(only(definition, 'UNKNOWN_PORT')[0]?.path).toBe('/edges/2/target');
    });

    it("switch ports come from the node's cases", () => {
      const definition = defineWorkflow(
        [
          ['start', 'trigger'],
          ['route', 'switch', { cases: [{ port: 'high', expression: 'level > 3' }] }],
          ['a', 'output'],
          ['b', 'output'],
          ['c', 'output'],
        ],
        ['start -> route', 'route.high -> a', 'route.default -> b', 'route.low -> c'],
      );
      const found = only(definition, 'UNKNOWN_PORT');
      expect(found.map((d) => d.path)).toEqual(['/edges/3/sourcePort']);
    });
  });

  it('DUPLICATE_EDGE: the same port wired twice to the same target', () => {
    const definition = basic();
    definition.edges.push({ source: 'start', target: 'double' });
    expect(only(definition, 'DUPLICATE_EDGE')).toMatchObject([{ path: '/edges/2' }]);
  });

  describe('TRIGGER_COUNT', () => {
    it('no trigger', () => {
      const definition = basic();
      definition.nodes[0] = { id: 'start', kind: 'transform', config: { expression: '$' } };
      expect(only(definition, 'TRIGGER_COUNT')).toMatchObject([{ path: '/nodes' }]);
    });

    it('two triggers: the second is reported', () => {
      const definition = basic();
      definition.nodes.push({ id: 'again', kind: 'trigger' });
      expect(only(definition, 'TRIGGER_COUNT')).toMatchObject([
        { path: '/nodes/3', node: 'again' },
      ]);
    });
  });

  it('CYCLE: names the nodes on the cycle in order', () => {
    const definition = defineWorkflow(
      [
        ['start', 'trigger'],
        ['a', 'transform', { expression: '$' }],
        ['b', 'transform', { expression: '$' }],
        ['c', 'transform', { expression: '$' }],
      ],
      ['start -> a', 'a -> b', 'b -> c', 'c -> a'],
    );
    const [found] = only(definition, 'CYCLE');
    expect(found?.message).toContain('"a" -> "b" -> "c" -> "a"');
    expect(found?.node).toBe('a');
  });

  describe('CONFIG_INVALID', () => {
    it('a missing expression, with its path', () => {
      const definition = basic();
      definition.nodes[1] = { id: 'double', kind: 'transform', config: {} };
      expect(only(definition, 'CONFIG_INVALID')).toMatchObject([
        { path: '/nodes/1/config/expression', node: 'double' },
      ]);
    });

    it('a wrong type deep inside the config', () => {
      const definition = basic();
      definition.nodes[1] = {
        id: 'double',
        kind: 'http',
        config: { url: '"https://x"', retry: { maxAttempts: 'three' } },
      };
      expect(only(definition, 'CONFIG_INVALID')[0]?.path).toBe('/nodes/1/config/retry/maxAttempts');
    });

    it('two switch cases with the same port', () => {
      const definition = defineWorkflow(
        [
          ['start', 'trigger'],
          [
            'route',
            'switch',
            {
              cases: [
                { port: 'x', expression: 'true' },
                { port: 'x', expression: 'false' },
              ],
            },
          ],
        ],
        ['start -> route'],
      );
      expect(only(definition, 'CONFIG_INVALID')).toMatchObject([
        { path: '/nodes/1/config/cases/1/port' },
      ]);
    });
  });

  it('EXPRESSION_SYNTAX: with the position inside the expression', () => {
    const definition = basic();
    definition.nodes[1] = { id: 'double', kind: 'transform', config: { expression: 'value * (2' } };
    const [found] = only(definition, 'EXPRESSION_SYNTAX');
    expect(found).toMatchObject({ path: '/nodes/1/config/expression', node: 'double' });
    expect(typeof found?.position).toBe('number');
  });

  it('EXPRESSION_SYNTAX: in a switch case, at that case', () => {
    const definition = defineWorkflow(
      [
        ['start', 'trigger'],
        ['route', 'switch', { cases: [{ port: 'x', expression: 'a = = b' }] }],
      ],
      ['start -> route'],
    );
    expect(only(definition, 'EXPRESSION_SYNTAX')[0]?.path).toBe(
      '/nodes/1/config/cases/0/expression',
    );
  });

  it('EXPRESSION_UNSUPPORTED: $eval is refused, with its position', () => {
    const definition = basic();
    definition.nodes[1] = {
      id: 'double',
      kind: 'transform',
      config: { expression: '1 + $eval("2")' },
    };
    expect(only(definition, 'EXPRESSION_UNSUPPORTED')).toMatchObject([
      { path: '/nodes/1/config/expression', position: 4 },
    ]);
  });

  describe('NODE_REFERENCE', () => {
    const branches = (expression: string) =>
      defineWorkflow(
        [
          ['start', 'trigger'],
          ['left', 'transform', { expression: '1' }],
          ['right', 'transform', { expression }],
        ],
        ['start -> left', 'start -> right'],
      );

    it('accepts a node upstream', () => {
      expect(only(branches('$nodes.start.value'), 'NODE_REFERENCE')).toEqual([]);
    });

    it('refuses a node on a parallel branch', () => {
      const [found] = only(branches('1 + $nodes.left'), 'NODE_REFERENCE');
      expect(found).toMatchObject({
        path: '/nodes/2/config/expression',
        node: 'right',
        position: 4,
      });
      expect(found?.message).toContain('not upstream');
    });

    it('refuses a node that does not exist and the node itself', () => {
      expect(only(branches('$nodes.nobody'), 'NODE_REFERENCE')[0]?.message).toContain(
        'no node has the id "nobody"',
      );
      expect(only(branches('$nodes.right'), 'NODE_REFERENCE')[0]?.message).toContain(
        'its own output',
      );
    });
  });

  it('INPUT_SCHEMA_INVALID: an input schema that does not compile', () => {
    const definition = { ...basic(), input: { schema: { type: 'numberish' } } };
    expect(only(definition, 'INPUT_SCHEMA_INVALID')).toMatchObject([{ path: '/input/schema' }]);
  });

  it("SCHEMA_COMPILE: a validate node's schema that does not compile", () => {
    const definition = basic();
    definition.nodes[1] = {
      id: 'double',
      kind: 'validate',
      config: { schema: { type: 'object', minProperties: -1 } },
    };
    definition.edges[1] = { source: 'double', sourcePort: 'valid', target: 'done' };
    expect(only(definition, 'SCHEMA_COMPILE')).toMatchObject([
      { path: '/nodes/1/config/schema', node: 'double' },
    ]);
  });

  it('SAMPLE_INVALID: a warning naming the sample; the workflow still compiles', () => {
    const definition = {
      ...basic(),
      input: {
        schema: { type: 'object', required: ['value'] },
        samples: [
          { name: 'fine', data: { value: 1 } },
          { name: 'broken', data: {} },
        ],
      },
    };
    const result = compileWorkflow(definition);
    expect(result.ok).toBe(true);
    expect(result.warnings).toMatchObject([
      { code: 'SAMPLE_INVALID', severity: 'warning', path: '/input/samples/1/data' },
    ]);
    expect(result.warnings[0]?.message).toContain('"broken"');
    expect(result.warnings[0]?.message).toContain('/value');
  });

  it('UNREACHABLE: a warning for a node no path from the trigger reaches', () => {
    const definition = basic();
    definition.nodes.push({ id: 'island', kind: 'transform', config: { expression: '1' } });
    const result = compileWorkflow(definition);
    expect(result.ok).toBe(true);
    expect(result.warnings).toMatchObject([
      { code: 'UNREACHABLE', path: '/nodes/3', node: 'island', severity: 'warning' },
    ]);
  });

  it('reports every problem at once, not only the first', () => {
    const definition = basic();
    definition.nodes.push({ id: 'double', kind: 'trigger' });
    definition.edges.push({ source: 'ghost', target: 'done' });
    const codes = problems(definition).map((d) => d.code);
    expect(codes).toEqual(
      expect.arrayContaining(['DUPLICATE_ID', 'TRIGGER_COUNT', 'UNKNOWN_NODE']),
    );
  });
});

describe('nodeKinds and outPortsOf', () => {
  it('describes every kind once, with its palette label and a default config it accepts', () => {
    expect(nodeKinds.map((k) => k.kind).sort()).toEqual(
      [
        'approval',
        'condition',
        'delay',
        'fail',
        'http',
        'llm',
        'map',
        'merge',
        'output',
        'subworkflow',
        'switch',
        'transform',
        'trigger',
        'validate',
      ].sort(),
    );
    for (const info of nodeKinds) {
      expect(info.label).toMatch(/^[A-Z]/);
      if (info.kind === 'trigger' || info.kind === 'subworkflow') continue;
      const definition = defineWorkflow(
        [
          ['start', 'trigger'],
          ['node', info.kind, info.defaultConfig],
        ],
        ['start -> node'],
      );
      expect(problems(definition).filter((d) => d.severity === 'error')).toEqual([]);
    }
  });

  it('lists out ports with error last; switch ports follow its cases', () => {
    expect(outPortsOf({ id: 'c', kind: 'condition' })).toEqual(['true', 'false', 'error']);
    expect(outPortsOf({ id: 'o', kind: 'output' })).toEqual(['error']);
    expect(
      outPortsOf({
        id: 's',
        kind: 'switch',
        config: {
          cases: [
            { port: 'high', expression: 'x > 5' },
            { port: 'low', expression: 'x < 2' },
          ],
        },
      }),
    ).toEqual(['high', 'low', 'default', 'error']);
    expect(
      outPortsOf({ id: 's', kind: 'switch', config: { cases: [{ port: 'half' }, 'junk'] } }),
    ).toEqual(['default', 'error']);
  });
});

describe('compileWorkflow with previous: the top level edited (samples, name, description, input schema)', () => {
  // Typing into the input sample changes the definition on every keystroke;
  // the plan does not depend on it, and the result must be a whole compile's.
  const purchaseOrder = JSON.parse(
    readFileSync(new URL('../public/samples/purchase-order.json', import.meta.url), 'utf8'),
  ) as WorkflowDefinition;
  // With a node the trigger cannot reach: its warning comes after the samples'.
  const definition: WorkflowDefinition = {
    ...purchaseOrder,
    nodes: [
      ...purchaseOrder.nodes,
      { id: 'island', kind: 'transform', config: { expression: '1' } },
    ],
  };
  const samples = definition.input?.samples ?? [];
  const withSamples = (next: unknown[]): WorkflowDefinition =>
    ({ ...definition, input: { ...definition.input, samples: next } }) as WorkflowDefinition;

  const outcome = async (result: CompileResult, edited: WorkflowDefinition) => {
    if (!result.ok) return { errors: result.errors, warnings: result.warnings };
    const runs = [];
    for (const sample of edited.input?.samples ?? []) {
      const run = await runWorkflow(result.workflow, sample.data);
      runs.push(JSON.parse(JSON.stringify(run, (k, v: unknown) => (k === 'durationMs' ? 0 : v))));
    }
    return { warnings: result.warnings, runs };
  };

  it('keeps the plan and reports what a whole compile reports', async () => {
    const first = compileWorkflow(definition);
    if (!first.ok) throw new Error('sample does not compile');
    const previous = first.workflow as WorkflowPlan;
    const firstData = samples[0]?.data as JsonObject;
    const kept = [
      // A price typed into the first sample.
      withSamples([
        { ...samples[0], data: { ...firstData, vendor: 'Contoso Furniture' } },
        ...samples.slice(1),
      ]),
      // A sample the input schema refuses, then one more.
      withSamples([{ name: 'empty', data: {} }, ...samples]),
      withSamples([...samples, { name: 'no items', data: { ...firstData, items: [] } }]),
      withSamples([]),
      { ...definition, name: 'Purchase orders, renamed' },
      { ...definition, description: 'Another description' },
      // The same input schema in another object, as the worker gets it from a message.
      { ...definition, input: structuredClone(definition.input) },
    ] as WorkflowDefinition[];
    for (const edited of kept) {
      const incremental = compileWorkflow(edited, { previous });
      const label = JSON.stringify(edited).slice(0, 80);
      expect(await outcome(incremental, edited), label).toEqual(
        await outcome(compileWorkflow(edited), edited),
      );
      expect(incremental.ok && (incremental.workflow as WorkflowPlan).nodes, label).toBe(
        previous.nodes,
      );
    }
    const refused = await outcome(
      compileWorkflow(kept[1] as WorkflowDefinition, { previous }),
      kept[1] as WorkflowDefinition,
    );
    expect(refused.warnings?.map((w) => `${w.code} ${w.path}`)).toEqual([
      'SAMPLE_INVALID /input/samples/0/data',
      'UNREACHABLE /nodes/10',
    ]);
    // Without an input schema, as the samples of a workflow often come.
    const bare = { ...definition, input: { samples } } as WorkflowDefinition;
    const bareFirst = compileWorkflow(bare);
    if (!bareFirst.ok) throw new Error('invalid');
    const typed = { ...bare, input: { samples: [{ name: 'x', data: 5 }] } } as WorkflowDefinition;
    const bareTyped = compileWorkflow(typed, { previous: bareFirst.workflow });
    expect(bareTyped.ok && (bareTyped.workflow as WorkflowPlan).nodes).toBe(
      (bareFirst.workflow as WorkflowPlan).nodes,
    );
    expect(await outcome(bareTyped, typed)).toEqual(await outcome(compileWorkflow(typed), typed));
    // And back: the plan of an edited sample serves the next edit.
    const edited = compileWorkflow(kept[1] as WorkflowDefinition, { previous });
    if (!edited.ok) throw new Error('invalid');
    const back = compileWorkflow(definition, { previous: edited.workflow });
    expect(back.warnings).toEqual(first.warnings);
  });

  it('compiles a new input schema for the trigger alone, keeping every other node', async () => {
    const first = compileWorkflow(definition);
    if (!first.ok) throw new Error('sample does not compile');
    const previous = first.workflow as WorkflowPlan;
    const schemas = [
      // Stricter: no sample has a budget code, so every trigger fails.
      {
        ...(definition.input?.schema as JsonObject),
        required: ['requester', 'vendor', 'items', 'budgetCode'],
      },
      // Looser, and gone.
      { type: 'object' },
      undefined,
    ];
    for (const schema of schemas) {
      const edited = {
        ...definition,
        input: schema === undefined ? { samples } : { ...definition.input, schema },
      } as WorkflowDefinition;
      const label = JSON.stringify(schema);
      const result = compileWorkflow(edited, { previous });
      expect(await outcome(result, edited), label).toEqual(
        await outcome(compileWorkflow(edited), edited),
      );
      if (!result.ok) throw new Error(label);
      const nodes = (result.workflow as WorkflowPlan).nodes;
      expect(
        nodes.filter((n) => !previous.nodes.includes(n)).map((n) => n.id),
        label,
      ).toEqual(['start']);
      // The next run re-runs the trigger; where it comes out the same, the
      // rest is reused.
      const sample = samples[1]?.data ?? null;
      const before = await runWorkflow(previous, sample);
      const again = await runWorkflow(result.workflow, sample, { previous: before });
      expect(again.nodes['start']?.reused, label).toBeUndefined();
      const passes = again.nodes['start']?.status === 'succeeded';
      expect(passes, label).toBe(schema !== schemas[0]);
      expect(again.nodes['total']?.reused, label).toBe(passes ? true : undefined);
    }
  });

  it('compiles the whole definition when a sample is malformed, the schema does not compile, or the id or format changed', async () => {
    const first = compileWorkflow(definition);
    if (!first.ok) throw new Error('sample does not compile');
    const previous = first.workflow as WorkflowPlan;
    const whole = [
      withSamples([{ data: {} }]),
      withSamples([{ name: '', data: {} }]),
      withSamples([{ name: 'x', data: {}, colour: 'red' }]),
      withSamples('not a list' as unknown as unknown[]),
      { ...definition, input: { ...definition.input, schema: { type: 'nope' } } },
      { ...definition, input: { ...definition.input, schema: { $ref: '#/nowhere' } } },
      { ...definition, id: 'purchase-order-2' },
      { ...definition, name: 5 },
      { ...definition, colour: 'red' },
    ] as unknown as WorkflowDefinition[];
    for (const edited of whole) {
      const label = JSON.stringify(edited).slice(0, 120);
      const result = compileWorkflow(edited, { previous });
      expect(await outcome(result, edited), label).toEqual(
        await outcome(compileWorkflow(edited), edited),
      );
      // Not the top level's shortcut, which keeps the previous plan's nodes
      // list itself (a whole compile still keeps the nodes it recognises).
      if (result.ok)
        expect((result.workflow as WorkflowPlan).nodes, label).not.toBe(previous.nodes);
    }
  });
});

/** The definition of a bundled sample (public/samples/). */
const bundledSample = (name: string) =>
  JSON.parse(
    readFileSync(new URL(`../public/samples/${name}.json`, import.meta.url), 'utf8'),
  ) as WorkflowDefinition;

/**
 * What a compile gives a user: its problems, or its warnings and a run of
 * each of the definition's samples (durations zeroed).
 */
async function sampleOutcome(result: CompileResult, definition: WorkflowDefinition) {
  if (!result.ok) return { errors: result.errors, warnings: result.warnings };
  const runs = [];
  for (const sample of definition.input?.samples ?? [{ name: 'none', data: null }]) {
    const run = await runWorkflow(result.workflow, sample.data, {
      resolveWorkflow: () => undefined,
    });
    runs.push(JSON.parse(JSON.stringify(run, (k, v: unknown) => (k === 'durationMs' ? 0 : v))));
  }
  return { warnings: result.warnings, runs };
}

describe('compileWorkflow with previous: one edited node compiled alone', () => {
  // The editor's worker compiles on every keystroke with the last plan as
  // `previous`. Whatever path it takes, the result must be a whole compile's.
  const samples = ['purchase-order', 'incident-triage', 'employee-onboarding'].map(bundledSample);
  const outcome = sampleOutcome;

  /** The definition with node `i` replaced (a new object, as a patch makes it). */
  const withNode = (definition: WorkflowDefinition, i: number, config: JsonObject) => ({
    ...definition,
    nodes: definition.nodes.map((n, j) => (j === i ? { ...n, config } : n)),
  });

  const edits = (source: string): string[] => [
    `(${source})`,
    `${source} ~> $string()`,
    `$nodes.nowhere`,
    `${source} +`,
    `$nodes.start`,
    // Mid-typing: a bracket not closed yet, and a call of no function.
    `{ "x": ${source}`,
    `${source} ~> $nosuch(`,
  ];

  it('gives what a whole compile gives, for every expression of every sample edited seven ways', async () => {
    let alone = 0;
    for (const definition of samples) {
      const first = compileWorkflow(definition);
      if (!first.ok) throw new Error('sample does not compile');
      for (const [i, node] of definition.nodes.entries()) {
        const expression = node.config?.['expression'];
        if (typeof expression !== 'string') continue;
        for (const source of edits(expression)) {
          const edited = withNode(definition, i, { ...node.config, expression: source });
          const incremental = compileWorkflow(edited, { previous: first.workflow });
          const whole = compileWorkflow(edited);
          expect(await outcome(incremental, edited), `${node.id}: ${source}`).toEqual(
            await outcome(whole, edited),
          );
          if (incremental.ok) {
            const shared = (incremental.workflow as WorkflowPlan).nodes.filter((n) =>
              (first.workflow as WorkflowPlan).nodes.includes(n),
            );
            if (shared.length === definition.nodes.length - 1) alone++;
          }
        }
      }
    }
    // Most valid edits took the one-node path (the rest are errors, compiled whole).
    expect(alone).toBeGreaterThan(10);
  });

  it('reports an edited node of the wrong shape as a whole compile does, never taking it alone', () => {
    const definition = basic();
    const first = compileWorkflow(definition);
    if (!first.ok) throw new Error('invalid');
    const bad = [
      { label: 5 },
      { colour: 'red' },
      { id: 'not an id' },
      { id: '__proto__' },
      { kind: 'teleport' },
      { position: { x: 1 } },
      { config: [] },
    ];
    for (const change of bad) {
      const edited = {
        ...definition,
        nodes: definition.nodes.map((n, j) => (j === 1 ? { ...n, ...change } : n)),
      } as WorkflowDefinition;
      const alone = compileWorkflow(edited, { previous: first.workflow });
      const whole = compileWorkflow(edited);
      expect(alone.ok, JSON.stringify(change)).toBe(false);
      expect(alone.errors, JSON.stringify(change)).toEqual(whole.errors);
      expect(
        alone.errors.some((e) => e.path.startsWith('/nodes/1')),
        JSON.stringify(change),
      ).toBe(true);
    }
  });

  it('compiles the whole definition when more than one node or a port changed', () => {
    const definition = basic();
    const first = compileWorkflow(definition);
    if (!first.ok) throw new Error('invalid');
    const previous = first.workflow as WorkflowPlan;
    // Every node a new object: nothing is recognised, nothing is kept.
    const twoNodes = {
      ...definition,
      nodes: definition.nodes.map((n) => ({ ...n })),
    };
    const result = compileWorkflow(twoNodes, { previous });
    expect(result.ok).toBe(true);
    if (result.ok) {
      const nodes = (result.workflow as WorkflowPlan).nodes;
      expect(nodes.some((n) => previous.nodes.includes(n))).toBe(false);
    }
    // A switch whose cases change its ports: its edges may now be wrong.
    const routed = defineWorkflow(
      [
        ['start', 'trigger'],
        ['route', 'switch', { cases: [{ port: 'a', expression: 'x = 1' }] }],
        ['done', 'output'],
      ],
      ['start -> route', 'route.a -> done'],
    );
    const firstRouted = compileWorkflow(routed);
    if (!firstRouted.ok) throw new Error('invalid');
    const renamed = withNode(routed, 1, { cases: [{ port: 'b', expression: 'x = 1' }] });
    const stale = compileWorkflow(renamed, { previous: firstRouted.workflow });
    expect(stale.ok).toBe(false);
    expect(stale.errors).toEqual(compileWorkflow(renamed).errors);
  });
});

describe('compileWorkflow with previous: the graph edited (edges, ports, nodes added or removed)', () => {
  // A whole compile, but a node that is the previous definition's very object
  // keeps what the previous plan made of it. The result must be a whole
  // compile's all the same.
  const samples = [
    'purchase-order',
    'incident-triage',
    'employee-onboarding',
    'provision-accounts',
  ].map(bundledSample);

  /** What the runner reads of a plan, ids and run positions included, without object identity. */
  const planOf = (result: CompileResult) =>
    result.ok
      ? (result.workflow as WorkflowPlan).nodes.map((n) => ({
          id: n.id,
          definitionIndex: n.definitionIndex,
          ports: n.ports,
          wiring: n.wiring,
          signature: n.signature,
          inSources: [...n.inSources],
          inPorts: [...n.inPorts],
          reads: [...n.reads],
          cleanSource: n.cleanSource,
          handlesErrors: n.handlesErrors,
          light: n.light,
          readsInput: n.readsInput,
          direct: n.direct !== undefined,
          mergeTemplate: n.mergeTemplate,
        }))
      : undefined;

  const outcome = async (result: CompileResult, definition: WorkflowDefinition) => ({
    ...(await sampleOutcome(result, definition)),
    plan: planOf(result),
  });

  /** Edits of the graph a person makes on the canvas, each leaving every other object as it was. */
  const graphEdits = (d: WorkflowDefinition): [string, WorkflowDefinition][] => {
    const edits: [string, WorkflowDefinition][] = [];
    d.edges.forEach((_, i) => {
      edits.push([`edge ${i} deleted`, { ...d, edges: d.edges.filter((_, j) => j !== i) }]);
    });
    for (const node of d.nodes) {
      if (node.kind === 'trigger') continue;
      edits.push([
        `${node.id} deleted`,
        {
          ...d,
          nodes: d.nodes.filter((n) => n !== node),
          edges: d.edges.filter((e) => e.source !== node.id && e.target !== node.id),
        },
      ]);
    }
    const trigger = d.nodes.find((n) => n.kind === 'trigger')?.id ?? '';
    const added = { id: 'added', kind: 'transform', config: { expression: '$' } } as const;
    const first = d.edges[0] as WorkflowDefinition['edges'][number];
    const last = d.edges.at(-1) as WorkflowDefinition['edges'][number];
    edits.push(
      ['the edges reversed', { ...d, edges: [...d.edges].reverse() }],
      ['a node dropped, not connected', { ...d, nodes: [...d.nodes, added] }],
      [
        'a node dropped first and connected from the trigger',
        {
          ...d,
          nodes: [added, ...d.nodes],
          edges: [...d.edges, { source: trigger, target: 'added' }],
        },
      ],
      ['a cycle', { ...d, edges: [...d.edges, { source: last.target, target: first.target }] }],
      ['an edge repeated', { ...d, edges: [...d.edges, { ...first }] }],
      [
        'an edge from a node that is not there',
        { ...d, edges: [...d.edges, { source: 'nowhere', target: first.target }] },
      ],
      [
        'a malformed edge',
        { ...d, edges: [...d.edges, { source: 5 }] } as unknown as WorkflowDefinition,
      ],
      ['a malformed node', { ...d, nodes: [...d.nodes, { id: 'not an id', kind: 'transform' }] }],
    );
    for (const [i, node] of d.nodes.entries()) {
      const cases = node.config?.['cases'] as { port: string }[] | undefined;
      const port = cases?.[0]?.port;
      if (!cases || port === undefined) continue;
      const renamed = {
        ...node,
        config: { ...node.config, cases: [{ ...cases[0], port: `${port}2` }, ...cases.slice(1)] },
      } as WorkflowDefinition['nodes'][number];
      const nodes = d.nodes.map((n, j) => (j === i ? renamed : n));
      const follow = (e: WorkflowDefinition['edges'][number]) =>
        e.source === node.id && e.sourcePort === port ? { ...e, sourcePort: `${port}2` } : e;
      edits.push(
        [
          `${node.id}'s port renamed, its edges following`,
          { ...d, nodes, edges: d.edges.map(follow) },
        ],
        [`${node.id}'s port renamed, its edges left behind`, { ...d, nodes }],
      );
    }
    return edits;
  };

  it('gives what a whole compile gives, for every edit of every sample, and keeps what it can', async () => {
    let kept = 0;
    let planned = 0;
    let edits = 0;
    for (const definition of samples) {
      const first = compileWorkflow(definition);
      if (!first.ok) throw new Error(`${definition.id} does not compile`);
      const previous = first.workflow as WorkflowPlan;
      for (const [label, edited] of graphEdits(definition)) {
        const where = `${definition.id}: ${label}`;
        const incremental = compileWorkflow(edited, { previous });
        expect(await outcome(incremental, edited), where).toEqual(
          await outcome(compileWorkflow(edited), edited),
        );
        edits++;
        if (incremental.ok) {
          const nodes = (incremental.workflow as WorkflowPlan).nodes;
          kept += nodes.filter((n) => previous.nodes.includes(n)).length;
          planned += nodes.length;
          // And back: the edited plan serves the next compile.
          const back = compileWorkflow(definition, { previous: incremental.workflow });
          expect(await outcome(back, definition), `${where}, undone`).toEqual(
            await outcome(first, definition),
          );
        }
      }
    }
    expect(edits).toBeGreaterThan(80);
    // About half the plan nodes of these edits are the previous plan's own
    // objects (250 of 509): a node an edit moves in run order or in the
    // document gets a new one, built from its kept parts.
    expect(kept).toBeGreaterThan(planned / 3);
  });

  it("keeps every node but a renamed port's own and its targets'", () => {
    const definition = defineWorkflow(
      [
        ['start', 'trigger'],
        ['total', 'transform', { expression: '$sum(items.price)' }],
        ['route', 'switch', { cases: [{ port: 'big', expression: '$nodes.total > 100' }] }],
        ['large', 'transform', { expression: '{ "large": $nodes.total }' }],
        ['small', 'transform', { expression: '{ "small": $nodes.total }' }],
        ['done', 'output'],
      ],
      [
        'start -> total',
        'total -> route',
        'route.big -> large',
        'route.default -> small',
        'large -> done',
        'small -> done',
      ],
    );
    const first = compileWorkflow(definition);
    if (!first.ok) throw new Error('invalid');
    const previous = first.workflow as WorkflowPlan;
    // Renamed to a name of the same length: the wiring's text is compared.
    const edited = {
      ...definition,
      nodes: definition.nodes.map((n) =>
        n.id === 'route'
          ? { ...n, config: { cases: [{ port: 'top', expression: '$nodes.total > 100' }] } }
          : n,
      ),
      edges: definition.edges.map((e) =>
        e.sourcePort === 'big' ? { ...e, sourcePort: 'top' } : e,
      ),
    };
    const result = compileWorkflow(edited, { previous });
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    const nodes = (result.workflow as WorkflowPlan).nodes;
    expect(nodes.filter((n) => !previous.nodes.includes(n)).map((n) => n.id)).toEqual([
      'route',
      'large',
    ]);
    expect(nodes.find((n) => n.id === 'large')?.wiring).toEqual(['route.top']);
  });

  it("checks a kept node's $nodes reads against the new graph", () => {
    const definition = defineWorkflow(
      [
        ['start', 'trigger'],
        ['total', 'transform', { expression: '$sum(items.price)' }],
        ['tax', 'transform', { expression: '$nodes.total * 0.2' }],
      ],
      ['start -> total', 'total -> tax'],
    );
    const first = compileWorkflow(definition);
    if (!first.ok) throw new Error('invalid');
    // The edge into `tax` deleted: `total` no longer runs before it.
    const edited = { ...definition, edges: definition.edges.slice(0, 1) };
    const result = compileWorkflow(edited, { previous: first.workflow });
    expect(result.ok).toBe(false);
    expect(result.errors).toEqual(compileWorkflow(edited).errors);
    expect(result.errors.map((e) => `${e.code} ${e.path}`)).toEqual([
      'NODE_REFERENCE /nodes/2/config/expression',
    ]);
  });
});
