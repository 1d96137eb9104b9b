// The CLI's run path without the worker thread, on the shipped samples: each
// named input does what its workflow's description promises.
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileWorkflow } from '../index.ts';
import type { ApprovalDecision, Json, RunResult } from '../types.ts';
import { executeRun, resolveBeside } from './execute.ts';
import { parseJsonText } from './jsonFile.ts';

const SAMPLES_DIR = join(import.meta.dirname, '../../public/samples');

function sampleFile(id: string): { file: string; definition: Json } {
  const file = join(SAMPLES_DIR, `${id}.json`);
  return { file, definition: JSON.parse(readFileSync(file, 'utf8')) as Json };
}

async function runSample(
  id: string,
  sample: string,
  decisions?: Record<string, ApprovalDecision>,
): Promise<RunResult> {
  const reply = await executeRun({
    ...sampleFile(id),
    sample,
    live: false,
    ...(decisions ? { decisions } : {}),
  });
  if (reply.type !== 'result') throw new Error(`${id} / ${sample}: ${reply.type}`);
  expect(reply.notes).toEqual([]);
  return reply.result;
}

function statuses(result: RunResult): Record<string, string> {
  return Object.fromEntries(Object.entries(result.nodes).map(([id, node]) => [id, node.status]));
}

describe('the samples', () => {
  const index = JSON.parse(readFileSync(join(SAMPLES_DIR, 'index.json'), 'utf8')) as {
    id: string;
    file: string;
  }[];

  it.each(index.map((entry) => entry.id))(
    '%s is listed, valid, and its samples match its input schema',
    (id) => {
      const compiled = compileWorkflow(sampleFile(id).definition);
      expect(compiled.errors).toEqual([]);
      expect(compiled.warnings).toEqual([]);
      expect(index.find((entry) => entry.id === id)?.file).toBe(`${id}.json`);
    },
  );

  it('purchase order: a small order goes straight to the ERP', async () => {
    const result = await runSample('purchase-order', 'office supplies');
    expect(result.output).toEqual({
      status: 'ordered',
      poNumber: 'PO-2026-0142',
      vendor: 'Acme Office Supply',
      total: 115.5,
    });
    expect(statuses(result).approve).toBe('skipped');
  });

  it('purchase order: a large order passes the approval gate, or is declined', async () => {
    const approved = await runSample('purchase-order', 'new laptops');
    expect(approved.nodes.approve?.port).toBe('approved');
    expect(approved.output).toMatchObject({ status: 'ordered', total: 8352 });
    const declined = await runSample('purchase-order', 'new laptops', { approve: 'rejected' });
    expect(declined.output).toEqual({
      status: 'declined',
      total: 8352,
      requester: 'Priya Natarajan',
    });
    expect(statuses(declined).erp).toBe('skipped');
  });

  it('purchase order: an unapproved vendor is rejected with the reason', async () => {
    const result = await runSample('purchase-order', 'unapproved vendor');
    expect(result.nodes.policy?.port).toBe('invalid');
    const output = result.output as { status: string; problems: string[] };
    expect(output.status).toBe('rejected');
    expect(output.problems).toHaveLength(1);
    expect(output.problems[0]).toMatch(/^\/vendor /);
  });

  it('purchase order: an unmapped department fails at the ERP and goes to manual entry', async () => {
    const result = await runSample('purchase-order', 'unmapped department');
    expect(result.status).toBe('succeeded');
    expect(result.nodes.erp).toMatchObject({ status: 'failed', port: 'error' });
    expect(result.output).toMatchObject({ status: 'manual entry', total: 62 });
    expect((result.output as { reason: string }).reason).toContain('Legal');
  });

  it('incident triage: SEV1 pages, posts to Slack and opens a ticket, joined in the merge', async () => {
    const result = await runSample('incident-triage', 'database outage (SEV1)');
    expect(result.output).toMatchObject({
      incident: 'INC-4821',
      ticket: 'OPS-1187',
      slackMessage: '1763691240.000200',
      paged: true,
    });
    expect(Object.keys(result.nodes.notified?.output as object).sort()).toEqual([
      'page',
      'slack',
      'ticket',
    ]);
  });

  it('incident triage: SEV2 notifies without paging; SEV4 only files a backlog ticket', async () => {
    const major = await runSample('incident-triage', 'checkout latency (SEV2)');
    expect(major.output).toMatchObject({ incident: 'INC-4822', paged: false, ticket: 'OPS-1187' });
    expect(statuses(major).page).toBe('skipped');
    const minor = await runSample('incident-triage', 'typo on pricing page (SEV4)');
    expect(minor.output).toEqual({
      incident: 'INC-4823',
      severity: 'SEV4',
      ticket: 'OPS-1188',
      paged: false,
    });
    expect(statuses(minor).summarize).toBe('skipped');
  });

  it('onboarding: an office engineer gets three requests, GitHub, and no shipment', async () => {
    const result = await runSample('employee-onboarding', 'office engineer');
    expect(result.output).toMatchObject({
      requests: 3,
      shipped: false,
      accounts: { github: 'invited', groups: ['everyone', 'engineering'] },
    });
    expect(statuses(result).delivery).toBe('skipped');
  });

  it('onboarding: a remote designer waits two days for the courier before the welcome email', async () => {
    const result = await runSample('employee-onboarding', 'remote designer');
    expect(result.output).toMatchObject({
      requests: 2,
      shipped: true,
      accounts: { github: 'not needed' },
    });
    expect(result.nodes.delivery).toMatchObject({ status: 'succeeded', waitedMs: 172_800_000 });
    expect(statuses(result).welcome).toBe('succeeded');
  });

  it('provision accounts: GitHub only for Engineering', async () => {
    const engineer = await runSample('provision-accounts', 'engineer');
    expect(engineer.output).toMatchObject({ github: 'invited' });
    const designer = await runSample('provision-accounts', 'designer');
    expect(designer.output).toMatchObject({ github: 'not needed' });
  });
});

