// Hostile workflows and inputs, beyond single expressions (issue 6): data
// whose keys aim at prototypes, schemas written to hang or to fetch, inputs
// too deep or too big to walk, cycles and self-calling sub-workflows, results
// that are not JSON, and expression markers smuggled into export text. Each
// case names the safe outcome it expects and checks it; after every case the
// JavaScript realm is untouched and the engine still runs a plain workflow.

import { afterEach, describe, expect, it } from 'vitest';
import { compileWorkflow, exportToAsl, runWorkflow } from '../../engine/index.ts';
import type {
  CompiledWorkflow,
  EdgeDefinition,
  Json,
  JsonSchema,
  NodeDefinition,
  RunOptions,
  WorkflowDefinition,
} from '../../engine/index.ts';

function workflow(
  nodes: NodeDefinition[],
  edges: [string, string, string?][],
  extra: Partial<WorkflowDefinition> = {},
): WorkflowDefinition {
  return {
    format: 'weft/v1',
    id: 'hostile',
    name: 'Hostile',
    nodes: [{ id: 'start', kind: 'trigger' }, ...nodes],
    edges: edges.map(([source, target, sourcePort]): EdgeDefinition =>
      sourcePort === undefined ? { source, target } : { source, target, sourcePort },
    ),
    ...extra,
  };
}

/** start -> one node -> output. */
function through(node: NodeDefinition, extra: Partial<WorkflowDefinition> = {}) {
  return workflow(
    [node, { id: 'out', kind: 'output' }],
    [
      ['start', node.id],
      [node.id, 'out'],
    ],
    extra,
  );
}

/** start -> a validate node -> output on its `valid` port. */
function validating(schema: JsonSchema): WorkflowDefinition {
  return workflow(
    [
      { id: 'check', kind: 'validate', config: { schema } },
      { id: 'out', kind: 'output' },
    ],
    [
      ['start', 'check'],
      ['check', 'out', 'valid'],
    ],
  );
}

function compiled(definition: WorkflowDefinition): CompiledWorkflow {
  const result = compileWorkflow(definition);
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.workflow;
}

function run(definition: WorkflowDefinition, input: unknown, options?: RunOptions) {
  return runWorkflow(compiled(definition), input as Json, options);
}

function diagnostics(definition: WorkflowDefinition) {
  const result = compileWorkflow(definition);
  expect(result.ok).toBe(false);
  return result.errors;
}

/** Parsed from text, as a file or a pasted sample would be: `__proto__` stays an own key. */
const pollutingInput = JSON.parse(
  '{"__proto__": {"polluted": 1}, "constructor": {"prototype": {"polluted": 1}}, "a": 1}',
) as Json;

function ownKeys(value: unknown): string[] {
  return Object.keys(value as object).sort();
}

function nested(depth: number, key = 'a'): string {
  return `{"${key}":`.repeat(depth) + '1' + '}'.repeat(depth);
}

const walkStrings = (value: unknown, visit: (text: string, key: string) => void, key = '') => {
  const stack: [unknown, string][] = [[value, key]];
  while (stack.length > 0) {
    const [item, at] = stack.pop() as [unknown, string];
    if (typeof item === 'string') visit(item, at);
    else if (Array.isArray(item)) for (const child of item) stack.push([child, at]);
    else if (typeof item === 'object' && item !== null) {
      for (const [k, child] of Object.entries(item)) {
        visit(k, '(key)');
        stack.push([child, k]);
      }
    }
  }
};

function snapshot(): string[] {
  return [Object.prototype, Function.prototype, Array.prototype, String.prototype].map((p) =>
    Object.getOwnPropertyNames(p).sort().join(','),
  );
}
const before = snapshot();
const plain = through({ id: 't', kind: 'transform', config: { expression: 'a + 1' } });

