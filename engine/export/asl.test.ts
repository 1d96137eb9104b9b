import jsonata206 from 'jsonata206';
import { describe, expect, it } from 'vitest';
import type { EdgeDefinition, JsonObject, NodeDefinition, WorkflowDefinition } from '../types.ts';
import {
  exportToAsl,
  literal,
  PLACEHOLDERS,
  STATE_NAME_LIMIT,
  type AslExportResult,
} from './asl.ts';

function workflow(
  nodes: NodeDefinition[],
  edges: Array<[string, string, string?]>,
): WorkflowDefinition {
  return {
    format: 'weft/v1',
    id: 'test',
    name: 'Test',
    nodes: [{ id: 'start', kind: 'trigger' }, ...nodes],
    edges: edges.map(([source, target, sourcePort]): EdgeDefinition =>
      sourcePort === undefined ? { source, target } : { source, target, sourcePort },
    ),
  };
}

function machineOf(result: AslExportResult): JsonObject {
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.machine;
}

/** Every state of a machine, branches and item processors included. */
function allStates(machine: JsonObject): Record<string, JsonObject> {
  const out: Record<string, JsonObject> = {};
  const walk = (states: JsonObject) => {
    for (const [name, state] of Object.entries(states)) {
      const s = state as JsonObject;
      out[name] = s;
      for (const b of (s.Branches as JsonObject[] | undefined) ?? []) walk(b.States as JsonObject);
      const processor = s.ItemProcessor as JsonObject | undefined;
      if (processor) walk(processor.States as JsonObject);
    }
  };
  walk(machine.States as JsonObject);
  return out;
}

describe('exportToAsl: the state each kind becomes', () => {
  const definition = workflow(
    [
      { id: 'calc', kind: 'transform', config: { expression: 'amount * 2' } },
      { id: 'big', kind: 'condition', config: { expression: '$ > 10' } },
      { id: 'each', kind: 'map', config: { items: '[1, 2]', expression: '$ * 3' } },
      { id: 'pause', kind: 'delay', config: { seconds: 30 } },
      {
        id: 'call',
        kind: 'http',
        config: {
          method: 'POST',
          url: '"https://api.example.com"',
          body: '{ "n": $ }',
          retry: { maxAttempts: 2, intervalSeconds: 3, backoffRate: 1.5 },
          timeoutSeconds: 10,
          mock: { status: 200, body: {} },
        },
      },
      { id: 'ask', kind: 'llm', config: { model: 'm', prompt: '"Hi"', mock: { text: 'x' } } },
      { id: 'gate', kind: 'approval', config: { message: '"ok?"', timeoutSeconds: 3600 } },
      { id: 'child', kind: 'subworkflow', config: { workflow: 'provision' } },
      { id: 'done', kind: 'output', config: { expression: '$' } },
      { id: 'stop', kind: 'fail', config: { error: 'TOO_SMALL', cause: '"small"' } },
    ],
    [
      ['start', 'calc'],
      ['calc', 'big'],
      ['big', 'each', 'true'],
      ['big', 'stop', 'false'],
      ['each', 'pause'],
      ['pause', 'call'],
      ['call', 'ask'],
      ['ask', 'gate'],
      ['gate', 'child', 'approved'],
      ['child', 'done'],
    ],
  );
  const result = exportToAsl(definition);
  const machine = machineOf(result);
  const states = allStates(machine);
  const byNode = result.ok ? result.stateNames : {};
  const state = (id: string) => states[byNode[id] as string] as JsonObject;

  it('declares JSONata as the query language and starts at the trigger', () => {
    expect(machine.QueryLanguage).toBe('JSONata');
    expect(machine.StartAt).toBe(byNode.start);
    expect(state('start').Assign).toEqual({ input: '{% $states.input %}' });
  });

  it('maps each kind to its natural state', () => {
    expect(state('calc')).toMatchObject({
      Type: 'Pass',
      Output: expect.stringContaining('$states.input.amount * 2'),
    });
    expect(state('big')).toMatchObject({ Type: 'Choice', Default: byNode.stop });
    expect(state('each')).toMatchObject({
      Type: 'Map',
      ItemProcessor: { ProcessorConfig: { Mode: 'INLINE' } },
    });
    expect(state('pause')).toMatchObject({ Type: 'Wait', Seconds: 30 });
    expect(state('call')).toMatchObject({
      Type: 'Task',
      Resource: 'arn:aws:states:::http:invoke',
      TimeoutSeconds: 10,
      Retry: [
        { ErrorEquals: ['States.ALL'], MaxAttempts: 2, IntervalSeconds: 3, BackoffRate: 1.5 },
      ],
      Arguments: {
        Method: 'POST',
        Authentication: { ConnectionArn: PLACEHOLDERS.httpConnectionArn },
      },
    });
    expect(state('ask')).toMatchObject({
      Type: 'Task',
      Resource: 'arn:aws:states:::bedrock:invokeModel',
    });
    expect(state('gate')).toMatchObject({
      Type: 'Task',
      Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken',
      TimeoutSeconds: 3600,
    });
    expect(state('child')).toMatchObject({
      Type: 'Task',
      Resource: 'arn:aws:states:::states:startExecution.sync:2',
      Arguments: { StateMachineArn: 'arn:aws:states:REGION:ACCOUNT:stateMachine:provision' },
    });
    expect(state('done')).toMatchObject({ Type: 'Succeed' });
    expect(state('stop')).toMatchObject({ Type: 'Fail', Error: 'TOO_SMALL' });
  });

  it('lists every placeholder it had to use in the warnings', () => {
    expect(result.warnings.filter((w) => w.code === 'PLACEHOLDER').map((w) => w.node)).toEqual([
      'call',
      'ask',
      'gate',
      'child',
    ]);
  });

  it('uses the resources given as options instead', () => {
    const arn = 'arn:aws:events:eu-west-1:123456789012:connection/erp/abc';
    const given = exportToAsl(definition, {
      httpConnectionArn: arn,
      approvalQueueUrl: 'https://sqs.eu-west-1.amazonaws.com/123456789012/approvals',
      bedrockModelId: 'anthropic.claude-3-haiku-20240307-v1:0',
      stateMachineArns: {
        provision: 'arn:aws:states:eu-west-1:123456789012:stateMachine:provision',
      },
      mapMaxConcurrency: 4,
    });
    expect(given.warnings.filter((w) => w.code === 'PLACEHOLDER')).toEqual([]);
    const s = allStates(machineOf(given));
    expect(JSON.stringify(s)).not.toContain('REPLACE_WITH');
    expect((s[byNode.each as string] as JsonObject).MaxConcurrency).toBe(4);
  });

  it('writes only expressions that jsonata 2.0.6 parses', () => {
    const texts = JSON.stringify(machine).match(/\{% (?:[^%]|%(?!\}))* %\}/g) ?? [];
    expect(texts.length).toBeGreaterThan(10);
    for (const t of texts)
      expect(() => jsonata206(JSON.parse(`"${t}"`).slice(3, -3))).not.toThrow();
  });
});

