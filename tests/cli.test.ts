// The CLI as a user meets it: a separate process, JSON on stdout, messages on
// stderr, and exit codes 0 succeeded, 1 failed, 2 invalid or wrong usage,
// 3 waiting.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runCli, scratchFolder, type Outcome } from './support/cli.ts';

const PURCHASE_ORDER = join(ROOT, 'public/samples/purchase-order.json');
const ONBOARDING = join(ROOT, 'public/samples/employee-onboarding.json');
const { dir: scratch, file } = scratchFolder('weft-cli-');

function cli(...args: string[]): Promise<Outcome> {
  return runCli(args);
}

function cliWithEnv(env: Record<string, string>, ...args: string[]): Promise<Outcome> {
  return runCli(args, env);
}

function json(outcome: Outcome): Record<string, unknown> {
  return JSON.parse(outcome.stdout) as Record<string, unknown>;
}

function workflow(nodes: unknown[], edges: unknown[]): Record<string, unknown> {
  return { format: 'weft/v1', id: 'test', name: 'test', nodes, edges };
}

const approvalOnly = workflow(
  [
    { id: 'start', kind: 'trigger' },
    { id: 'gate', kind: 'approval', config: { message: '"Ship it?"' } },
    { id: 'out', kind: 'output' },
  ],
  [
    { source: 'start', target: 'gate' },
    { source: 'gate', sourcePort: 'approved', target: 'out' },
  ],
);

// Each case starts a Node process (and a worker thread for runs): seconds on a
// loaded machine, so the limit is generous. Nothing here asserts a duration.
describe('usage', { timeout: 60_000 }, () => {
  it('prints usage and exits 0 for --help', async () => {
    const r = await cli('--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: npm run flow -- <command>');
    expect(r.stdout).toContain('validate <file>');
  });

  it('prints usage to stderr and exits 2 with no arguments', async () => {
    const r = await cli();
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('Usage:');
  });

  it('names an unknown command or option and exits 2', async () => {
    const command = await cli('launch', PURCHASE_ORDER);
    expect(command.code).toBe(2);
    expect(command.stderr).toContain('unknown command "launch"');
    const option = await cli('run', PURCHASE_ORDER, '--verbose');
    expect(option.code).toBe(2);
    expect(option.stderr).toContain("'--verbose'");
  });

  it('refuses --input together with --sample, and a bad --timeout', async () => {
    const both = await cli('run', PURCHASE_ORDER, '--input', PURCHASE_ORDER, '--sample', 'x');
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('give --input or --sample, not both');
    const timeout = await cli('run', PURCHASE_ORDER, '--timeout', 'soon');
    expect(timeout.code).toBe(2);
    expect(timeout.stderr).toContain('--timeout takes a positive number of seconds');
  });
});

describe('validate', { timeout: 60_000 }, () => {
  it('reports a valid sample with exit 0', async () => {
    const r = await cli('validate', PURCHASE_ORDER);
    expect(r.code).toBe(0);
    expect(json(r)).toEqual({ valid: true, errors: [], warnings: [] });
  });

  it('lists the problems of an invalid graph with path, code and message, exit 2', async () => {
    const cyclic = file(
      'cycle.json',
      workflow(
        [
          { id: 'start', kind: 'trigger' },
          { id: 'a', kind: 'transform', config: { expression: '$' } },
          { id: 'b', kind: 'transform', config: { expression: '$' } },
        ],
        [
          { source: 'start', target: 'a' },
          { source: 'a', target: 'b' },
          { source: 'b', target: 'a' },
        ],
      ),
    );
    const r = await cli('validate', cyclic);
    expect(r.code).toBe(2);
    const out = json(r) as { valid: boolean; errors: { path: string; code: string }[] };
    expect(out.valid).toBe(false);
    expect(out.errors).toEqual([{ path: '/nodes/1', code: 'CYCLE', message: expect.any(String) }]);
    expect(r.stderr).toMatch(/cycle\.json: error \/nodes\/1 CYCLE: .*"a".*"b"/);
  });

  it('reports a file in the wrong format as SCHEMA_INVALID, exit 2', async () => {
    const r = await cli('validate', file('array.json', [{ id: 'start', kind: 'trigger' }]));
    expect(r.code).toBe(2);
    const out = json(r) as { errors: { code: string }[] };
    expect(out.errors.map((e) => e.code)).toEqual(['SCHEMA_INVALID']);
  });

  it('names a file that is not JSON and the spot where it breaks, exit 2', async () => {
    const broken = file('broken.json', '{\n  "format": "weft/v1",\n  "id": "x",,\n}');
    const r = await cli('validate', broken);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('broken.json is not valid JSON');
    expect(r.stderr).toContain('line 3, column 13');
  });

  it('says when the file does not exist, exit 2', async () => {
    const r = await cli('validate', join(scratch, 'nowhere.json'));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('nowhere.json: no such file');
  });

  it('refuses hostile files with a clear message instead of crashing', async () => {
    const deep = await cli('validate', file('deep.json', '['.repeat(10_000) + ']'.repeat(10_000)));
    expect(deep.code).toBe(2);
    expect(deep.stderr).toContain('nesting deeper than 512 levels');
    const huge = file('huge.json', `"${'x'.repeat(17 * 1024 * 1024)}"`);
    const big = await cli('validate', huge);
    expect(big.code).toBe(2);
    expect(big.stderr).toContain('files up to 16.0 MB are accepted');
  });
});

