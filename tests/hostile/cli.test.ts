// Hostile files through the CLI, as a separate process: each case exits with
// the documented code and JSON on stdout, never a stack trace. (The runaway
// and memory blow-up cases live in tests/cli.test.ts.)
import { describe, expect, it } from 'vitest';
import { runCli, scratchFolder, type Outcome } from '../support/cli.ts';

const { file } = scratchFolder('weft-hostile-cli-');
const cli = (...args: string[]): Promise<Outcome> => runCli(args);

function workflow(id: string, nodes: unknown[], edges: unknown[], extra: object = {}) {
  return { format: 'weft/v1', id, name: id, nodes, edges, ...extra };
}

const passThrough = (id: string, extra: object = {}) =>
  workflow(
    id,
    [
      { id: 'start', kind: 'trigger' },
      { id: 't', kind: 'transform', config: { expression: '$' } },
      { id: 'out', kind: 'output' },
    ],
    [
      { source: 'start', target: 't' },
      { source: 't', target: 'out' },
    ],
    extra,
  );

interface Result {
  status: string;
  error?: { code: string; message: string; node?: string; path?: string };
}

function stdoutJson(outcome: Outcome): Result {
  expect(outcome.stderr).not.toMatch(/\n\s+at /); // no stack trace
  return JSON.parse(outcome.stdout) as Result;
}

describe('hostile files through the CLI', { timeout: 60_000 }, () => {
  it('an input 300 deep (readable JSON, past the engine cap) is a failed run, exit 1', async () => {
    const wf = file('pass.json', passThrough('pass'));
    const input = file('deep-input.json', '{"a":'.repeat(300) + '1' + '}'.repeat(300));
    const r = await cli('run', wf, '--input', input);
    expect(r.code).toBe(1);
    const result = stdoutJson(r);
    expect(result.error).toMatchObject({ code: 'LIMIT_EXCEEDED', node: 'start' });
    expect(result.error?.message).toMatch(/nested deeper than 100 levels/);
  });

  it('an input array of 1,000,000 items is a failed run naming the cap, exit 1', async () => {
    const wf = file('pass.json', passThrough('pass'));
    const input = file('wide-input.json', `[${new Array<string>(1_000_000).fill('0').join(',')}]`);
    const r = await cli('run', wf, '--input', input);
    expect(r.code).toBe(1);
    expect(stdoutJson(r).error?.message).toMatch(/1,000,000 items; the limit is 100,000/);
  });

  it('a catastrophic schema pattern against a long sample validates at once, exit 0', async () => {
    const wf = file(
      'evil-pattern.json',
      passThrough('evil', {
        input: {
          schema: { type: 'string', pattern: '^(a+)+$' },
          samples: [{ name: 'long', data: 'a'.repeat(50) + '!' }],
        },
      }),
    );
    const r = await cli('validate', wf);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as { valid: boolean; warnings: { code: string }[] };
    expect(report.valid).toBe(true);
    expect(report.warnings.map((w) => w.code)).toEqual(['SAMPLE_INVALID']);
  });

  it('a schema with a remote $ref is an invalid definition, exit 2', async () => {
    const wf = file(
      'remote-ref.json',
      passThrough('remote', { input: { schema: { $ref: 'https://attacker.example/s.json' } } }),
    );
    const r = await cli('validate', wf);
    expect(r.code).toBe(2);
    const report = JSON.parse(r.stdout) as { errors: { code: string; message: string }[] };
    expect(report.errors).toEqual([expect.objectContaining({ code: 'INPUT_SCHEMA_INVALID' })]);
    expect(report.errors[0]?.message).toContain('https://attacker.example/s.json');
  });

  it('a workflow file that calls itself through <id>.json fails with SUBWORKFLOW_RECURSION, exit 1', async () => {
    const wf = file(
      'selfcall.json',
      workflow(
        'selfcall',
        [
          { id: 'start', kind: 'trigger' },
          { id: 'again', kind: 'subworkflow', config: { workflow: 'selfcall' } },
          { id: 'out', kind: 'output' },
        ],
        [
          { source: 'start', target: 'again' },
          { source: 'again', target: 'out' },
        ],
      ),
    );
    const r = await cli('run', wf);
    expect(r.code).toBe(1);
    expect(stdoutJson(r).error).toMatchObject({ code: 'SUBWORKFLOW_RECURSION', node: 'again' });
  });
});
