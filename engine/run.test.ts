import { describe, expect, it } from 'vitest';
import { compileExpression, compileWorkflow, runWorkflow } from './index.ts';
import type { Json, RunOptions, RunResult, WorkflowDefinition } from './index.ts';
import type { NodeShorthand } from './util/define.ts';
import { defineWorkflow } from './util/define.ts';
import { nodeEntries } from './run.ts';

async function run(
  definition: WorkflowDefinition,
  input: Json = null,
  options: RunOptions = {},
): Promise<RunResult> {
  const compiled = compileWorkflow(definition);
  if (!compiled.ok) throw new Error(JSON.stringify(compiled.errors));
  return runWorkflow(compiled.workflow, input, options);
}

function flow(nodes: NodeShorthand[], edges: string[], extra: Partial<WorkflowDefinition> = {}) {
  return defineWorkflow([['start', 'trigger'], ...nodes], edges, extra);
}

/** The result without durations, which are the only thing allowed to differ between runs. */
function withoutDurations(result: RunResult): unknown {
  return JSON.parse(
    JSON.stringify(result, (key, value: unknown) => (key === 'durationMs' ? undefined : value)),
  );
}

/** The result without durations and reuse marks: what a re-run must share with a full run. */
function asFresh(result: RunResult): unknown {
  return JSON.parse(
    JSON.stringify(result, (key, value: unknown) =>
      key === 'durationMs' || key === 'reused' ? undefined : value,
    ),
  );
}