afterEach(async () => {
  expect(snapshot()).toEqual(before);
  expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  expect(Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted')).toBe(false);
  // The engine still answers an ordinary run.
  await expect(run(plain, { a: 1 })).resolves.toMatchObject({ status: 'succeeded', output: 2 });
});

describe('prototype pollution through input keys stays data', () => {
  it('a transform passing the input on keeps __proto__ and constructor as own keys', async () => {
    const result = await run(
      through({ id: 't', kind: 'transform', config: { expression: '$' } }),
      pollutingInput,
    );
    expect(result.status).toBe('succeeded');
    expect(ownKeys(result.output)).toEqual(['__proto__', 'a', 'constructor']);
  });

  it('$merge of the input into an object keeps __proto__ as a member, not a prototype', async () => {
    const result = await run(
      through({ id: 't', kind: 'transform', config: { expression: '$merge([{"b": 2}, $])' } }),
      pollutingInput,
    );
    expect(result.status).toBe('succeeded');
    expect(ownKeys(result.output)).toEqual(['__proto__', 'a', 'b', 'constructor']);
    expect(Object.getPrototypeOf(result.output)).not.toEqual({ polluted: 1 });
  });

  it('the transform operator assigning __proto__ adds a data member', async () => {
    const result = await run(
      through({
        id: 't',
        kind: 'transform',
        config: { expression: '$ ~> |$|{"__proto__": {"polluted": 2}, "b": 1}|' },
      }),
      { a: 1 },
    );
    expect(result.status).toBe('succeeded');
    const output = result.output as Record<string, unknown>;
    expect(ownKeys(output)).toEqual(['__proto__', 'a', 'b']);
    expect(Object.getOwnPropertyDescriptor(output, '__proto__')?.value).toEqual({ polluted: 2 });
  });

  it('constructor.prototype in the input is a path into data, nothing more', async () => {
    const result = await run(
      through({ id: 't', kind: 'transform', config: { expression: 'constructor.prototype' } }),
      pollutingInput,
    );
    expect(result).toMatchObject({ status: 'succeeded', output: { polluted: 1 } });
  });

  it('a merge of branches whose outputs carry __proto__ keys is keyed by node id only', async () => {
    const definition = workflow(
      [
        { id: 'left', kind: 'transform', config: { expression: '$' } },
        { id: 'right', kind: 'transform', config: { expression: '$' } },
        { id: 'join', kind: 'merge' },
        { id: 'out', kind: 'output' },
      ],
      [
        ['start', 'left'],
        ['start', 'right'],
        ['left', 'join'],
        ['right', 'join'],
        ['join', 'out'],
      ],
    );
    const result = await run(definition, pollutingInput);
    expect(result.status).toBe('succeeded');
    const output = result.output as Record<string, unknown>;
    expect(ownKeys(output)).toEqual(['left', 'right']);
    expect(ownKeys(output['left'])).toEqual(['__proto__', 'a', 'constructor']);
  });

  it('a map over items with __proto__ keys yields them as data', async () => {
    const items = JSON.parse('[{"__proto__": {"polluted": 1}}, {"__proto__": null}]') as Json;
    const result = await run(
      through({
        id: 'm',
        kind: 'map',
        config: { items: '$', expression: '$keys($)' },
      }),
      items,
    );
    expect(result).toMatchObject({ status: 'succeeded', output: ['__proto__', '__proto__'] });
  });

  it('validate: a schema naming __proto__ and constructor checks them as ordinary members', async () => {
    const schema = JSON.parse(
      '{"type": "object", "required": ["__proto__"], "properties": {"__proto__": {"type": "object", "required": ["polluted"]}, "constructor": {"type": "string"}}}',
    ) as JsonSchema;
    const definition = workflow(
      [
        { id: 'check', kind: 'validate', config: { schema } },
        { id: 'ok', kind: 'output' },
        { id: 'bad', kind: 'output', config: { expression: 'errors' } },
      ],
      [
        ['start', 'check'],
        ['check', 'ok', 'valid'],
        ['check', 'bad', 'invalid'],
      ],
    );
    const result = await run(definition, pollutingInput);
    expect(result.status).toBe('succeeded');
    expect(result.nodes['check']?.port).toBe('invalid');
    expect(result.output).toEqual([{ path: '/constructor', message: 'must be string' }]);
    const valid = await run(definition, JSON.parse('{"__proto__": {"polluted": 1}}'));
    expect(valid.nodes['check']?.port).toBe('valid');
  });

  it("input.schema requiring __proto__ accepts it as the input's own member", async () => {
    const schema = JSON.parse('{"type": "object", "required": ["__proto__"]}') as JsonSchema;
    const definition = through(
      { id: 't', kind: 'transform', config: { expression: '$keys($)' } },
      { input: { schema } },
    );
    await expect(run(definition, { a: 1 })).resolves.toMatchObject({
      status: 'failed',
      error: { code: 'INPUT_INVALID', node: 'start', path: '/__proto__' },
    });
    await expect(run(definition, JSON.parse('{"__proto__": 1}'))).resolves.toMatchObject({
      status: 'succeeded',
      output: '__proto__',
    });
  });
});

describe('hostile schemas', () => {
  // Each of these patterns backtracks exponentially in a JavaScript RegExp on
  // these strings (2^40 steps): only a linear-time engine finishes the test.
  const evil = 'a'.repeat(40) + '!';

  it('input.schema pattern (a+)+$ on a long input is refused at once, INPUT_INVALID', async () => {
    const definition = through(
      { id: 't', kind: 'transform', config: { expression: '$' } },
      { input: { schema: { type: 'string', pattern: '^(a+)+$' } } },
    );
    const result = await run(definition, evil);
    expect(result.error).toMatchObject({ code: 'INPUT_INVALID', node: 'start' });
    expect(result.error?.message).toContain('must match pattern');
    await expect(run(definition, 'aaaa')).resolves.toMatchObject({ status: 'succeeded' });
  });

  it('a validate node with a catastrophic pattern in patternProperties routes to invalid', async () => {
    const definition = workflow(
      [
        {
          id: 'check',
          kind: 'validate',
          config: {
            schema: {
              type: 'object',
              patternProperties: { '^(a|aa)+$': { type: 'number' } },
            },
          },
        },
        { id: 'bad', kind: 'output', config: { expression: 'errors' } },
      ],
      [
        ['start', 'check'],
        ['check', 'bad', 'invalid'],
      ],
    );
    const result = await run(definition, { [evil.slice(0, -1)]: 'x', [evil]: 'y' });
    expect(result.output).toEqual([{ path: '/' + evil.slice(0, -1), message: 'must be number' }]);
  });

  it('a pattern RE2 cannot run (a backreference) is SCHEMA_COMPILE on its node', () => {
    const errors = diagnostics(validating({ type: 'string', pattern: '^(a)\\1$' }));
    expect(errors).toEqual([
      expect.objectContaining({
        code: 'SCHEMA_COMPILE',
        node: 'check',
        path: '/nodes/1/config/schema',
      }),
    ]);
    expect(errors[0]?.message).toMatch(/RE2/);
  });

  it('a $ref to an http URL is INPUT_SCHEMA_INVALID and nothing is fetched', () => {
    const fetched: string[] = [];
    const realFetch = globalThis.fetch;
    globalThis.fetch = ((url: string) => {
      fetched.push(String(url));
      return Promise.reject(new Error('no network'));
    }) as typeof fetch;
    try {
      const errors = diagnostics(
        through(
          { id: 't', kind: 'transform', config: { expression: '$' } },
          { input: { schema: { $ref: 'http://attacker.example/schema.json' } } },
        ),
      );
      expect(errors).toEqual([
        expect.objectContaining({ code: 'INPUT_SCHEMA_INVALID', path: '/input/schema' }),
      ]);
      expect(errors[0]?.message).toContain('http://attacker.example/schema.json');
      expect(errors[0]?.message).toMatch(/never loads/);
    } finally {
      globalThis.fetch = realFetch;
    }
    expect(fetched).toEqual([]);
  });

  it('a schema nested 100,000 deep is SCHEMA_COMPILE naming the depth cap, not a stack overflow', () => {
    const schema = JSON.parse(nested(100_000, 'not')) as JsonSchema;
    const errors = diagnostics(validating(schema));
    expect(errors).toEqual([expect.objectContaining({ code: 'SCHEMA_COMPILE', node: 'check' })]);
    expect(errors[0]?.message).toMatch(/nested deeper than 64 levels/);
  });

  it('a sample 100,000 deep under a recursive schema is a SAMPLE_INVALID warning, not a crash', () => {
    const result = compileWorkflow(
      through(
        { id: 't', kind: 'transform', config: { expression: '$' } },
        {
          input: {
            schema: { type: 'array', items: { $ref: '#' } },
            samples: [
              { name: 'deep', data: JSON.parse('['.repeat(100_000) + ']'.repeat(100_000)) },
            ],
          },
        },
      ),
    );
    expect(result.ok).toBe(true);
    expect(result.warnings).toEqual([
      expect.objectContaining({ code: 'SAMPLE_INVALID', path: '/input/samples/0/data' }),
    ]);
    expect(result.warnings[0]?.message).toMatch(/nested too deeply/);
  });

  it('a 1 MB schema is INPUT_SCHEMA_INVALID naming the size cap', () => {
    const schema = { enum: Array.from({ length: 1000 }, (_, i) => `${i}`.padEnd(1000, 'x')) };
    const errors = diagnostics(
      through({ id: 't', kind: 'transform', config: { expression: '$' } }, { input: { schema } }),
    );
    expect(errors[0]).toMatchObject({ code: 'INPUT_SCHEMA_INVALID' });
    expect(errors[0]?.message).toMatch(/larger than 256 KB/);
  });
});

describe('deep and huge inputs', () => {
  const pass = through({ id: 't', kind: 'transform', config: { expression: '$' } });

  it('an input nested 100,000 deep fails the run with LIMIT_EXCEEDED and a pointer', async () => {
    const result = await run(pass, JSON.parse(nested(100_000)));
    expect(result.status).toBe('failed');
    expect(result.error).toMatchObject({ code: 'LIMIT_EXCEEDED', node: 'start' });
    expect(result.error?.path).toBe('/a'.repeat(100));
    expect(result.error?.message).toMatch(/nested deeper than 100 levels/);
    expect(result.nodes['t']?.status).toBe('skipped');
    // The refused input is not echoed back, so the result can be printed and
    // sent to the editor; an incremental re-run on it does not throw either.
    expect(result.nodes['start']?.input).toBeNull();
    expect(() => JSON.stringify(result)).not.toThrow();
    expect(() => structuredClone(result)).not.toThrow();
    const again = await run(pass, JSON.parse(nested(100_000)), { previous: result });
    expect(again.error).toMatchObject({ code: 'LIMIT_EXCEEDED', node: 'start' });
  });

  it('an input nested exactly to the cap is accepted and passes whole through an expression', async () => {
    const input = JSON.parse(nested(100)) as Json;
    await expect(run(pass, input)).resolves.toMatchObject({ status: 'succeeded', output: input });
    const over = await run(pass, JSON.parse(nested(101)));
    expect(over.error).toMatchObject({ code: 'LIMIT_EXCEEDED', node: 'start' });
  });

  it('an input array of 1,000,000 items fails the run with LIMIT_EXCEEDED', async () => {
    const result = await run(pass, { rows: new Array<number>(1_000_000).fill(1) });
    expect(result.error).toMatchObject({ code: 'LIMIT_EXCEEDED', node: 'start', path: '/rows' });
    expect(result.error?.message).toMatch(/1,000,000 items; the limit is 100,000/);
  });

  it('an input that is not JSON (NaN, a function) from the API is INPUT_INVALID at its spot', async () => {
    const bad = await run(pass, { list: [1, Number.NaN] });
    expect(bad.error).toMatchObject({ code: 'INPUT_INVALID', path: '/list/1' });
    const fn = await run(pass, { a: { run: () => 'escape' } });
    expect(fn.error).toMatchObject({ code: 'INPUT_INVALID', path: '/a/run' });
  });

  it('a sub-workflow handed an input past the depth cap fails that call, not the process', async () => {
    const child = through(
      { id: 't', kind: 'transform', config: { expression: '$' } },
      { id: 'child' },
    );
    const parent = through({
      id: 'call',
      kind: 'subworkflow',
      config: { workflow: 'child', input: '{"wrap": $}' },
    });
    const result = await run(parent, JSON.parse(nested(100)), {
      resolveWorkflow: (id) => (id === 'child' ? child : undefined),
    });
    expect(result.status).toBe('failed');
    expect(result.error?.node).toBe('call');
    expect(result.error?.message).toMatch(/nested deeper than \d+ levels/);
  });

  // RE2 in JavaScript reads the 10 MB string about twice a second here: linear, but not instant.
  it(
    'a 10 MB string in a sample is checked and run, with its length intact',
    { timeout: 30_000 },
    async () => {
      const big = 'a'.repeat(10 * 1024 * 1024);
      const definition = through(
        { id: 't', kind: 'transform', config: { expression: '$length(text)' } },
        {
          input: {
            schema: {
              type: 'object',
              properties: { text: { type: 'string', pattern: '^a*$' } },
            },
            samples: [{ name: 'huge', data: { text: big } }],
          },
        },
      );
      const result = compileWorkflow(definition);
      expect(result.ok).toBe(true);
      expect(result.warnings).toEqual([]);
      await expect(run(definition, { text: big })).resolves.toMatchObject({
        status: 'succeeded',
        output: big.length,
      });
    },
  );
});

describe('cycles and self-calling sub-workflows', () => {
  it('a cyclic graph is CYCLE naming the nodes on the cycle', () => {
    const definition = workflow(
      [
        { id: 'a', kind: 'transform', config: { expression: '$' } },
        { id: 'b', kind: 'transform', config: { expression: '$' } },
      ],
      [
        ['start', 'a'],
        ['a', 'b'],
        ['b', 'a'],
      ],
    );
    const cycle = diagnostics(definition).filter((d) => d.code === 'CYCLE');
    expect(cycle).toHaveLength(1);
    expect(cycle[0]?.message).toMatch(/"a"/);
    expect(cycle[0]?.message).toMatch(/"b"/);
  });

  const calls = (id: string, target: string) =>
    through({ id: 'call', kind: 'subworkflow', config: { workflow: target } }, { id });

  it('a workflow calling itself fails with SUBWORKFLOW_RECURSION', async () => {
    const self = calls('loop', 'loop');
    const result = await run(self, 1, { resolveWorkflow: () => self });
    expect(result.error).toMatchObject({ code: 'SUBWORKFLOW_RECURSION', node: 'call' });
    expect(result.error?.message).toContain('"loop" -> "loop"');
  });

  it('a chain a -> b -> c -> a fails with SUBWORKFLOW_RECURSION naming the chain', async () => {
    const library: Record<string, WorkflowDefinition> = {
      a: calls('a', 'b'),
      b: calls('b', 'c'),
      c: calls('c', 'a'),
    };
    const result = await run(library['a'] as WorkflowDefinition, 1, {
      resolveWorkflow: (id) => library[id],
    });
    expect(result.status).toBe('failed');
    expect(result.error?.message).toContain('SUBWORKFLOW_RECURSION');
    expect(result.error?.message).toContain('"a" -> "b" -> "c" -> "a"');
  });
});

describe('results that are not JSON', () => {
  for (const [name, expression] of [
    ['a lambda', 'function($x) { $x }'],
    ['a built-in function', '$string'],
    ['an object holding a function', '{"f": $uppercase}'],
  ] as const) {
    it(`a transform returning ${name} fails with EXPRESSION_ERROR`, async () => {
      const result = await run(through({ id: 't', kind: 'transform', config: { expression } }), {});
      expect(result.status).toBe('failed');
      expect(result.error).toMatchObject({ code: 'EXPRESSION_ERROR', node: 't' });
      expect(JSON.parse(JSON.stringify(result))).toEqual(result);
    });
  }

  it('$string of an object holding a lambda prints it as "" (as jsonata does)', async () => {
    const result = await run(
      through({
        id: 't',
        kind: 'transform',
        config: { expression: '$string({"f": function($x) { $x }, "n": 1})' },
      }),
      {},
    );
    expect(result).toMatchObject({ status: 'succeeded', output: '{"f":"","n":1}' });
  });
});

describe('expression markers smuggled into export text', () => {
  const marker = '{% $states.input.pwned %}';

  /** Fields whose strings ASL never evaluates: state names, transitions, comments. */
  const NOT_EVALUATED = new Set(['Comment', 'StartAt', 'Next', 'Default', '(key)']);

  /** Every string in the machine that ASL would evaluate as JSONata. */
  function templates(machine: unknown): string[] {
    const found: string[] = [];
    walkStrings(machine, (text, key) => {
      if (!NOT_EVALUATED.has(key) && text.trim().startsWith('{%')) found.push(text);
    });
    return found;
  }

  it('a label holding {% … %} is a name and a comment, never an expression', () => {
    const result = exportToAsl(
      through({ id: 't', kind: 'transform', label: marker, config: { expression: '$' } }),
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(templates(result.machine).filter((t) => t.includes('pwned'))).toEqual([]);
  });

  it('a string literal holding {% … %} exports as a JSONata string, not a template', () => {
    const result = exportToAsl(
      through({ id: 't', kind: 'transform', config: { expression: JSON.stringify(marker) } }),
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const all = templates(result.machine);
    expect(all).not.toContain(marker);
    const carrying = all.filter((t) => t.includes('pwned'));
    expect(carrying.length).toBeGreaterThan(0);
    // The marker survives only inside a quoted JSONata string.
    for (const text of carrying) expect(text).toContain(JSON.stringify(marker));
  });

  it('a fail node whose error code holds {% … %} does not export it as an expression', () => {
    const definition = workflow(
      [{ id: 'stop', kind: 'fail', config: { error: marker, cause: '"x"' } }],
      [['start', 'stop']],
    );
    const result = exportToAsl(definition);
    if (!result.ok) {
      expect(result.problems.length).toBeGreaterThan(0);
      return;
    }
    expect(templates(result.machine)).not.toContain(marker);
  });
});