describe('executeRun', () => {
  it('names the samples there are when the one asked for is missing', async () => {
    const reply = await executeRun({
      ...sampleFile('provision-accounts'),
      sample: 'ceo',
      live: false,
    });
    expect(reply).toEqual({
      type: 'unknownSample',
      sample: 'ceo',
      available: ['engineer', 'designer'],
    });
  });

  it('notes decisions that name no approval node', async () => {
    const reply = await executeRun({
      ...sampleFile('purchase-order'),
      decisions: { erp: 'rejected' },
      live: false,
    });
    expect(reply.type === 'result' && reply.notes).toEqual([
      'the decisions name "erp", which is not an approval node',
    ]);
  });
});

describe('resolveBeside', () => {
  it('loads <id>.json from the directory of the file', () => {
    const notes: string[] = [];
    const resolve = resolveBeside(join(SAMPLES_DIR, 'employee-onboarding.json'), notes);
    expect(resolve('provision-accounts')?.id).toBe('provision-accounts');
    expect(notes).toEqual([]);
  });

  it('refuses ids that would reach outside the directory', () => {
    const notes: string[] = [];
    const resolve = resolveBeside(join(SAMPLES_DIR, 'employee-onboarding.json'), notes);
    expect(resolve('../../package')).toBeUndefined();
    expect(resolve('..')).toBeUndefined();
    expect(notes).toEqual([
      'sub-workflow id "../../package" cannot name a file',
      'sub-workflow id ".." cannot name a file',
    ]);
  });
});

describe('fuzzing the CLI run path', () => {
  it('answers every mutated sample file with a message or a reply, never a throw', async () => {
    const ids = ['purchase-order', 'incident-triage', 'employee-onboarding'];
    const texts = ids.map((id) => readFileSync(join(SAMPLES_DIR, `${id}.json`), 'utf8'));
    const mutation = fc.record({
      sample: fc.nat({ max: ids.length - 1 }),
      at: fc.nat(),
      remove: fc.nat({ max: 40 }),
      insert: fc.oneof(fc.string({ maxLength: 6 }), fc.json({ maxDepth: 2 })),
      pick: fc.option(fc.constantFrom('office supplies', 'remote designer', 'nope'), {
        nil: undefined,
      }),
    });
    await fc.assert(
      fc.asyncProperty(mutation, async ({ sample, at, remove, insert, pick }) => {
        const text = texts[sample] as string;
        const cut = at % (text.length + 1);
        const mutated = text.slice(0, cut) + insert + text.slice(cut + remove);
        const parsed = parseJsonText(mutated, 'mutated.json');
        if (!parsed.ok) {
          expect(parsed.message).toMatch(
            /^mutated\.json is not valid JSON: .+ at line \d+, column \d+/,
          );
          return;
        }
        const reply = await executeRun({
          file: join(SAMPLES_DIR, `${ids[sample]}.json`),
          definition: parsed.value,
          live: false,
          ...(pick === undefined ? {} : { sample: pick }),
        });
        expect(['invalid', 'unknownSample', 'result']).toContain(reply.type);
      }),
      { numRuns: 150 },
    );
  });
});