describe('exportToAsl: user text stays text', () => {
  it('wraps a literal that looks like an expression in one that yields it', async () => {
    const wrapped = literal('{% $states.input %}');
    expect(wrapped).toMatch(/^\{% .* %\}$/);
    await expect(jsonata206(wrapped.slice(3, -3)).evaluate(undefined)).resolves.toBe(
      '{% $states.input %}',
    );
    expect(literal('plain text')).toBe('plain text');
    expect(literal('')).toBe('{% "" %}');
    expect(literal('a\nb')).toBe('{% "a\\nb" %}');
  });

  it('keeps labels as state names, with template markers broken apart, and assignees as literal text', () => {
    const result = exportToAsl(
      workflow(
        [
          {
            id: 'gate',
            kind: 'approval',
            label: '{% $x %}',
            config: { assignee: '{% $states.context %}' },
          },
        ],
        [['start', 'gate']],
      ),
    );
    const states = allStates(machineOf(result));
    for (const name of Object.keys(states)) expect(name).not.toContain('{%');
    const gate = states['{ % $x % }'] as JsonObject;
    const body = (gate.Arguments as JsonObject).MessageBody as JsonObject;
    expect(body.assignee).toBe('{% "{% $states.context %}" %}');
  });

  it('keeps state names unique and within the length limit', () => {
    const long =
      'A very long label that someone typed into the editor to describe this step in detail';
    const result = exportToAsl(
      workflow(
        [
          { id: 'a', kind: 'transform', label: long, config: { expression: '1' } },
          { id: 'b', kind: 'transform', label: long, config: { expression: '2' } },
          { id: 'c', kind: 'transform', label: 'Same', config: { expression: '3' } },
          { id: 'd', kind: 'output', label: 'Same' },
        ],
        [
          ['start', 'a'],
          ['a', 'b'],
          ['b', 'c'],
          ['c', 'd'],
        ],
      ),
    );
    const names = Object.keys(allStates(machineOf(result)));
    expect(new Set(names).size).toBe(names.length);
    for (const n of names) expect(Array.from(n).length).toBeLessThanOrEqual(STATE_NAME_LIMIT);
    expect(result.ok && result.stateNames).toMatchObject({ c: 'Same', d: 'Same (d)' });
  });
});

