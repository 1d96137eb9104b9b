import { describe, expect, it } from 'vitest';
import type {
  Diagnostic,
  PreviewReply,
  PreviewWorkerHandle,
  WorkflowDefinition,
} from '../engine/client.ts';
import { createPreviewClient, engineClient, setEngineClient } from '../engine/client.ts';
import { checkWithEngine } from './engineCheck.ts';

const definition: WorkflowDefinition = {
  format: 'weft/v1',
  id: 'x',
  name: 'X',
  input: { samples: [{ name: 'first', data: { amount: 3 } }] },
  nodes: [{ id: 'start', kind: 'trigger' }],
  edges: [],
};

function fakeWorker(answer: (definition: WorkflowDefinition) => Promise<Diagnostic[]>) {
  const terminated: boolean[] = [];
  const spawn = (): PreviewWorkerHandle => {
    const index = terminated.push(false) - 1;
    return {
      api: {
        preview: () => new Promise<PreviewReply>(() => undefined),
        nodeDetail: async () => null,
        setWorkspaceLookup: () => undefined,
        validate: (d) => answer(d),
        exportAsl: () => new Promise(() => undefined),
      },
      terminate: () => {
        terminated[index] = true;
      },
    };
  };
  return { spawn, terminated };
}

describe('checkWithEngine', () => {
  it("splits the engine's diagnostics into errors and warnings", async () => {
    const diagnostics: Diagnostic[] = [
      { code: 'CYCLE', message: 'a -> b -> a', path: '/edges/1', severity: 'error' },
      { code: 'UNREACHABLE', message: 'c', path: '/nodes/3', severity: 'warning' },
    ];
    let seen: unknown;
    const worker = fakeWorker(async (d) => {
      seen = d;
      return diagnostics;
    });
    const verdict = await checkWithEngine(definition, { spawn: worker.spawn });
    expect(verdict).toEqual({
      state: 'checked',
      errors: [diagnostics[0]],
      warnings: [diagnostics[1]],
    });
    expect(seen).toEqual(definition);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(worker.terminated.every(Boolean)).toBe(true);
  });

  it('reports a worker that never answers as unchecked instead of waiting forever', async () => {
    const worker = fakeWorker(() => new Promise<Diagnostic[]>(() => undefined));
    const verdict = await checkWithEngine(definition, { spawn: worker.spawn, timeoutMs: 20 });
    expect(verdict).toEqual({ state: 'unchecked', reason: 'the engine did not answer in time' });
  });

  it('reports a crashed worker as unchecked, with the reason', async () => {
    const worker = fakeWorker(() => Promise.reject(new Error('out of memory')));
    const verdict = await checkWithEngine(definition, { spawn: worker.spawn });
    expect(verdict).toEqual({ state: 'unchecked', reason: 'the engine failed: out of memory' });
  });

  it("asks the editor's own client when there is one, spawning no worker", async () => {
    const asked: WorkflowDefinition[] = [];
    const client = createPreviewClient({
      spawn: fakeWorker(async (d) => {
        asked.push(d);
        return [];
      }).spawn,
      events: { onReply: () => undefined, onTimeout: () => undefined },
    });
    setEngineClient(client);
    try {
      expect(await checkWithEngine(definition)).toEqual({
        state: 'checked',
        errors: [],
        warnings: [],
      });
      expect(asked).toEqual([definition]);
    } finally {
      client.dispose();
    }
    expect(engineClient()).toBeNull();
  });
});