describe('runWorkflow: flow', () => {
  const approvalFlow = flow(
    [
      ['big', 'condition', { expression: 'amount > 1000' }],
      ['review', 'transform', { expression: '{ "reviewed": amount }' }],
      ['auto', 'transform', { expression: '{ "auto": amount }' }],
      ['done', 'output'],
    ],
    ['start -> big', 'big.true -> review', 'big.false -> auto', 'review -> done', 'auto -> done'],
  );

  it('follows the port a condition chooses and skips the other branch', async () => {
    const small = await run(approvalFlow, { amount: 10 });
    expect(small.status).toBe('succeeded');
    expect(small.output).toEqual({ auto: 10 });
    expect(small.nodes.big).toMatchObject({
      status: 'succeeded',
      port: 'false',
      output: { amount: 10 },
    });
    expect(small.nodes.review).toEqual({ status: 'skipped', durationMs: 0 });

    const big = await run(approvalFlow, { amount: 5000 });
    expect(big.output).toEqual({ reviewed: 5000 });
    expect(big.nodes.auto?.status).toBe('skipped');
  });

  it('reads a condition with JSONata truthiness', async () => {
    const truthy = async (expression: string) => {
      const result = await run(flow([['c', 'condition', { expression }]], ['start -> c']), {
        empty: [],
        zero: 0,
        text: 'x',
        obj: {},
        list: [0, 1],
      });
      return result.nodes.c?.port;
    };
    expect(await truthy('empty')).toBe('false');
    expect(await truthy('zero')).toBe('false');
    expect(await truthy('missing')).toBe('false');
    expect(await truthy('obj')).toBe('false');
    expect(await truthy('text')).toBe('true');
    expect(await truthy('list')).toBe('true');
  });

  it('reports every node in definition order, with its input and output', async () => {
    const result = await run(approvalFlow, { amount: 10 });
    expect(Object.keys(result.nodes)).toEqual(['start', 'big', 'review', 'auto', 'done']);
    expect(result.nodes.auto).toMatchObject({
      input: { amount: 10 },
      output: { auto: 10 },
      port: 'out',
    });
    expect(result.nodes.done?.port).toBeUndefined();
    for (const node of Object.values(result.nodes))
      expect(node.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('switch: the first truthy case wins, else default', async () => {
    const definition = flow(
      [
        [
          'route',
          'switch',
          {
            cases: [
              { port: 'critical', expression: 'severity >= 4' },
              { port: 'high', expression: 'severity >= 3' },
            ],
          },
        ],
        ['page', 'output', { expression: '"page"' }],
        ['ticket', 'output', { expression: '"ticket"' }],
        ['log', 'output', { expression: '"log"' }],
      ],
      ['start -> route', 'route.critical -> page', 'route.high -> ticket', 'route.default -> log'],
    );
    expect((await run(definition, { severity: 5 })).output).toBe('page');
    expect((await run(definition, { severity: 3 })).output).toBe('ticket');
    const low = await run(definition, { severity: 1 });
    expect(low.output).toBe('log');
    expect(low.nodes.route?.port).toBe('default');
  });

  it('AMBIGUOUS_INPUT: two active inputs into a node that is not a merge', async () => {
    const result = await run(
      flow(
        [
          ['a', 'transform', { expression: '1' }],
          ['b', 'transform', { expression: '2' }],
          ['join', 'transform', { expression: '$' }],
        ],
        ['start -> a', 'start -> b', 'a -> join', 'b -> join'],
      ),
    );
    expect(result.status).toBe('failed');
    expect(result.error).toMatchObject({ code: 'AMBIGUOUS_INPUT', node: 'join' });
    expect(result.error?.message).toContain('"a", "b"');
  });

  it('exclusive branches may re-join without a merge', async () => {
    const result = await run(
      flow(
        [
          ['c', 'condition', { expression: 'go' }],
          ['yes', 'transform', { expression: '"yes"' }],
          ['no', 'transform', { expression: '"no"' }],
          ['after', 'output'],
        ],
        ['start -> c', 'c.true -> yes', 'c.false -> no', 'yes -> after', 'no -> after'],
      ),
      { go: true },
    );
    expect(result.status).toBe('succeeded');
    expect(result.output).toBe('yes');
  });

  it('merge: an object keyed by source id, one entry per active edge', async () => {
    const result = await run(
      flow(
        [
          ['email', 'transform', { expression: '"sent"' }],
          ['sms', 'transform', { expression: '"queued"' }],
          ['c', 'condition', { expression: 'false' }],
          ['pager', 'transform', { expression: '"paged"' }],
          ['join', 'merge'],
          ['done', 'output'],
        ],
        [
          'start -> email',
          'start -> sms',
          'start -> c',
          'c.true -> pager',
          'email -> join',
          'sms -> join',
          'pager -> join',
          'join -> done',
        ],
      ),
    );
    expect(result.output).toEqual({ email: 'sent', sms: 'queued' });
    expect(result.nodes.join?.input).toEqual({ email: 'sent', sms: 'queued' });
  });

  it('output: several outputs that ran give an object by id; none gives null', async () => {
    const two = await run(
      flow(
        [
          ['a', 'output', { expression: '1' }],
          ['b', 'output', { expression: '2' }],
        ],
        ['start -> a', 'start -> b'],
      ),
    );
    expect(two.output).toEqual({ a: 1, b: 2 });
    const none = await run(
      flow(
        [
          ['c', 'condition', { expression: 'false' }],
          ['a', 'output'],
        ],
        ['start -> c', 'c.true -> a'],
      ),
    );
    expect(none.status).toBe('succeeded');
    expect(none.output).toBeNull();
  });

  it('map: items default to the input; each item becomes $', async () => {
    const result = await run(
      flow(
        [
          ['prices', 'map', { expression: 'price * qty' }],
          ['names', 'map', { items: '$nodes.start', expression: '$uppercase(name)' }],
        ],
        ['start -> prices', 'prices -> names'],
      ),
      [
        { name: 'pen', price: 2, qty: 3 },
        { name: 'ink', price: 5, qty: 1 },
      ],
    );
    expect(result.nodes.prices?.output).toEqual([6, 5]);
    expect(result.nodes.names?.output).toEqual(['PEN', 'INK']);
  });

  it('validate: valid passes the input on; invalid outputs it with the errors', async () => {
    const definition = flow(
      [
        [
          'check',
          'validate',
          {
            schema: {
              type: 'object',
              required: ['email'],
              properties: { age: { type: 'integer' } },
            },
          },
        ],
        ['ok', 'output'],
        ['bad', 'output'],
      ],
      ['start -> check', 'check.valid -> ok', 'check.invalid -> bad'],
    );
    const good = await run(definition, { email: 'a@b.c' });
    expect(good.nodes.check?.port).toBe('valid');
    expect(good.output).toEqual({ email: 'a@b.c' });
    const bad = await run(definition, { age: 1.5 });
    expect(bad.nodes.check?.port).toBe('invalid');
    expect(bad.output).toEqual({
      input: { age: 1.5 },
      errors: [
        { path: '/email', message: 'is required' },
        { path: '/age', message: 'must be integer' },
      ],
    });
  });
});

// A chain of light nodes (fast-path transforms, merges) runs in the
// runner's clean loop while every node so far succeeded on its first port.
const lightChain = (bad: string) =>
  flow(
    [
      ['a', 'transform', { expression: '$input.x + 1' }],
      ['b', 'transform', { expression: '$nodes.a * 2' }],
      ['join', 'merge'],
      ['c', 'transform', { expression: '$nodes.join.a + $nodes.join.b' }],
      ['bad', 'transform', { expression: bad }],
      ['after', 'transform', { expression: '1' }],
      ['done', 'output'],
    ],
    [
      'start -> a',
      'a -> b',
      'a -> join',
      'b -> join',
      'join -> c',
      'c -> bad',
      'bad -> after',
      'after -> done',
    ],
  );

describe('runWorkflow: input and failures', () => {
  const typed = flow([['done', 'output']], ['start -> done'], {
    input: {
      schema: {
        type: 'object',
        required: ['amount', 'currency'],
        properties: { amount: { type: 'number' } },
      },
    },
  });

  it('INPUT_INVALID: the trigger fails, naming each error by its path', async () => {
    const result = await run(typed, { amount: 'ten' });
    expect(result.status).toBe('failed');
    expect(result.error).toMatchObject({ code: 'INPUT_INVALID', node: 'start' });
    expect(result.error?.message).toContain('/currency');
    expect(result.error?.message).toContain('/amount');
    expect(result.nodes.done?.status).toBe('skipped');
    expect(result.output).toBeNull();
  });

  it('an unhandled failure fails the run and skips everything downstream of it', async () => {
    const result = await run(
      flow(
        [
          ['broken', 'transform', { expression: '$error("no luck")' }],
          ['after', 'transform', { expression: '1' }],
          ['parallel', 'transform', { expression: '2' }],
          ['join', 'merge'],
          ['done', 'output'],
        ],
        [
          'start -> broken',
          'broken -> after',
          'start -> parallel',
          'after -> join',
          'parallel -> join',
          'join -> done',
        ],
      ),
    );
    expect(result.status).toBe('failed');
    expect(result.error).toMatchObject({ code: 'EXPRESSION_ERROR', node: 'broken' });
    expect(result.error?.message).toContain('no luck');
    expect(result.nodes.broken).toMatchObject({ status: 'failed', input: null });
    expect(result.nodes.broken?.output).toBeUndefined();
    expect(result.nodes.after?.status).toBe('skipped');
    // A merge downstream of the failure is skipped too, even with another input active.
    expect(result.nodes.join?.status).toBe('skipped');
    expect(result.nodes.done?.status).toBe('skipped');
    // An independent branch still runs, whatever order the nodes were sorted in.
    expect(result.nodes.parallel?.status).toBe('succeeded');
    expect(result.output).toBeNull();
  });

  it('a failure in a chain of light nodes, at once or in jsonata, stops the chain there', async () => {
    // `/ 0` fails in the fast path's result check; `+ "x"` in jsonata, asynchronously.
    for (const [bad, says] of [
      ['$nodes.c / 0', 'division by zero'],
      ['$nodes.c + "x"', 'number'],
    ] as const) {
      const result = await run(lightChain(bad), { x: 2 });
      expect(result.status).toBe('failed');
      expect(result.error).toMatchObject({ code: 'EXPRESSION_ERROR', node: 'bad' });
      expect(result.error?.message).toContain(says);
      expect(result.nodes.a).toMatchObject({ status: 'succeeded', output: 3 });
      expect(result.nodes.join).toMatchObject({ status: 'succeeded', output: { a: 3, b: 6 } });
      expect(result.nodes.c).toMatchObject({
        status: 'succeeded',
        input: { a: 3, b: 6 },
        output: 9,
      });
      expect(result.nodes.bad).toMatchObject({ status: 'failed', input: 9 });
      expect(result.nodes.after?.status).toBe('skipped');
      expect(result.nodes.done?.status).toBe('skipped');
    }
  });

  it('a handled failure in a chain of light nodes goes on through its error port', async () => {
    const definition = lightChain('$nodes.c / 0');
    definition.nodes.push({
      id: 'recover',
      kind: 'output',
      config: { expression: '{ "code": error.code, "from": input }' },
    });
    definition.edges.push({ source: 'bad', sourcePort: 'error', target: 'recover' });
    const result = await run(definition, { x: 2 });
    expect(result.status).toBe('succeeded');
    expect(result.nodes.bad).toMatchObject({ status: 'failed', port: 'error' });
    expect(result.nodes.after?.status).toBe('skipped');
    expect(result.output).toEqual({ code: 'EXPRESSION_ERROR', from: 9 });
  });

  it('the error port handles a failure: it emits { error, input } and the run goes on', async () => {
    const result = await run(
      flow(
        [
          [
            'charge',
            'http',
            {
              url: '"https://erp/charge"',
              mock: { error: { code: 'DECLINED', message: 'card declined' } },
            },
          ],
          ['ok', 'output'],
          ['recover', 'output', { expression: '{ "failed": error.code, "amount": input.amount }' }],
        ],
        ['start -> charge', 'charge -> ok', 'charge.error -> recover'],
      ),
      { amount: 12 },
    );
    expect(result.status).toBe('succeeded');
    expect(result.nodes.charge).toMatchObject({
      status: 'failed',
      port: 'error',
      error: { code: 'DECLINED', message: 'card declined' },
      output: { error: { code: 'DECLINED', message: 'card declined' }, input: { amount: 12 } },
    });
    expect(result.nodes.ok?.status).toBe('skipped');
    expect(result.output).toEqual({ failed: 'DECLINED', amount: 12 });
  });

  it('while every node succeeds, what hangs off an error port is skipped and merges see only first ports', async () => {
    const result = await run(
      flow(
        [
          ['a', 'transform', { expression: '$ + 1' }],
          ['b', 'transform', { expression: '$ * 10' }],
          ['recover', 'transform', { expression: '"recovered"' }],
          ['m', 'merge'],
          ['done', 'output'],
        ],
        [
          'start -> a',
          'a -> b',
          'a.error -> recover',
          'a -> m',
          'b -> m',
          'recover -> m',
          'm -> done',
        ],
      ),
      1,
    );
    expect(result.status).toBe('succeeded');
    expect(result.nodes.recover?.status).toBe('skipped');
    expect(result.output).toEqual({ a: 2, b: 20 });
  });

  it('a cancelled run stops before the next node and says so', async () => {
    const signal = { aborted: true, addEventListener: () => undefined };
    const result = await run(flow([['done', 'output']], ['start -> done']), {}, { signal });
    expect(result.status).toBe('failed');
    expect(result.error).toEqual({ code: 'CANCELLED', message: 'The run was cancelled.' });
    expect(result.nodes.start?.status).toBe('skipped');
  });

  it('leaves an empty array input as it was when jsonata builds an object over it', async () => {
    const input: Json[] = [];
    const result = await run(
      flow([['shape', 'transform', { expression: '{ "a": { "b": 1 } }' }]], ['start -> shape']),
      input,
    );
    expect(result.nodes.shape?.output).toEqual({ a: { b: 1 } });
    expect(input).toEqual([]);
    expect(result.nodes.start?.output).toEqual([]);
  });

  it('a run cancelled in the middle of a chain of light nodes stops there', async () => {
    // The caller's clock cancels the run on its fourth reading, in the middle
    // of the chain (light nodes read it once per group of them).
    const controller = new AbortController();
    let readings = 0;
    const clock = () => {
      if (++readings === 4) controller.abort();
      return readings;
    };
    const ids = Array.from({ length: 80 }, (_, i) => `t${i}`);
    const result = await run(
      flow(
        [
          ...ids.map((id): NodeShorthand => [id, 'transform', { expression: '$ + 1' }]),
          ['done', 'output'],
        ],
        ['start -> t0', ...ids.slice(1).map((id, i) => `t${i} -> ${id}`), 't79 -> done'],
      ),
      0,
      { signal: controller.signal, clock },
    );
    expect(result.status).toBe('failed');
    expect(result.error?.code).toBe('CANCELLED');
    expect(result.nodes.t0?.status).toBe('succeeded');
    expect(result.nodes.t79?.status).toBe('skipped');
    expect(result.nodes.done?.status).toBe('skipped');
  });

  it('fail: its code, and the cause as the message', async () => {
    const result = await run(
      flow(
        [
          [
            'stop',
            'fail',
            { error: 'OVER_BUDGET', cause: '"Budget exceeded by " & $string(over)' },
          ],
        ],
        ['start -> stop'],
      ),
      { over: 30 },
    );
    expect(result.error).toEqual({
      code: 'OVER_BUDGET',
      message: 'Budget exceeded by 30',
      node: 'stop',
    });
  });
});

describe('runWorkflow: preview integrations', () => {
  it('http and llm return their mocks', async () => {
    const result = await run(
      flow(
        [
          [
            'get',
            'http',
            { url: '"https://api/x"', mock: { status: 200, headers: {}, body: { id: 7 } } },
          ],
          [
            'ask',
            'llm',
            { model: 'm', prompt: '"Summarise " & $string(body.id)', mock: { text: 'a summary' } },
          ],
          ['done', 'output', { expression: '{ "id": $nodes.get.body.id, "text": text }' }],
        ],
        ['start -> get', 'get -> ask', 'ask -> done'],
      ),
    );
    expect(result.output).toEqual({ id: 7, text: 'a summary' });
  });

  it('MOCK_MISSING: preview never calls out', async () => {
    const result = await run(flow([['get', 'http', { url: '"https://api/x"' }]], ['start -> get']));
    expect(result.error).toMatchObject({ code: 'MOCK_MISSING', node: 'get' });
  });

  it('a mocked non-2xx response is an HTTP_ERROR, as a real one would be', async () => {
    const result = await run(
      flow(
        [
          [
            'get',
            'http',
            { url: '"https://api/x"', mock: { status: 503, headers: {}, body: null } },
          ],
        ],
        ['start -> get'],
      ),
    );
    expect(result.error).toMatchObject({ code: 'HTTP_ERROR', node: 'get' });
  });

  it('retries with exponential backoff on the virtual clock', async () => {
    const result = await run(
      flow(
        [
          [
            'get',
            'http',
            {
              url: '"https://api/x"',
              mock: { error: { code: 'HTTP_ERROR', message: 'unavailable' } },
              retry: { maxAttempts: 3, intervalSeconds: 2, backoffRate: 3 },
            },
          ],
        ],
        ['start -> get'],
      ),
    );
    expect(result.status).toBe('failed');
    // 1 attempt + 3 retries, waiting 2 s, 6 s and 18 s between them.
    expect(result.nodes.get).toMatchObject({ attempts: 4, waitedMs: 26000 });
  });

  it('retries only the error codes listed in retry.errors', async () => {
    const result = await run(
      flow(
        [
          [
            'ask',
            'llm',
            {
              prompt: '"hi"',
              mock: { error: { code: 'LLM_ERROR', message: 'bad request' } },
              retry: { maxAttempts: 2, errors: ['TIMEOUT'] },
            },
          ],
        ],
        ['start -> ask'],
      ),
    );
    expect(result.nodes.ask).toMatchObject({ attempts: 1, status: 'failed' });
    expect(result.nodes.ask?.waitedMs).toBeUndefined();
  });

  it('approval: approved by default in preview; decisions route to rejected', async () => {
    const definition = flow(
      [
        ['ask', 'approval', { message: '"Approve " & $string(amount) & "?"' }],
        ['yes', 'output', { expression: '"approved"' }],
        ['no', 'output', { expression: '"rejected"' }],
      ],
      ['start -> ask', 'ask.approved -> yes', 'ask.rejected -> no'],
    );
    const approved = await run(definition, { amount: 5 });
    expect(approved.output).toBe('approved');
    expect(approved.nodes.ask?.message).toBe('Approve 5?');
    const rejected = await run(definition, { amount: 5 }, { decisions: { ask: 'rejected' } });
    expect(rejected.output).toBe('rejected');
    expect(rejected.nodes.ask?.port).toBe('rejected');
  });

  it('approval in live mode without a decision waits, and so does the run', async () => {
    const result = await run(
      flow(
        [
          ['ask', 'approval'],
          ['after', 'output'],
          ['other', 'output', { expression: '"parallel work"' }],
        ],
        ['start -> ask', 'ask.approved -> after', 'start -> other'],
      ),
      {},
      { mode: 'live' },
    );
    expect(result.status).toBe('waiting');
    expect(result.nodes.ask?.status).toBe('waiting');
    expect(result.nodes.after?.status).toBe('skipped');
    expect(result.nodes.other?.status).toBe('succeeded');
    expect(result.output).toBe('parallel work');
  });

  it('delay advances the virtual clock by a number or an expression of seconds', async () => {
    const result = await run(
      flow(
        [
          ['fixed', 'delay', { seconds: 90 }],
          ['computed', 'delay', { seconds: 'days * 86400' }],
          ['done', 'output'],
        ],
        ['start -> fixed', 'fixed -> computed', 'computed -> done'],
      ),
      { days: 2 },
    );
    expect(result.output).toEqual({ days: 2 });
    expect(result.nodes.fixed?.waitedMs).toBe(90_000);
    expect(result.nodes.computed?.waitedMs).toBe(172_800_000);
  });

  it('delay sleeps for real in live mode, through the injected sleep', async () => {
    const slept: number[] = [];
    const result = await run(
      flow([['wait', 'delay', { seconds: 1.5 }]], ['start -> wait']),
      {},
      { mode: 'live', sleep: async (ms) => void slept.push(ms) },
    );
    expect(result.status).toBe('succeeded');
    expect(slept).toEqual([1500]);
    expect(result.nodes.wait?.waitedMs).toBe(1500);
  });

  it('delay with seconds that are not a number fails', async () => {
    const result = await run(flow([['wait', 'delay', { seconds: 'label' }]], ['start -> wait']), {
      label: 'soon',
    });
    expect(result.error).toMatchObject({ code: 'EXPRESSION_ERROR', node: 'wait' });
    expect(result.error?.message).toContain('"soon"');
  });
});

describe('runWorkflow: expression scope', () => {
  it('sees $input, upstream $nodes, a fixed $now and $millis', async () => {
    const result = await run(
      flow(
        [
          ['first', 'transform', { expression: 'a + 1' }],
          [
            'second',
            'transform',
            { expression: '{ "sum": $nodes.first + $input.a, "at": $now(), "ms": $millis() }' },
          ],
        ],
        ['start -> first', 'first -> second'],
      ),
      { a: 1 },
      { now: Date.UTC(2024, 0, 2) },
    );
    expect(result.nodes.second?.output).toEqual({
      sum: 3,
      at: '2024-01-02T00:00:00.000Z',
      ms: Date.UTC(2024, 0, 2),
    });
  });

  it('$now() defaults to the epoch in preview', async () => {
    const result = await run(flow([['t', 'transform', { expression: '$now()' }]], ['start -> t']));
    expect(result.nodes.t?.output).toBe('1970-01-01T00:00:00.000Z');
  });

  it('a skipped upstream node reads as nothing', async () => {
    const result = await run(
      flow(
        [
          ['c', 'condition', { expression: 'false' }],
          ['maybe', 'transform', { expression: '"value"' }],
          ['join', 'merge'],
          ['after', 'transform', { expression: '$exists($nodes.maybe)' }],
        ],
        ['start -> c', 'c.true -> maybe', 'maybe -> join', 'c.false -> join', 'join -> after'],
      ),
    );
    expect(result.nodes.join?.output).toEqual({ c: null });
    expect(result.nodes.after?.output).toBe(false);
  });

  it('is deterministic: the same input and options give the same result', async () => {
    const definition = flow(
      [
        ['r', 'transform', { expression: '[$random(), $random()]' }],
        ['get', 'http', { url: '"https://x"', mock: { status: 200, headers: {}, body: 1 } }],
        ['done', 'output'],
      ],
      ['start -> r', 'r -> get', 'get -> done'],
    );
    const first = await run(definition, { a: 1 }, { seed: 42 });
    const second = await run(definition, { a: 1 }, { seed: 42 });
    expect(withoutDurations(second)).toEqual(withoutDurations(first));
    const other = await run(definition, { a: 1 }, { seed: 43 });
    expect(other.nodes.r?.output).not.toEqual(first.nodes.r?.output);
  });
});

describe('runWorkflow: sub-workflows', () => {
  const child = defineWorkflow(
    [
      ['in', 'trigger'],
      ['provision', 'transform', { expression: '{ "account": $lowercase(name) }' }],
      ['out', 'output'],
    ],
    ['in -> provision', 'provision -> out'],
    { id: 'child', name: 'Child' },
  );
  const parent = (workflow: string) =>
    flow(
      [
        ['call', 'subworkflow', { workflow, input: '{ "name": user }' }],
        ['done', 'output'],
      ],
      ['start -> call', 'call -> done'],
      { id: 'parent' },
    );
  const resolver =
    (...definitions: WorkflowDefinition[]) =>
    (id: string) =>
      definitions.find((d) => d.id === id);

  it('runs the sub-workflow and outputs its output', async () => {
    const result = await run(
      parent('child'),
      { user: 'Ada' },
      { resolveWorkflow: resolver(child) },
    );
    expect(result.output).toEqual({ account: 'ada' });
  });

  it('SUBWORKFLOW_NOT_FOUND without a resolver or an unknown id', async () => {
    expect((await run(parent('child'), {})).error?.code).toBe('SUBWORKFLOW_NOT_FOUND');
    const result = await run(parent('nope'), {}, { resolveWorkflow: resolver(child) });
    expect(result.error).toMatchObject({ code: 'SUBWORKFLOW_NOT_FOUND', node: 'call' });
  });

  it('SUBWORKFLOW_RECURSION: a workflow that calls itself, directly or not, names the chain', async () => {
    const self = await run(parent('parent'), {}, { resolveWorkflow: resolver(parent('parent')) });
    expect(self.error?.code).toBe('SUBWORKFLOW_RECURSION');

    const a = { ...parent('b'), id: 'a' };
    const b = { ...parent('a'), id: 'b' };
    const indirect = await run(a, {}, { resolveWorkflow: resolver(a, b) });
    expect(indirect.status).toBe('failed');
    expect(indirect.error?.code).toBe('SUBWORKFLOW_FAILED');
    expect(indirect.error?.message).toContain('SUBWORKFLOW_RECURSION');
    expect(indirect.error?.message).toContain('"a" -> "b" -> "a"');
  });

  it('a re-run with previous still runs the sub-workflow afresh', async () => {
    const options = { resolveWorkflow: resolver(child) };
    const first = await run(parent('child'), { user: 'Ada' }, options);
    const compiled = compileWorkflow(parent('child'));
    if (!compiled.ok) throw new Error('invalid');
    const changedChild = {
      ...child,
      nodes: child.nodes.map((n) =>
        n.id === 'provision'
          ? { ...n, config: { expression: '{ "account": $uppercase(name) }' } }
          : n,
      ),
    };
    const again = await runWorkflow(
      compiled.workflow,
      { user: 'Ada' },
      {
        resolveWorkflow: resolver(changedChild),
        previous: first,
      },
    );
    expect(again.nodes.start?.reused).toBe(true);
    expect(again.nodes.call?.reused).toBeUndefined();
    expect(again.output).toEqual({ account: 'ADA' });
  });

  it('SUBWORKFLOW_INVALID and SUBWORKFLOW_FAILED', async () => {
    const broken = { ...child, nodes: [] };
    const invalid = await run(parent('child'), {}, { resolveWorkflow: () => broken });
    expect(invalid.error?.code).toBe('SUBWORKFLOW_INVALID');
    expect(invalid.error?.message).toContain('TRIGGER_COUNT');

    const failing = defineWorkflow(
      [
        ['in', 'trigger'],
        ['stop', 'fail', { error: 'NO_SEAT', cause: '"no licence left"' }],
      ],
      ['in -> stop'],
      { id: 'child' },
    );
    const failed = await run(parent('child'), {}, { resolveWorkflow: resolver(failing) });
    expect(failed.error).toMatchObject({ code: 'SUBWORKFLOW_FAILED', node: 'call' });
    expect(failed.error?.message).toContain('NO_SEAT');
    expect(failed.error?.message).toContain('no licence left');
  });
});

describe('runWorkflow: re-runs reuse unchanged results', () => {
  const pipeline = (lastExpression: string) =>
    flow(
      [
        [
          'fetch',
          'http',
          { url: '"https://x"', mock: { status: 200, headers: {}, body: { n: 2 } } },
        ],
        ['square', 'transform', { expression: 'body.n * body.n' }],
        ['side', 'transform', { expression: '$random()' }],
        ['last', 'transform', { expression: lastExpression }],
        ['done', 'output'],
      ],
      ['start -> fetch', 'fetch -> square', 'start -> side', 'square -> last', 'last -> done'],
    );

  it('reruns only the edited node and what lies downstream; the result equals a full run', async () => {
    const first = await run(pipeline('$ + 1'), { a: 1 });
    const edited = compileWorkflow(pipeline('$ + 100'));
    if (!edited.ok) throw new Error('invalid');
    const again = await runWorkflow(edited.workflow, { a: 1 }, { previous: first });
    expect(again.output).toBe(104);
    expect(again.nodes.fetch?.reused).toBe(true);
    expect(again.nodes.square?.reused).toBe(true);
    expect(again.nodes.side?.reused).toBe(true);
    expect(again.nodes.last?.reused).toBeUndefined();
    expect(again.nodes.done?.reused).toBeUndefined();
    const full = await runWorkflow(edited.workflow, { a: 1 });
    expect(asFresh(again)).toEqual(asFresh(full));
  });

  it('reuses nothing when the input or the decisions differ', async () => {
    const first = await run(pipeline('$ + 1'), { a: 1 });
    const compiled = compileWorkflow(pipeline('$ + 1'));
    if (!compiled.ok) throw new Error('invalid');
    const otherInput = await runWorkflow(compiled.workflow, { a: 2 }, { previous: first });
    expect(Object.values(otherInput.nodes).some((n) => n.reused)).toBe(false);
    const otherSeed = await runWorkflow(compiled.workflow, { a: 1 }, { previous: first, seed: 9 });
    expect(otherSeed.nodes.side?.reused).toBeUndefined();
    expect(otherSeed.nodes.side?.output).not.toEqual(first.nodes.side?.output);
  });

  it('reuses only a result it handed out from a preview: a copy or a live run gets a full run', async () => {
    const compiled = compileWorkflow(pipeline('$ + 1'));
    if (!compiled.ok) throw new Error('invalid');
    const first = await runWorkflow(compiled.workflow, { a: 1 });
    const live = await runWorkflow(compiled.workflow, { a: 1 }, { mode: 'live' });
    for (const previous of [structuredClone(first), { ...first }, live]) {
      const again = await runWorkflow(compiled.workflow, { a: 1 }, { previous });
      expect(Object.values(again.nodes).some((n) => n.reused)).toBe(false);
      expect(again.output).toBe(5);
    }
    const reused = await runWorkflow(compiled.workflow, { a: 1 }, { previous: first });
    expect(reused.nodes.square?.reused).toBe(true);
  });

  it('downstream of an edit, a chain of light nodes runs afresh and equals a full run', async () => {
    const first = await run(lightChain('$nodes.c + 1'), { x: 2 });
    const definition = lightChain('$nodes.c + 1');
    const b = definition.nodes.find((n) => n.id === 'b');
    if (b) b.config = { expression: '$nodes.a * 3' };
    const edited = compileWorkflow(definition);
    if (!edited.ok) throw new Error('invalid');
    const again = await runWorkflow(edited.workflow, { x: 2 }, { previous: first });
    expect(again.nodes.a?.reused).toBe(true);
    for (const id of ['b', 'join', 'c', 'bad', 'after']) {
      expect(again.nodes[id]?.reused).toBeUndefined();
    }
    // `after` ran again and came out as before (1), so what reads it did not run again.
    expect(again.nodes.done?.reused).toBe(true);
    expect(again.nodes.c).toMatchObject({ input: { a: 3, b: 9 }, output: 12 });
    expect(again.nodes.bad?.output).toBe(13);
    const full = await runWorkflow(edited.workflow, { x: 2 });
    expect(asFresh(again)).toEqual(asFresh(full));
  });

  describe('early cutoff: a node that runs again and comes out the same stops the re-run', () => {
    // x feeds s, which keeps only `kept`; d reads s and, through $nodes, x.
    const cutoff = (x: string, d: string) =>
      flow(
        [
          ['x', 'transform', { expression: x }],
          ['s', 'transform', { expression: '{ "kept": kept }' }],
          ['t', 'transform', { expression: '{ "twice": kept * 2 }' }],
          ['d', 'transform', { expression: d }],
          ['done', 'output'],
        ],
        ['start -> x', 'x -> s', 's -> t', 't -> d', 'd -> done'],
      );
    const rerun = async (before: WorkflowDefinition, after: WorkflowDefinition) => {
      const first = await run(before, { n: 1 });
      const compiled = compileWorkflow(after);
      if (!compiled.ok) throw new Error('invalid');
      const again = await runWorkflow(compiled.workflow, { n: 1 }, { previous: first });
      const full = await runWorkflow(compiled.workflow, { n: 1 });
      expect(asFresh(again)).toEqual(asFresh(full));
      return again;
    };

    it('reuses what lies past a node whose output did not change', async () => {
      const again = await rerun(
        cutoff('{ "kept": $input.n, "other": 1 }', '$'),
        cutoff('{ "kept": $input.n, "other": 2 }', '$'),
      );
      expect(again.nodes.x).toMatchObject({ output: { kept: 1, other: 2 } });
      expect(again.nodes.x?.reused).toBeUndefined();
      expect(again.nodes.s?.reused).toBeUndefined();
      for (const id of ['t', 'd', 'done']) expect(again.nodes[id]?.reused).toBe(true);
    });

    it('runs a node again when a node it reads through $nodes changed, though its source did not', async () => {
      const again = await rerun(
        cutoff('{ "kept": $input.n, "other": 1 }', '$nodes.x.other'),
        cutoff('{ "kept": $input.n, "other": 2 }', '$nodes.x.other'),
      );
      expect(again.nodes.t?.reused).toBe(true);
      expect(again.nodes.d).toMatchObject({ output: 2 });
      expect(again.nodes.d?.reused).toBeUndefined();
      expect(again.nodes.done).toMatchObject({ output: 2 });
    });

    it('checks a $nodes read of a node that takes one source on two ports', async () => {
      const twoPorts = (x: string) =>
        flow(
          [
            ['x', 'transform', { expression: x }],
            ['s', 'transform', { expression: '{ "kept": kept }' }],
            ['c', 'condition', { expression: 'kept > 0' }],
            ['d', 'transform', { expression: '$nodes.x.other' }],
            ['done', 'output'],
          ],
          ['start -> x', 'x -> s', 's -> c', 'c.true -> d', 'c.false -> d', 'd -> done'],
        );
      const again = await rerun(
        twoPorts('{ "kept": $input.n, "other": 1 }'),
        twoPorts('{ "kept": $input.n, "other": 2 }'),
      );
      expect(again.nodes.c?.reused).toBe(true);
      expect(again.nodes.d).toMatchObject({ output: 2 });
    });

    it('runs downstream again when only the order of the keys changed', async () => {
      const again = await rerun(
        cutoff('{ "kept": $input.n }', '$'),
        cutoff('{ "kept": $input.n }', '$'),
      );
      expect(again.nodes.x?.reused).toBe(true);
      const keys = (order: string) =>
        flow(
          [
            ['x', 'transform', { expression: order }],
            ['k', 'output', { expression: '$keys($)' }],
          ],
          ['start -> x', 'x -> k'],
        );
      const swapped = await rerun(keys('{ "a": 1, "b": 2 }'), keys('{ "b": 2, "a": 1 }'));
      expect(swapped.nodes.k?.reused).toBeUndefined();
      expect(swapped.output).toEqual(['b', 'a']);
    });

    it('runs downstream again when an output that came out the same was a failure', async () => {
      const failing = (x: string) =>
        flow(
          [
            ['x', 'transform', { expression: x }],
            ['after', 'transform', { expression: '1' }],
            ['done', 'output'],
          ],
          ['start -> x', 'x -> after', 'x.error -> done', 'after -> done'],
        );
      const again = await rerun(failing('$error("no")'), failing('$error("no!")'));
      expect(again.nodes.x).toMatchObject({ status: 'failed' });
      expect(again.nodes.done?.reused).toBeUndefined();
    });

    it('keeps what a one-node recompile changed of the $nodes a node reads', async () => {
      // Each edit replaces one node and keeps the rest, as the editor does, so
      // it is compiled alone against the plan before (`recompileOne`).
      const edit = (definition: WorkflowDefinition, id: string, expression: string) => ({
        ...definition,
        nodes: definition.nodes.map((n) => (n.id === id ? { ...n, config: { expression } } : n)),
      });
      const one = cutoff('{ "kept": $input.n, "other": 1 }', '$');
      const first = compileWorkflow(one);
      if (!first.ok) throw new Error('invalid');
      const run1 = await runWorkflow(first.workflow, { n: 1 });
      // d now reads x through $nodes.
      const two = edit(one, 'd', '$nodes.x.other');
      const second = compileWorkflow(two, { previous: first.workflow });
      if (!second.ok) throw new Error('invalid');
      const run2 = await runWorkflow(second.workflow, { n: 1 }, { previous: run1 });
      expect(run2.nodes.d).toMatchObject({ output: 1 });
      // Then x changes in a way s does not pass on: d must see it all the same.
      const three = edit(two, 'x', '{ "kept": $input.n, "other": 5 }');
      const third = compileWorkflow(three, { previous: second.workflow });
      if (!third.ok) throw new Error('invalid');
      const run3 = await runWorkflow(third.workflow, { n: 1 }, { previous: run2 });
      expect(run3.nodes.t?.reused).toBe(true);
      expect(run3.nodes.d).toMatchObject({ output: 5 });
    });
  });

  it('re-runs a node whose incoming wiring changed', async () => {
    const first = await run(pipeline('$ + 1'), { a: 1 });
    const rewired = pipeline('$ + 1');
    rewired.edges = rewired.edges.map((e) =>
      e.target === 'last' ? { source: 'side', target: 'last' } : e,
    );
    const compiled = compileWorkflow(rewired);
    if (!compiled.ok) throw new Error('invalid');
    const again = await runWorkflow(compiled.workflow, { a: 1 }, { previous: first });
    expect(again.nodes.last?.reused).toBeUndefined();
    expect(again.nodes.side?.reused).toBe(true);
  });

  it('re-runs a merge whose incoming edges were reordered: its keys follow them', async () => {
    const keys = (edges: string[]) =>
      flow(
        [
          ['a', 'transform', { expression: '1' }],
          ['b', 'transform', { expression: '2' }],
          ['m', 'merge'],
          ['k', 'output', { expression: '$keys($nodes.m)' }],
        ],
        ['start -> a', 'start -> b', ...edges, 'm -> k'],
      );
    const first = await run(keys(['a -> m', 'b -> m']));
    expect(first.output).toEqual(['a', 'b']);
    const compiled = compileWorkflow(keys(['b -> m', 'a -> m']));
    if (!compiled.ok) throw new Error('invalid');
    const again = await runWorkflow(compiled.workflow, null, { previous: first });
    expect(again.output).toEqual(['b', 'a']);
    expect(again.nodes.k?.reused).toBeUndefined();
  });

  it('re-runs a failing node once its error port gets wired', async () => {
    const failing = (wired: boolean) =>
      flow(
        [
          ['boom', 'fail', { error: 'BOOM' }],
          ['caught', 'output', { expression: 'error.code' }],
        ],
        ['start -> boom', ...(wired ? ['boom.error -> caught'] : [])],
      );
    const first = await run(failing(false));
    expect(first.status).toBe('failed');
    const compiled = compileWorkflow(failing(true));
    if (!compiled.ok) throw new Error('invalid');
    const again = await runWorkflow(compiled.workflow, null, { previous: first });
    expect(again.status).toBe('succeeded');
    expect(again.output).toBe('BOOM');
  });

  it("each node's $random() does not depend on the other nodes", async () => {
    const one = await run(flow([['r', 'transform', { expression: '$random()' }]], ['start -> r']));
    const two = await run(
      flow(
        [
          ['other', 'transform', { expression: '$random()' }],
          ['r', 'transform', { expression: '$random()' }],
        ],
        ['start -> other', 'start -> r'],
      ),
    );
    expect(two.nodes.r?.output).toBe(one.nodes.r?.output);
    expect(two.nodes.other?.output).not.toBe(one.nodes.r?.output);
  });
});

describe('runWorkflow: node ids that are also JavaScript names', () => {
  it('treats constructor, toString and hasOwnProperty as ordinary ids', async () => {
    const result = await run(
      flow(
        [
          ['c', 'condition', { expression: 'false' }],
          ['constructor', 'transform', { expression: '1' }],
          ['toString', 'transform', { expression: '2' }],
          ['hasOwnProperty', 'merge'],
          ['done', 'output', { expression: '[$exists($nodes.constructor), $nodes.toString]' }],
        ],
        [
          'start -> c',
          'c.true -> constructor',
          'start -> toString',
          'constructor -> hasOwnProperty',
          'toString -> hasOwnProperty',
          'hasOwnProperty -> done',
        ],
      ),
    );
    const merged = Object.entries(result.nodes).find(([id]) => id === 'hasOwnProperty')?.[1];
    expect(merged?.output).toEqual({ toString: 2 });
    expect(result.output).toEqual([false, 2]);
  });

  it('refuses __proto__ as an id', () => {
    const result = compileWorkflow(flow([['__proto__', 'transform', { expression: '1' }]], []));
    expect(result.errors).toMatchObject([{ code: 'SCHEMA_INVALID', path: '/nodes/1/id' }]);
  });
});

describe('runWorkflow: what a run builds only when read', () => {
  // Node outputs are read by position and merge objects are built on demand;
  // none of that may show in the result.
  const fanIn = flow(
    [
      ['a', 'transform', { expression: 'x + 1' }],
      ['b', 'transform', { expression: 'x * 10' }],
      ['join', 'merge'],
      ['sum', 'transform', { expression: '$nodes.a + $nodes.b' }],
      ['whole', 'transform', { expression: '$' }],
      ['done', 'output', { expression: '{ "sum": $nodes.sum, "join": $nodes.join }' }],
    ],
    [
      'start -> a',
      'start -> b',
      'a -> join',
      'b -> join',
      'join -> sum',
      'sum -> whole',
      'whole -> done',
    ],
  );

  it('a node that never reads its input still reports it, and a merge its object', async () => {
    const result = await run(fanIn, { x: 2 });
    expect(result.status).toBe('succeeded');
    expect(result.nodes.join).toMatchObject({ input: { a: 3, b: 20 }, output: { a: 3, b: 20 } });
    expect(result.nodes.sum).toMatchObject({ input: { a: 3, b: 20 }, output: 23 });
    expect(result.output).toEqual({ sum: 23, join: { a: 3, b: 20 } });
  });

  it('an output that does not read its input still reports it; one without an expression passes it on', async () => {
    const result = await run(
      flow(
        [
          ['a', 'transform', { expression: 'x + 1' }],
          ['b', 'transform', { expression: 'x * 10' }],
          ['join', 'merge'],
          ['total', 'output', { expression: '$nodes.a + $nodes.b' }],
          ['whole', 'output', {}],
        ],
        ['start -> a', 'start -> b', 'a -> join', 'b -> join', 'join -> total', 'join -> whole'],
      ),
      { x: 2 },
    );
    expect(result.output).toEqual({ total: 23, whole: { a: 3, b: 20 } });
    expect(result.nodes.total).toMatchObject({ input: { a: 3, b: 20 }, output: 23 });
  });

  it('knows which expressions read their input', () => {
    const reads = (source: string) => {
      const compiled = compileExpression(source);
      if (!compiled.ok) throw new Error(source);
      return compiled.expression.readsInput;
    };
    for (const source of ['$nodes.a + $nodes.b', '$nodes.a.items[0]', '$input.x', '1 + 2']) {
      expect(reads(source), source).toBe(false);
    }
    // `$`, `$$`, relative paths, object constructors (they group over an array
    // input), predicates (conservatively), and whatever jsonata interprets.
    for (const source of ['$', '$$', 'x', '{ "a": $nodes.a }', '$nodes.a[x > 1]', '$string()']) {
      expect(reads(source), source).toBe(true);
    }
  });

  it('$nodes reads the run through jsonata too (expressions off the fast path)', async () => {
    const result = await run(
      flow(
        [
          ['who', 'transform', { expression: '{ "name": "ada" }' }],
          ['shout', 'transform', { expression: '$nodes.who.name ~> $uppercase()' }],
        ],
        ['start -> who', 'who -> shout'],
      ),
    );
    expect(result.nodes.shout?.output).toBe('ADA');
  });

  it('the nodes record is a plain property to JSON, structured clone and assignment', async () => {
    const result = await run(fanIn, { x: 2 });
    const text = JSON.parse(JSON.stringify(result)) as RunResult;
    expect(text.nodes.sum?.output).toBe(23);
    expect(structuredClone(result).nodes.join?.output).toEqual({ a: 3, b: 20 });
    const other = await run(fanIn, { x: 2 });
    other.nodes = {};
    expect(other.nodes).toEqual({});
    expect(Object.keys(result)).toEqual(['status', 'output', 'nodes', 'durationMs']);
    const frozen = Object.freeze(await run(fanIn, { x: 2 }));
    expect(frozen.nodes.sum?.output).toBe(23);
    expect(frozen.nodes).toBe(frozen.nodes);
    expect(() => {
      (frozen as RunResult).nodes = {};
    }).toThrow(TypeError);
    const sealed = Object.seal(await run(fanIn, { x: 2 }));
    sealed.nodes = {};
    expect(sealed.nodes).toEqual({});
  });

  it('the nodes record through a prototype, a proxy or an assignment; previous that is not a result', async () => {
    const result = await run(fanIn, { x: 2 });
    expect((Object.create(result) as RunResult).nodes.sum?.output).toBe(23);
    // Through a proxy before any read of the result itself: a clear error, not nothing.
    const unread = await run(fanIn, { x: 2 });
    expect(() => new Proxy(unread, {}).nodes).toThrow(/read `nodes` on the result/);
    expect(unread.nodes.sum?.output).toBe(23);
    expect(new Proxy(unread, {}).nodes.sum?.output).toBe(23);
    const written = await run(fanIn, { x: 2 });
    new Proxy(written, {}).nodes = {};
    expect(written.nodes).toEqual({});
    const compiled = compileWorkflow(fanIn);
    if (!compiled.ok) throw new Error('invalid');
    for (const previous of [true, 'x', 5, Symbol('run')]) {
      const again = await runWorkflow(
        compiled.workflow,
        { x: 2 },
        {
          previous: previous as unknown as RunResult,
        },
      );
      expect(again.output).toEqual(result.output);
      expect(Object.values(again.nodes).some((n) => n.reused)).toBe(false);
    }
  });

  it('nodeEntries lists what result.nodes holds, in the same order, before or after it is read', async () => {
    // Defined out of run order, with a node that fails and one skipped behind it.
    const definition = flow(
      [
        ['late', 'transform', { expression: '$nodes.early * 2' }],
        ['early', 'transform', { expression: 'x + 1' }],
        ['broken', 'transform', { expression: '$error("no")' }],
        ['after', 'transform', { expression: '$' }],
      ],
      ['early -> late', 'start -> early', 'start -> broken', 'broken -> after'],
    );
    const unread = await run(definition, { x: 2 });
    const entries = nodeEntries(unread);
    const read = await run(definition, { x: 2 });
    expect(entries?.map(([id]) => id)).toEqual(['start', 'late', 'early', 'broken', 'after']);
    expect(entries?.find(([id]) => id === 'late')?.[1].output).toBe(6);
    expect(entries?.find(([id]) => id === 'broken')?.[1].status).toBe('failed');
    expect(entries?.find(([id]) => id === 'after')?.[1].status).toBe('skipped');
    expect(asFresh({ ...unread, nodes: Object.fromEntries(entries ?? []) })).toEqual(asFresh(read));
    // Once `nodes` is read, the same records.
    expect(nodeEntries(read)?.every(([id, r]) => read.nodes[id] === r)).toBe(true);
    // A copy holds no run.
    expect(nodeEntries(structuredClone(read))).toBeUndefined();
  });

  it('shares a group of light nodes\u2019 time by the work each did', async () => {
    // A clock that moves 1 ms per reading: the three transforms run as one
    // group, so they share one millisecond, most of it to the one that looped.
    let now = 0;
    const clock = () => now++;
    const items = Array.from({ length: 1000 }, (_, i) => ({ v: i }));
    const result = await run(
      flow(
        [
          ['small', 'transform', { expression: '$count(items)' }],
          ['busy', 'transform', { expression: '$count($input.items[v > 10])' }],
          ['tiny', 'transform', { expression: '1' }],
        ],
        ['start -> small', 'small -> busy', 'busy -> tiny'],
      ),
      { items },
      { clock },
    );
    expect(result.nodes.busy?.output).toBe(989);
    const ms = (id: string) => result.nodes[id]?.durationMs ?? NaN;
    expect(ms('small') + ms('busy') + ms('tiny')).toBeCloseTo(1, 9);
    expect(ms('busy')).toBeGreaterThan(0.9);
    expect(ms('tiny')).toBeGreaterThan(0);
    for (const node of Object.values(result.nodes)) {
      expect(node.durationMs).toBeGreaterThanOrEqual(0);
    }
  });
  it('times a long chain of light nodes in groups of 32, each group\u2019s time shared by work', async () => {
    // One clock reading per group, 1 ms apart: 70 transforms make groups of
    // 32, 32 and 6; in the second, t40 filters a thousand items.
    let now = 0;
    const clock = () => now++;
    const items = Array.from({ length: 1000 }, (_, i) => ({ v: i }));
    const nodes: NodeShorthand[] = [];
    const edges: string[] = [];
    for (let i = 0; i < 70; i++) {
      const previous = i === 0 ? '$input.n' : `$nodes.t${i - 1}`;
      const expression =
        i === 40 ? `$count($input.items[v > 10]) + ${previous}` : `${previous} + 1`;
      nodes.push([`t${i}`, 'transform', { expression }]);
      edges.push(`${i === 0 ? 'start' : `t${i - 1}`} -> t${i}`);
    }
    const result = await run(flow(nodes, edges), { n: 0, items }, { clock });
    expect(result.nodes.t69?.output).toBe(69 + 989);
    const ms = (i: number) => result.nodes[`t${i}`]?.durationMs ?? NaN;
    const sum = (from: number, to: number) => {
      let total = 0;
      for (let i = from; i < to; i++) total += ms(i);
      return total;
    };
    for (let i = 0; i < 32; i++) expect(ms(i)).toBeCloseTo(1 / 32, 9);
    expect(sum(32, 64)).toBeCloseTo(1, 9);
    expect(ms(40)).toBeGreaterThan(0.9);
    expect(sum(32, 64) - ms(40)).toBeLessThan(0.1);
    expect(sum(64, 70)).toBeCloseTo(1, 9);
    for (let i = 64; i < 70; i++) expect(ms(i)).toBeCloseTo(1 / 6, 9);
  });

  it('times light nodes before and after a condition in one group, one clock reading', async () => {
    // The condition runs in the general loop and a, k and f share one group:
    // the clock is read at the start, for the trigger, and once for the group.
    let now = 0;
    const clock = () => ++now;
    const result = await run(
      flow(
        [
          ['a', 'transform', { expression: '$ + 1' }],
          ['k', 'condition', { expression: '$ > 0' }],
          ['f', 'transform', { expression: '$ + 1' }],
        ],
        ['start -> a', 'a -> k', 'k.true -> f'],
      ),
      1,
      { clock },
    );
    expect(result.nodes.f?.output).toBe(3);
    for (const id of ['a', 'k', 'f']) expect(result.nodes[id]?.durationMs).toBeCloseTo(1 / 3, 9);
  });

  it('keeps reused nodes\u2019 durations and never reports a negative one, whatever the clock does', async () => {
    // p and s run again after the edit, in one timing group; q and r are
    // reused, and may lie between them in the run's order.
    const definition = (last: string) =>
      flow(
        [
          ['p', 'transform', { expression: '$input.a + 1' }],
          ['q', 'transform', { expression: '$input.a * 2' }],
          ['r', 'transform', { expression: '$nodes.q + 1' }],
          ['s', 'transform', { expression: last }],
        ],
        ['start -> p', 'p -> s', 'start -> q', 'q -> r'],
      );
    let now = 0;
    const first = await run(definition('$nodes.p'), { a: 1 }, { clock: () => (now += 3) });
    const edited = compileWorkflow(definition('$nodes.p * 10'));
    if (!edited.ok) throw new Error('invalid');
    // A clock that steps back on every reading.
    const again = await runWorkflow(
      edited.workflow,
      { a: 1 },
      { previous: first, clock: () => (now -= 5) },
    );
    expect(again.nodes.s?.output).toBe(20);
    expect(again.nodes.q?.reused).toBe(true);
    expect(again.nodes.r?.reused).toBe(true);
    expect(again.nodes.q?.durationMs).toBe(first.nodes.q?.durationMs);
    expect(again.nodes.r?.durationMs).toBe(first.nodes.r?.durationMs);
    for (const node of Object.values(again.nodes)) {
      expect(node.durationMs).toBeGreaterThanOrEqual(0);
    }
    // A clock that moves forward again: p and s share the group's time.
    const third = compileWorkflow(definition('$nodes.p * 100'));
    if (!third.ok) throw new Error('invalid');
    now = 0;
    const last = await runWorkflow(
      third.workflow,
      { a: 1 },
      { previous: again, clock: () => (now += 1) },
    );
    expect(last.nodes.q?.durationMs).toBe(first.nodes.q?.durationMs);
    expect(last.nodes.s?.durationMs).toBeGreaterThan(0);
  });
});