describe('exportToAsl: what cannot be expressed is reported per node', () => {
  it('names the nodes of a fan-in that does not nest', () => {
    const result = exportToAsl(
      workflow(
        [
          { id: 'a', kind: 'transform', config: { expression: '1' } },
          { id: 'b', kind: 'transform', config: { expression: '2' } },
          { id: 'join', kind: 'transform', config: { expression: '$' } },
        ],
        [
          ['start', 'a'],
          ['start', 'b'],
          ['a', 'join'],
          ['b', 'join'],
        ],
      ),
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toEqual([
      expect.objectContaining({ node: 'join', code: 'EXPORT_FAN_IN', path: '/nodes/3' }),
    ]);
    expect(result.problems[0]?.message).toContain('"start" -> "a"');
  });

  it('refuses an output inside branches that re-join', () => {
    const result = exportToAsl(
      workflow(
        [
          { id: 'a', kind: 'condition', config: { expression: 'x' } },
          { id: 'early', kind: 'output' },
          { id: 'b', kind: 'transform', config: { expression: '2' } },
          { id: 'm', kind: 'merge' },
        ],
        [
          ['start', 'a'],
          ['start', 'b'],
          ['a', 'm', 'true'],
          ['a', 'early', 'false'],
          ['b', 'm'],
        ],
      ),
    );
    expect(!result.ok && result.problems.map((p) => [p.node, p.code])).toEqual([
      ['early', 'EXPORT_PARALLEL_OUTPUT'],
    ]);
  });

  it('refuses reading $nodes.<id> of a parallel branch after it', () => {
    const result = exportToAsl(
      workflow(
        [
          { id: 'a', kind: 'transform', config: { expression: '1' } },
          { id: 'b', kind: 'transform', config: { expression: '2' } },
          { id: 'm', kind: 'merge' },
          { id: 'out', kind: 'output', config: { expression: '$nodes.a' } },
        ],
        [
          ['start', 'a'],
          ['start', 'b'],
          ['a', 'm'],
          ['b', 'm'],
          ['m', 'out'],
        ],
      ),
    );
    expect(!result.ok && result.problems.map((p) => [p.node, p.code])).toEqual([
      ['out', 'EXPORT_SCOPE'],
    ]);
  });

  it('reports schema keywords a Choice cannot check, with their path', () => {
    const result = exportToAsl(
      workflow(
        [{ id: 'check', kind: 'validate', config: { schema: { anyOf: [{ type: 'string' }] } } }],
        [['start', 'check']],
      ),
    );
    expect(!result.ok && result.problems).toEqual([
      expect.objectContaining({
        node: 'check',
        code: 'EXPORT_SCHEMA',
        path: '/nodes/1/config/schema/anyOf',
      }),
    ]);
  });

  it('drops an input schema it cannot translate, with a warning', () => {
    const definition = workflow([{ id: 'out', kind: 'output' }], [['start', 'out']]);
    definition.input = { schema: { type: 'object', properties: { at: { format: 'date-time' } } } };
    const result = exportToAsl(definition);
    expect(result.ok).toBe(true);
    expect(result.warnings.map((w) => w.code)).toContain('INPUT_SCHEMA_DROPPED');
  });

  it('reports an invalid definition with its diagnostics', () => {
    const result = exportToAsl(
      workflow(
        [
          { id: 'a', kind: 'transform', config: { expression: '$nodes.b' } },
          { id: 'b', kind: 'output' },
        ],
        [
          ['start', 'a'],
          ['a', 'b'],
        ],
      ),
    );
    expect(!result.ok && result.problems.map((p) => [p.node, p.code])).toEqual([
      ['a', 'NODE_REFERENCE'],
    ]);
  });

  it('exports a long chain of nodes without running out of stack', () => {
    const nodes: NodeDefinition[] = [];
    const edges: Array<[string, string]> = [];
    for (let i = 1; i <= 3000; i++) {
      nodes.push({ id: `t${i}`, kind: 'transform', config: { expression: '$' } });
      edges.push([i === 1 ? 'start' : `t${i - 1}`, `t${i}`]);
    }
    const result = exportToAsl(workflow(nodes, edges));
    // The trigger, 3,000 transforms and the "No output" end.
    expect(result.ok && Object.keys(result.machine.States as JsonObject).length).toBe(3002);
  });

  it('never throws on something that is not a workflow, and reports why', () => {
    const result = exportToAsl({ nodes: 'no' } as unknown as WorkflowDefinition);
    expect(!result.ok && result.problems[0]?.code).toBe('SCHEMA_INVALID');
  });
});