describe('export', { timeout: 60_000 }, () => {
  it('hands export to the exporter: the state machine on stdout, exit 0', async () => {
    const r = await cli('export', PURCHASE_ORDER, '--target', 'asl');
    expect(r.code).toBe(0);
    const machine = json(r) as { QueryLanguage: string; StartAt: string; States: object };
    expect(machine.QueryLanguage).toBe('JSONata');
    expect(Object.keys(machine.States)).toContain(machine.StartAt);
  });

  it('exits 2 with usage when the target is missing', async () => {
    const r = await cli('export', PURCHASE_ORDER);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--target asl');
  });
});

describe('run', { timeout: 60_000 }, () => {
  it('runs the first sample when neither --input nor --sample is given, exit 0', async () => {
    const r = await cli('run', PURCHASE_ORDER);
    expect(r.code).toBe(0);
    const result = json(r) as { status: string; output: unknown };
    expect(result.status).toBe('succeeded');
    expect(result.output).toEqual({
      status: 'ordered',
      poNumber: 'PO-2026-0142',
      vendor: 'Acme Office Supply',
      total: 115.5,
    });
  });

  it('runs a named sample', async () => {
    const r = await cli('run', PURCHASE_ORDER, '--sample', 'unmapped department');
    expect(r.code).toBe(0);
    expect((json(r) as { output: { status: string } }).output.status).toBe('manual entry');
  });

  it('lists the samples when the named one does not exist, exit 2', async () => {
    const r = await cli('run', PURCHASE_ORDER, '--sample', 'big order');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('has no sample "big order"');
    expect(r.stderr).toContain('office supplies');
    expect(r.stderr).toContain('unapproved vendor');
  });

  it('takes the input from --input, and reports a failed run with exit 1', async () => {
    const input = file('order.json', { requester: 'Kim', department: 'Engineering', items: [] });
    const r = await cli('run', PURCHASE_ORDER, '--input', input);
    expect(r.code).toBe(1);
    const result = json(r) as { status: string; error: { code: string; node: string } };
    expect(result.status).toBe('failed');
    expect(result.error).toMatchObject({ code: 'INPUT_INVALID', node: 'start' });
    expect(r.stderr).toContain('the run failed at node "start" (data /vendor): INPUT_INVALID');
  });

  it('refuses an input file that is not JSON, exit 2', async () => {
    const r = await cli('run', PURCHASE_ORDER, '--input', file('input.json', "{ amount: 'x' }"));
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('input.json is not valid JSON');
    expect(r.stderr).toContain('expected a property name in double quotes at line 1, column 3');
  });

  it('applies --decisions to approval nodes', async () => {
    const decisions = file('decisions.json', { approve: 'rejected' });
    const r = await cli('run', PURCHASE_ORDER, '--sample', 'new laptops', '--decisions', decisions);
    expect(r.code).toBe(0);
    const result = json(r) as { output: unknown; nodes: Record<string, { port?: string }> };
    expect(result.nodes.approve?.port).toBe('rejected');
    expect(result.output).toEqual({
      status: 'declined',
      total: 8352,
      requester: 'Priya Natarajan',
    });
  });

  it('refuses decisions that are not approved or rejected, exit 2', async () => {
    const decisions = file('maybe.json', { approve: 'maybe' });
    const r = await cli('run', PURCHASE_ORDER, '--decisions', decisions);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('the decision for "approve" must be "approved" or "rejected"');
  });

  it('exits 3 when a live run waits for an approval', async () => {
    const r = await cli('run', file('approval.json', approvalOnly), '--live');
    expect(r.code).toBe(3);
    const result = json(r) as { status: string; nodes: Record<string, { status: string }> };
    expect(result.status).toBe('waiting');
    expect(result.nodes.gate?.status).toBe('waiting');
    expect(r.stderr).toContain('waiting for: gate');
  });

  it('prints the diagnostics of an invalid definition and exits 2', async () => {
    const invalid = file(
      'invalid.json',
      workflow(
        [
          { id: 'start', kind: 'trigger' },
          { id: 'calc', kind: 'transform', config: { expression: 'amount >' } },
        ],
        [{ source: 'start', target: 'calc' }],
      ),
    );
    const r = await cli('run', invalid);
    expect(r.code).toBe(2);
    const out = json(r) as { valid: boolean; errors: { path: string; code: string }[] };
    expect(out.valid).toBe(false);
    expect(out.errors[0]).toMatchObject({
      path: '/nodes/1/config/expression',
      code: 'EXPRESSION_SYNTAX',
      position: 8,
    });
    expect(r.stderr).toContain('error /nodes/1/config/expression (offset 8) EXPRESSION_SYNTAX:');
  });

  it('resolves a sub-workflow id to <id>.json beside the file', async () => {
    const r = await cli('run', ONBOARDING, '--sample', 'remote designer');
    expect(r.code).toBe(0);
    const result = json(r) as { output: { accounts: unknown; shipped: boolean } };
    expect(result.output.accounts).toEqual({
      login: 'mateo.alvarez@example.com',
      directoryId: '00u1f8kq2XxYz',
      groups: ['everyone', 'design'],
      github: 'not needed',
    });
    expect(result.output.shipped).toBe(true);
  });

  it('cuts off a runaway run at --timeout and still reports it, exit 1', async () => {
    // Each item stays under the expression step budget, so only the timeout stops it.
    const runaway = file(
      'runaway.json',
      workflow(
        [
          { id: 'start', kind: 'trigger' },
          {
            id: 'spin',
            kind: 'map',
            config: {
              items: '[1..100000]',
              expression: '$reduce([1..100000], function($a, $b) { $a + $b })',
            },
          },
          { id: 'out', kind: 'output' },
        ],
        [
          { source: 'start', target: 'spin' },
          { source: 'spin', target: 'out' },
        ],
      ),
    );
    const r = await cli('run', runaway, '--timeout', '1');
    expect(r.code).toBe(1);
    const result = json(r) as { status: string; error: { code: string; message: string } };
    expect(result.status).toBe('failed');
    expect(result.error.code).toBe('RUN_TIMEOUT');
    expect(result.error.message).toContain('within 1 s');
    expect(r.stderr).toContain('RUN_TIMEOUT');
  });

  it('stops a run that blows up its memory and still reports it, exit 1', async () => {
    // Half a million small arrays: each expression result is within its limits,
    // the map's whole output is not. A low heap limit keeps the test quick.
    const hog = file(
      'hog.json',
      workflow(
        [
          { id: 'start', kind: 'trigger' },
          { id: 'grow', kind: 'map', config: { items: '[1..500000]', expression: '[1..1000]' } },
          { id: 'out', kind: 'output', config: { expression: '$count($)' } },
        ],
        [
          { source: 'start', target: 'grow' },
          { source: 'grow', target: 'out' },
        ],
      ),
    );
    const r = await cliWithEnv({ WEFT_RUN_MEMORY_MB: '96' }, 'run', hog, '--timeout', '300');
    expect(r.code).toBe(1);
    const result = json(r) as { status: string; error: { code: string; message: string } };
    expect(result.status).toBe('failed');
    expect(result.error.code).toBe('LIMIT_EXCEEDED');
    expect(result.error.message).toContain('more than 96 MB of memory');
  }, 120_000);

  it('with --live, calls the network with the global fetch and reads the LLM endpoint from the environment', async () => {
    // A local server the test owns: nothing leaves the machine.
    const seen: string[] = [];
    const server = createServer((request, response) => {
      seen.push(`${request.method} ${request.url} ${request.headers.authorization ?? '-'}`);
      response.setHeader('content-type', 'application/json');
      response.end(
        request.url === '/v1/chat/completions'
          ? JSON.stringify({ choices: [{ message: { content: 'live summary' } }] })
          : JSON.stringify({ rate: 1.25 }),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const live = file(
        'live.json',
        workflow(
          [
            { id: 'start', kind: 'trigger' },
            {
              id: 'rate',
              kind: 'http',
              config: { method: 'GET', url: `"${base}/rate"`, mock: { status: 200, body: 0 } },
            },
            {
              id: 'summary',
              kind: 'llm',
              config: {
                model: 'local',
                prompt: '"rate " & $string(body.rate)',
                mock: { text: 'mock' },
              },
            },
            {
              id: 'out',
              kind: 'output',
              config: { expression: '{ "rate": $nodes.rate.body.rate, "text": text }' },
            },
          ],
          [
            { source: 'start', target: 'rate' },
            { source: 'rate', target: 'summary' },
            { source: 'summary', target: 'out' },
          ],
        ),
      );
      const r = await cliWithEnv(
        { WEFT_LLM_URL: `${base}/v1`, WEFT_LLM_API_KEY: 'sk-local' },
        'run',
        live,
        '--live',
      );
      expect(r.code).toBe(0);
      expect((json(r) as { output: unknown }).output).toEqual({ rate: 1.25, text: 'live summary' });
      expect(seen).toEqual(['GET /rate -', 'POST /v1/chat/completions Bearer sk-local']);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
