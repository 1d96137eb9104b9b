import { describe, expect, it } from 'vitest';
import type { PreviewClientOptions, PreviewJob, WorkflowDefinition } from '../engine/client.ts';
import { createPreviewClient } from '../engine/client.ts';
import { createPreviewService } from '../../engine/worker.ts';
import { createEditorStore } from './editorStore.ts';
import { connectPreview } from './previewBridge.ts';

function workflow(): WorkflowDefinition {
  return {
    format: 'weft/v1',
    id: 'w',
    name: 'w',
    input: {
      samples: [
        { name: 'small', data: { amount: 5 } },
        { name: 'big', data: { amount: 5000 } },
      ],
    },
    nodes: [
      { id: 'start', kind: 'trigger', position: { x: 0, y: 0 } },
      {
        id: 'big',
        kind: 'condition',
        position: { x: 1, y: 0 },
        config: { expression: 'amount > 1000' },
      },
    ],
    edges: [{ source: 'start', target: 'big' }],
  };
}

/** The real client over the real preview service, in-process; records every job it is given. */
function recordingClient() {
  const jobs: PreviewJob[] = [];
  const factory = (options: PreviewClientOptions) => {
    const client = createPreviewClient({
      ...options,
      spawn: () => {
        const service = createPreviewService();
        return {
          api: {
            preview: (request) => service.preview(request),
            nodeDetail: async (generation, nodeId) => service.nodeDetail(generation, nodeId),
            setWorkspaceLookup: () => undefined,
            validate: async (definition) => service.validate(definition),
            exportAsl: async (definition) => service.exportAsl(definition),
          },
          terminate: () => undefined,
        };
      },
    });
    return {
      ...client,
      request(job: PreviewJob) {
        jobs.push(job);
        return client.request(job);
      },
    };
  };
  return { jobs, factory };
}

async function settled() {
  for (let i = 0; i < 20; i++) await new Promise((r) => setTimeout(r, 0));
}

describe('preview bridge', () => {
  it('runs on open, on a config edit and on a sample switch, but not when a node moves', async () => {
    const store = createEditorStore(workflow());
    const { jobs, factory } = recordingClient();
    const disconnect = connectPreview(store, factory);
    await settled();
    expect(jobs).toHaveLength(1);
    expect(store.getState().previewState).toBe('done');
    expect(store.getState().nodeSummaries.get('big')?.port).toBe('false');

    store.getState().moveNodes([{ id: 'big', position: { x: 50, y: 50 } }]);
    store.getState().commitMove();
    await settled();
    expect(jobs).toHaveLength(1);

    store.getState().setActiveSample('big');
    await settled();
    expect(jobs).toHaveLength(2);
    expect(jobs[1]?.input).toEqual({ amount: 5000 });
    expect(store.getState().nodeSummaries.get('big')?.port).toBe('true');

    store.getState().updateNodeConfig('big', { expression: 'amount > 10000' });
    await settled();
    expect(jobs).toHaveLength(3);
    expect(store.getState().nodeSummaries.get('big')?.port).toBe('false');
    disconnect();
  });

  it('marks the document invalid with its diagnostics, and fetches a selected node in full', async () => {
    const store = createEditorStore(workflow());
    const { factory } = recordingClient();
    const disconnect = connectPreview(store, factory);
    await settled();
    store.getState().select(['start']);
    await settled();
    expect(store.getState().nodeDetails['start']?.output).toEqual({ amount: 5 });

    store.getState().updateNodeConfig('big', { expression: 'amount >' });
    await settled();
    expect(store.getState().previewState).toBe('invalid');
    expect(store.getState().diagnostics.some((d) => d.code === 'EXPRESSION_SYNTAX')).toBe(true);
    disconnect();
  });

  it("after an edit the selected node's new details arrive with the run, without a second call", async () => {
    const store = createEditorStore(workflow());
    const { jobs, factory } = recordingClient();
    let detailCalls = 0;
    const counting = (options: PreviewClientOptions) => {
      const client = factory(options);
      return {
        ...client,
        nodeDetail(generation: number, nodeId: string) {
          detailCalls += 1;
          return client.nodeDetail(generation, nodeId);
        },
      };
    };
    const disconnect = connectPreview(store, counting);
    await settled();
    store.getState().select(['big']);
    await settled();
    const before = detailCalls;
    store.getState().setActiveSample('big');
    await settled();
    expect(jobs.at(-1)?.details).toEqual(['big']);
    expect(store.getState().nodeDetails['big']?.input).toEqual({ amount: 5000 });
    expect(detailCalls).toBe(before);
    disconnect();
  });
});
