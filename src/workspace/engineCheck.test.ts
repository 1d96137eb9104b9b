import { describe, expect, it } from 'vitest';
import type {
  Diagnostic,
  PreviewReply,
  PreviewWorkerHandle,
  WorkflowDefinition,
} from '../engine/client.ts';
import { checkWithEngine } from './engineCheck.ts';

const definition: WorkflowDefinition = {
  format: 'weft/v1',
  id: 'x',
  name: 'X',
  input: { samples: [{ name: 'first', data: { amount: 3 } }] },
  nodes: [{ id: 'start', kind: 'trigger' }],
  edges: [],
};

function fakeWorker(answer: (input: unknown) => Promise<PreviewReply>) {
  const terminated: boolean[] = [];
  const spawn = (): PreviewWorkerHandle => {
    const index = terminated.push(false) - 1;
    return {
      api: {
        preview: (request) => answer(request.input),
        nodeDetail: async () => null,
      },
      terminate: () => {
        terminated[index] = true;
      },
    };
  };
  return { spawn, terminated };
}

describe('checkWithEngine', () => {
  it("splits the engine's diagnostics into errors and warnings, running on the first sample", async () => {
    const diagnostics: Diagnostic[] = [
      { code: 'CYCLE', message: 'a -> b -> a', path: '/edges/1', severity: 'error' },
      { code: 'UNREACHABLE', message: 'c', path: '/nodes/3', severity: 'warning' },
    ];
    let seenInput: unknown;
    const worker = fakeWorker(async (input) => {
      seenInput = input;
      return { generation: 1, ok: false, diagnostics, run: null, nodes: {}, recompiled: true };
    });
    const verdict = await checkWithEngine(definition, { spawn: worker.spawn });
    expect(verdict).toEqual({
      state: 'checked',
      errors: [diagnostics[0]],
      warnings: [diagnostics[1]],
    });
    expect(seenInput).toEqual({ amount: 3 });
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(worker.terminated.every(Boolean)).toBe(true);
  });

  it('reports a worker that never answers as unchecked instead of waiting forever', async () => {
    const worker = fakeWorker(() => new Promise<PreviewReply>(() => undefined));
    const verdict = await checkWithEngine(definition, { spawn: worker.spawn, timeoutMs: 20 });
    expect(verdict).toEqual({ state: 'unchecked', reason: 'the engine did not answer in time' });
  });

  it('reports a crashed worker as unchecked, with the reason', async () => {
    const worker = fakeWorker(() => Promise.reject(new Error('out of memory')));
    const verdict = await checkWithEngine(definition, { spawn: worker.spawn });
    expect(verdict).toEqual({ state: 'unchecked', reason: 'the engine failed: out of memory' });
  });
});
