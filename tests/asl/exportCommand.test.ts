// `npm run flow -- export …`: what a user sees on stdout, stderr and in the exit code.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { exportCommand } from '../../engine/cli/exportCommand.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const SAMPLE = join(ROOT, 'public', 'samples', 'incident-triage.json');
const REFUSED = join(ROOT, 'tests', 'golden', 'ambiguous-input-without-merge', 'definition.json');

let stdout = '';
let stderr = '';
let dir = '';

beforeEach(() => {
  stdout = '';
  stderr = '';
  dir = mkdtempSync(join(tmpdir(), 'weft-export-'));
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    stdout += String(chunk);
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    stderr += String(chunk);
    return true;
  });
});

afterEach(() => {
  vi.restoreAllMocks();
  rmSync(dir, { recursive: true, force: true });
});

describe('export --target asl', () => {
  it('prints the state machine and lists the placeholders on stderr', async () => {
    expect(await exportCommand([SAMPLE, '--target', 'asl'])).toBe(0);
    const machine = JSON.parse(stdout) as { QueryLanguage: string; States: object };
    expect(machine.QueryLanguage).toBe('JSONata');
    expect(stderr).toMatch(/warning \/nodes\/\d+ PLACEHOLDER \(node summarize\)/);
  });

  it('writes --out and fills in resources given with --option', async () => {
    const out = join(dir, 'machine.asl.json');
    const code = await exportCommand([
      SAMPLE,
      '--target',
      'asl',
      '--out',
      out,
      '--option',
      'httpConnectionArn=arn:aws:events:eu-west-1:123456789012:connection/ops/1',
      '--option',
      'bedrockModelId=anthropic.claude-3-haiku-20240307-v1:0',
    ]);
    expect(code).toBe(0);
    expect(stdout).toBe('');
    const text = readFileSync(out, 'utf8');
    expect(text).toContain('arn:aws:events:eu-west-1:123456789012:connection/ops/1');
    expect(text).not.toContain('REPLACE_WITH');
    expect(stderr).not.toContain('PLACEHOLDER');
  });

  it('exits 2 with the reasons, per node, when the graph cannot be expressed', async () => {
    expect(await exportCommand([REFUSED, '--target', 'asl'])).toBe(2);
    const report = JSON.parse(stdout) as {
      exported: boolean;
      problems: Array<{ node: string; code: string }>;
    };
    expect(report.exported).toBe(false);
    expect(report.problems).toEqual([
      expect.objectContaining({ node: 'sum', code: 'EXPORT_FAN_IN' }),
    ]);
    expect(stderr).toContain('cannot be expressed in Amazon States Language');
  });

  it('validates first: an invalid definition exits 2 with its diagnostics', async () => {
    const file = join(dir, 'cycle.json');
    writeFileSync(
      file,
      readFileSync(join(ROOT, 'tests', 'golden', 'diag-cycle', 'definition.json'), 'utf8'),
    );
    expect(await exportCommand([file, '--target', 'asl'])).toBe(2);
    expect(JSON.parse(stdout)).toMatchObject({ exported: false, problems: [{ code: 'CYCLE' }] });
    expect(stderr).toContain('is not a valid workflow');
  });

  it('exits 2 on a file that is not JSON', async () => {
    const file = join(dir, 'broken.json');
    writeFileSync(file, '{ "format": ');
    expect(await exportCommand([file, '--target', 'asl'])).toBe(2);
    expect(stderr).toContain('is not valid JSON');
  });

  it('exits 2 on wrong usage', async () => {
    expect(await exportCommand([SAMPLE])).toBe(2);
    expect(stderr).toContain('export needs --target asl');
    expect(await exportCommand([SAMPLE, '--target', 'bpmn'])).toBe(2);
    expect(await exportCommand([SAMPLE, '--target', 'asl', '--option', 'colour=blue'])).toBe(2);
    expect(stderr).toContain('unknown export option "colour"');
  });
});

describe('npm run flow -- export', () => {
  it('reaches the export command through the CLI', () => {
    const run = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        join(ROOT, 'engine', 'cli', 'main.ts'),
        'export',
        SAMPLE,
        '--target',
        'asl',
      ],
      { encoding: 'utf8', cwd: ROOT },
    );
    expect(run.status).toBe(0);
    expect((JSON.parse(run.stdout) as { QueryLanguage: string }).QueryLanguage).toBe('JSONata');
  });
});
