// Replays the editor's keystrokes through the page's side of a preview, in
// Node: the preview client (src/engine/client.ts) with the real preview
// service in-process behind it (requests and replies structured-cloned, as a
// worker's are), handing each reply to the editor store (previewFinished).
// No React, no browser: what the page's own JS does per keystroke besides
// rendering, plus the worker's run. Run: npx tsx bench/browser/page-replay.ts
// (EDITS=<n> keystrokes, ONLY=realistic or ONLY=big for one workload). For
// instruction counts, bundle it with esbuild and run it under valgrind at two
// EDITS and take the difference, as bench/RESULTS.md describes. The figures
// compare builds on one machine; they are not budgets.

import { performance } from 'node:perf_hooks';
import type { PreviewReply, WorkflowDefinition } from '../../engine/index.ts';
import { createPreviewService } from '../../engine/worker.ts';
import { createPreviewClient, type PreviewWorkerHandle } from '../../src/engine/client.ts';
import { createEditorStore } from '../../src/store/editorStore.ts';
import {
  editedNode,
  replayedExpression,
  replayedWorkloads,
  withExpression,
  type Workload,
} from '../workloads.ts';

const EDITS = Number(process.env.EDITS ?? 200);

async function replay(workload: Workload) {
  const store = createEditorStore(workload.definition);
  const service = createPreviewService();
  const spawn = (): PreviewWorkerHandle => ({
    api: {
      preview: async (request) => structuredClone(await service.preview(structuredClone(request))),
      nodeDetail: async () => null,
      validate: async () => [],
      exportAsl: async () => ({ ok: false, problems: [] }) as never,
      setWorkspaceLookup: () => undefined,
    },
    terminate: () => undefined,
  });
  let answered: ((reply: PreviewReply) => void) | null = null;
  const client = createPreviewClient({
    spawn,
    events: {
      onReply(reply, roundTripMs, changes) {
        store.getState().previewFinished(reply, roundTripMs, changes);
        answered?.(reply);
      },
      onTimeout: () => undefined,
    },
  });
  const ask = (definition: WorkflowDefinition) =>
    new Promise<PreviewReply>((resolve) => {
      answered = resolve;
      client.request({ definition, input: workload.input, decisions: {} });
    });

  let definition = workload.definition;
  const id = editedNode(workload);
  const node = definition.nodes.find((n) => n.id === id);
  if (!node) throw new Error(`no node ${id}`);
  await ask(definition);
  const base = String(node.config?.['expression']);
  const times: number[] = [];
  for (let i = 0; i < EDITS; i++) {
    definition = withExpression(definition, id, replayedExpression(base, i)).definition;
    const t = performance.now();
    await ask(definition);
    times.push(performance.now() - t);
  }
  client.dispose();
  times.sort((a, b) => a - b);
  const at50 = times[Math.floor(times.length / 2)] ?? NaN;
  return {
    workload: workload.name,
    keystrokeMs: Math.round(at50 * 1000) / 1000,
    summaries: store.getState().nodeSummaries.size,
  };
}

const rows = [];
for (const make of replayedWorkloads()) rows.push(await replay(make()));
console.table(rows);
