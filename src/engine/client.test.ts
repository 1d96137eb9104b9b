import { afterEach, describe, expect, it, vi } from 'vitest';
import type {
  NodeDefinition,
  PreviewReply,
  PreviewRequest,
  WorkflowDefinition,
} from '../../engine/index.ts';
import { createPreviewService } from '../../engine/worker.ts';
import {
  createPreviewClient,
  diffDefinitions,
  edgeSpliceOf,
  STARTUP_TIMEOUT_MS,
  type PreviewWorkerHandle,
  type SummaryChanges,
} from './client.ts';

const definition: WorkflowDefinition = {
  format: 'weft/v1',
  id: 'w',
  name: 'w',
  nodes: [
    { id: 'start', kind: 'trigger' },
    { id: 'double', kind: 'transform', config: { expression: '$ * 2' } },
  ],
  edges: [{ source: 'start', target: 'double' }],
};

/**
 * A worker stand-in that runs the real preview service in-process but answers
 * only when the test says so, so the order of replies is under the test's control.
 */
function heldWorkers() {
  const spawned: Array<{
    requests: PreviewRequest[];
    release(): Promise<void>;
    terminated: boolean;
  }> = [];
  const spawn = (): PreviewWorkerHandle => {
    const service = createPreviewService();
    const queue: Array<() => Promise<void>> = [];
    const record = {
      requests: [] as PreviewRequest[],
      terminated: false,
      async release() {
        const next = queue.shift();
        if (next) await next();
      },
    };
    spawned.push(record);
    return {
      api: {
        preview(request) {
          record.requests.push(request);
          return new Promise<PreviewReply>((resolve) => {
            queue.push(async () => resolve(await service.preview(request)));
          });
        },
        nodeDetail: async (generation, nodeId) => service.nodeDetail(generation, nodeId),
        setWorkspaceLookup: () => undefined,
        validate: async (definition) => service.validate(definition),
        exportAsl: async (definition) => service.exportAsl(definition),
      },
      terminate() {
        record.terminated = true;
      },
    };
  };
  return { spawn, spawned };
}

async function flush() {
  for (let i = 0; i < 5; i++) await Promise.resolve();
}

afterEach(() => {
  vi.useRealTimers();
});

/** A client on `workers` that records each reply it hands on, and what changed since the last. */
function recordingClient(workers: ReturnType<typeof heldWorkers>) {
  const replies: PreviewReply[] = [];
  const changes: Array<SummaryChanges | undefined> = [];
  const client = createPreviewClient({
    spawn: workers.spawn,
    events: {
      onReply: (r, _ms, c) => {
        replies.push(r);
        changes.push(c);
      },
      onTimeout: () => undefined,
    },
  });
  return { client, replies, changes };
}

/** A client on held workers whose runs are cut off after 3 s (fake timers), with what it reported. */
function clientWithLimit() {
  vi.useFakeTimers();
  const workers = heldWorkers();
  const timeouts: number[] = [];
  const replies: PreviewReply[] = [];
  const client = createPreviewClient({
    spawn: workers.spawn,
    timeoutMs: 3000,
    events: { onReply: (r) => replies.push(r), onTimeout: (g) => timeouts.push(g) },
  });
  return { workers, timeouts, replies, client };
}

describe('preview client', () => {
  it('coalesces: while a run is in flight only the newest request waits, and stale replies are dropped', async () => {
    const workers = heldWorkers();
    const replies: PreviewReply[] = [];
    const client = createPreviewClient({
      spawn: workers.spawn,
      events: { onReply: (reply) => replies.push(reply), onTimeout: () => undefined },
    });
    client.request({ definition, input: 1, decisions: {} });
    client.request({ definition, input: 2, decisions: {} });
    client.request({ definition, input: 3, decisions: {} });
    const worker = workers.spawned[0];
    expect(worker?.requests.map((r) => r.input)).toEqual([1]);

    await worker?.release();
    await flush();
    // The reply to input 1 is stale (generation 1 of 3): dropped; input 3 goes next, input 2 never.
    expect(replies).toEqual([]);
    expect(worker?.requests.map((r) => r.input)).toEqual([1, 3]);

    await worker?.release();
    await flush();
    expect(replies).toHaveLength(1);
    expect(replies[0]?.generation).toBe(3);
    expect(replies[0]?.nodes['double']?.preview).toBe('6');
    client.dispose();
  });

  it('sends the definition once per worker and reuses it when only the input changed', async () => {
    const workers = heldWorkers();
    const client = createPreviewClient({
      spawn: workers.spawn,
      events: { onReply: () => undefined, onTimeout: () => undefined },
    });
    client.request({ definition, input: 1, decisions: {} });
    await workers.spawned[0]?.release();
    await flush();
    client.request({ definition, input: 2, decisions: {} });
    await workers.spawned[0]?.release();
    await flush();
    const requests = workers.spawned[0]?.requests ?? [];
    expect(requests[0]?.definition).toBe(definition);
    expect(requests[1]?.definition).toBeUndefined();
    client.dispose();
  });

  it('cuts off a run that does not answer, replaces the worker and reports the timeout', async () => {
    const { workers, timeouts, replies, client } = clientWithLimit();
    const generation = client.request({ definition, input: 1, decisions: {} });
    await vi.advanceTimersByTimeAsync(3000);
    expect(timeouts).toEqual([generation]);
    expect(workers.spawned[0]?.terminated).toBe(true);
    expect(workers.spawned).toHaveLength(2);

    // The next request goes to the new worker, definition included (the old one's cache died with it).
    client.request({ definition, input: 5, decisions: {} });
    expect(workers.spawned[1]?.requests[0]?.definition).toBe(definition);
    await workers.spawned[1]?.release();
    await vi.advanceTimersByTimeAsync(0);
    expect(replies.map((r) => r.nodes['double']?.preview)).toEqual(['10']);
    client.dispose();
  });

  it('gives every run its whole limit, however many answered before it', async () => {
    const { workers, timeouts, replies, client } = clientWithLimit();
    // Keystrokes 0.5 s apart, each answered, then one that hangs at 2.5 s.
    for (let input = 1; input <= 5; input++) {
      client.request({ definition, input, decisions: {} });
      await workers.spawned[0]?.release();
      await vi.advanceTimersByTimeAsync(500);
    }
    expect(replies).toHaveLength(5);
    const stuck = client.request({ definition, input: 6, decisions: {} });
    // 3 s after the first request: the stuck run has had 0.5 s of its 3.
    await vi.advanceTimersByTimeAsync(2900);
    expect(timeouts).toEqual([]);
    expect(workers.spawned).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(100);
    expect(timeouts).toEqual([stuck]);
    expect(workers.spawned[0]?.terminated).toBe(true);
    client.dispose();
  });

  it("counts a run's time from its worker's start: a slow start is waited for, a worker that never starts is cut off", async () => {
    vi.useFakeTimers();
    const workers = heldWorkers();
    let startsAfterMs = 5000;
    const spawn = (): PreviewWorkerHandle => {
      const handle = workers.spawn();
      const ms = startsAfterMs;
      const ready = new Promise<void>((resolve) => {
        if (Number.isFinite(ms)) setTimeout(resolve, ms);
      });
      return { ...handle, ready };
    };
    const timeouts: number[] = [];
    const replies: PreviewReply[] = [];
    const client = createPreviewClient({
      spawn,
      timeoutMs: 3000,
      events: { onReply: (r) => replies.push(r), onTimeout: (g) => timeouts.push(g) },
    });

    // Started after 5 s, answered 2.9 s later: not cut off.
    client.request({ definition, input: 1, decisions: {} });
    await vi.advanceTimersByTimeAsync(7900);
    expect(timeouts).toEqual([]);
    await workers.spawned[0]?.release();
    await vi.advanceTimersByTimeAsync(0);
    expect(replies.map((r) => r.nodes['double']?.preview)).toEqual(['2']);

    // Once started, a run that does not answer is cut off after its 3 s.
    startsAfterMs = Number.POSITIVE_INFINITY;
    const stuck = client.request({ definition, input: 2, decisions: {} });
    await vi.advanceTimersByTimeAsync(3000);
    expect(timeouts).toEqual([stuck]);
    expect(workers.spawned).toHaveLength(2);

    // The new worker never starts: its run is cut off once the start-up limit is spent too.
    const never = client.request({ definition, input: 3, decisions: {} });
    await vi.advanceTimersByTimeAsync(3000);
    expect(timeouts).toEqual([stuck]);
    await vi.advanceTimersByTimeAsync(STARTUP_TIMEOUT_MS);
    expect(timeouts).toEqual([stuck, never]);
    expect(workers.spawned[1]?.terminated).toBe(true);
    client.dispose();
  });

  it('answers validate and export calls from the same worker, between runs', async () => {
    const workers = heldWorkers();
    const client = createPreviewClient({
      spawn: workers.spawn,
      events: { onReply: () => undefined, onTimeout: () => undefined },
    });
    const cyclic: WorkflowDefinition = {
      ...definition,
      edges: [...definition.edges, { source: 'double', target: 'double' }],
    };
    const checked = await client.validate(cyclic);
    expect(checked.ok && checked.value.map((d) => d.code)).toContain('CYCLE');
    const exported = await client.exportAsl(definition);
    expect(exported.ok && exported.value.ok && exported.value.machine['QueryLanguage']).toBe(
      'JSONata',
    );
    expect(workers.spawned).toHaveLength(1);
    client.dispose();
  });

  it('a call that finds the worker stuck replaces it, and the run in flight is sent to the new one', async () => {
    vi.useFakeTimers();
    const spawned: PreviewWorkerHandle[] = [];
    const replies: PreviewReply[] = [];
    const client = createPreviewClient({
      timeoutMs: 60_000,
      spawn: () => {
        const service = createPreviewService();
        const stuck = spawned.length === 0;
        const never = <T>() => new Promise<T>(() => undefined);
        const handle: PreviewWorkerHandle = {
          api: {
            preview: (request) => (stuck ? never<PreviewReply>() : service.preview(request)),
            nodeDetail: async () => null,
            setWorkspaceLookup: () => undefined,
            validate: (d) => (stuck ? never() : Promise.resolve(service.validate(d))),
            exportAsl: (d) => (stuck ? never() : Promise.resolve(service.exportAsl(d))),
          },
          terminate: () => undefined,
        };
        spawned.push(handle);
        return handle;
      },
      events: { onReply: (r) => replies.push(r), onTimeout: () => undefined },
    });
    client.request({ definition, input: 4, decisions: {} });
    const answer = client.validate(definition, 4000);
    await vi.advanceTimersByTimeAsync(4000);
    expect(await answer).toEqual({ ok: false, reason: 'the engine did not answer in time' });
    expect(spawned).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(0);
    expect(replies.map((r) => r.nodes['double']?.preview)).toEqual(['8']);
    client.dispose();
  });

  it("tells each worker where the workspace's workflows are, so sub-workflows resolve to them", async () => {
    const parent: WorkflowDefinition = {
      format: 'weft/v1',
      id: 'parent',
      name: 'Parent',
      nodes: [
        { id: 'start', kind: 'trigger' },
        { id: 'call', kind: 'subworkflow', config: { workflow: 'mine' } },
      ],
      edges: [{ source: 'start', target: 'call' }],
    };
    const mine: WorkflowDefinition = {
      ...definition,
      id: 'mine',
      nodes: [...definition.nodes, { id: 'done', kind: 'output' }],
      edges: [...definition.edges, { source: 'double', target: 'done' }],
    };
    const replies: PreviewReply[] = [];
    const client = createPreviewClient({
      spawn: () => {
        const service = createPreviewService();
        return {
          api: {
            preview: (request) => service.preview(request),
            nodeDetail: async () => null,
            setWorkspaceLookup: (lookup) => service.setWorkspaceLookup(lookup),
            validate: async (d) => service.validate(d),
            exportAsl: async (d) => service.exportAsl(d),
          },
          terminate: () => undefined,
        };
      },
      findWorkflow: async (id) => (id === 'mine' ? mine : undefined),
      events: { onReply: (r) => replies.push(r), onTimeout: () => undefined },
    });
    client.request({ definition: parent, input: 21, decisions: {} });
    await vi.waitFor(() => expect(replies).toHaveLength(1));
    expect(replies[0]?.nodes['call']).toMatchObject({ status: 'succeeded', preview: '42' });
    client.dispose();
  });

  it('after the first request, an edit sends only what changed', async () => {
    const workers = heldWorkers();
    const replies: PreviewReply[] = [];
    const client = createPreviewClient({
      spawn: workers.spawn,
      events: { onReply: (r) => replies.push(r), onTimeout: () => undefined },
    });
    client.request({ definition, input: 1, decisions: {} });
    await workers.spawned[0]?.release();
    await flush();
    const edited: WorkflowDefinition = {
      ...definition,
      nodes: [
        definition.nodes[0] as WorkflowDefinition['nodes'][number],
        { id: 'double', kind: 'transform', config: { expression: '$ * 10' } },
      ],
    };
    client.request({ definition: edited, input: 1, decisions: {} });
    await workers.spawned[0]?.release();
    await flush();
    const second = workers.spawned[0]?.requests[1];
    expect(second?.definition).toBeUndefined();
    expect(second?.patch).toEqual({ nodes: [edited.nodes[1]] });
    expect(replies[1]?.nodes['double']?.preview).toBe('10');
    client.dispose();
  });
  it('asks for what changed since the reply it holds and hands on every summary, across a dropped reply', async () => {
    const chain: WorkflowDefinition = {
      ...definition,
      nodes: [
        ...definition.nodes,
        { id: 'big', kind: 'condition', config: { expression: '$ > 100' } },
        { id: 'side', kind: 'transform', config: { expression: '"side"' } },
      ],
      edges: [
        ...definition.edges,
        { source: 'double', target: 'big' },
        { source: 'start', target: 'side' },
      ],
    };
    const withDouble = (expression: string): WorkflowDefinition => ({
      ...chain,
      nodes: chain.nodes.map((n) => (n.id === 'double' ? { ...n, config: { expression } } : n)),
    });
    const workers = heldWorkers();
    const { client, replies, changes } = recordingClient(workers);
    const input = { n: 7 };
    client.request({ definition: chain, input, decisions: {} });
    await workers.spawned[0]?.release();
    await flush();
    const first = replies[0]?.nodes ?? {};
    expect(Object.keys(first)).toEqual(['start', 'double', 'big', 'side']);

    // Two edits while the first is in flight: the first one's reply is stale.
    client.request({ definition: withDouble('n * 20'), input, decisions: {} });
    client.request({ definition: withDouble('n * 30'), input, decisions: {} });
    await workers.spawned[0]?.release();
    await flush();
    expect(replies).toHaveLength(1);
    await workers.spawned[0]?.release();
    await flush();

    const requests = workers.spawned[0]?.requests ?? [];
    expect(requests.map((r) => r.base)).toEqual([undefined, 1, 2]);
    // The sample did not change: it crossed once.
    expect(requests.map((r) => r.input)).toEqual([input, undefined, undefined]);
    const last = replies[1]?.nodes ?? {};
    expect(Object.keys(last).sort()).toEqual(['big', 'double', 'side', 'start']);
    expect(last['double']?.preview).toBe('210');
    expect(last['big']?.port).toBe('true');
    expect(last['side']).toMatchObject({ preview: '"side"', reused: true });
    expect(replies[1]?.base).toBeUndefined();

    // Unchanged since the reply the store has: the same object, so nothing re-renders for it.
    client.request({ definition: withDouble('n * 40'), input, decisions: {} });
    await workers.spawned[0]?.release();
    await flush();
    expect(replies[2]?.nodes['double']?.preview).toBe('280');
    expect(replies[2]?.nodes['side']).toBe(last['side']);

    // What changed since each reply handed on, the dropped reply's changes
    // included: the page updates only those; a worker's first reply names none.
    expect(changes[0]).toBeUndefined();
    expect(changes[1]?.since).toBe(first);
    expect([...(changes[1]?.ids ?? [])].sort()).toEqual(['big', 'double', 'side', 'start']);
    expect(changes[2]?.since).toBe(last);
    expect(changes[2]?.ids).toContain('double');
    expect(changes[2]?.ids).not.toContain('side');
    for (const id of Object.keys(last)) {
      if (!changes[2]?.ids.includes(id)) expect(replies[2]?.nodes[id]).toBe(last[id]);
    }
    client.dispose();
  });
});

describe('a definition that does not compile', () => {
  it('hands on the summaries it holds, unchanged, and the mending edit asks for what changed since them', async () => {
    const withDouble = (expression: string): WorkflowDefinition => ({
      ...definition,
      nodes: definition.nodes.map((n) =>
        n.id === 'double' ? { ...n, config: { expression } } : n,
      ),
    });
    const workers = heldWorkers();
    const { client, replies, changes } = recordingClient(workers);
    const input = 7;
    client.request({ definition, input, decisions: {} });
    await workers.spawned[0]?.release();
    await flush();
    const shown = replies[0]?.nodes ?? {};
    expect(shown['double']?.preview).toBe('14');

    // An open bracket: the reply says why it did not run, and the page is
    // handed the same summaries, nothing changed in them.
    client.request({ definition: withDouble('($ * 3'), input, decisions: {} });
    await workers.spawned[0]?.release();
    await flush();
    expect(replies[1]?.ok).toBe(false);
    expect(replies[1]?.diagnostics.some((d) => d.severity === 'error')).toBe(true);
    expect(replies[1]?.nodes).toBe(shown);
    expect(changes[1]).toEqual({ since: shown, ids: [] });

    // Mended: a delta against the first reply, the one the client still holds.
    client.request({ definition: withDouble('($ * 3)'), input, decisions: {} });
    await workers.spawned[0]?.release();
    await flush();
    const requests = workers.spawned[0]?.requests ?? [];
    expect(requests.map((r) => r.base)).toEqual([undefined, 1, 1]);
    expect(replies[2]?.ok).toBe(true);
    expect(replies[2]?.nodes['double']?.preview).toBe('21');
    expect(changes[2]?.since).toBe(shown);
    // (The trigger, reused for the first time, gains its `reused` mark.)
    expect([...(changes[2]?.ids ?? [])].sort()).toEqual(['double', 'start']);
    client.dispose();
  });
});

describe('definition diffs', () => {
  it('names added nodes, the new order, changed edges and changed settings', () => {
    const added: WorkflowDefinition = {
      ...definition,
      name: 'renamed',
      nodes: [...definition.nodes, { id: 'out', kind: 'output' }],
      edges: [...definition.edges, { source: 'double', target: 'out' }],
    };
    const patch = diffDefinitions(definition, added);
    expect(patch?.nodes.map((n) => n.id)).toEqual(['out']);
    expect(patch?.order).toEqual(['start', 'double', 'out']);
    // One edge added at the end: that edge alone.
    expect(patch?.edges).toBeUndefined();
    expect(patch?.edgeSplice).toEqual({ at: 1, remove: 0, insert: [added.edges[1]] });
    expect(patch?.rest?.name).toBe('renamed');
    expect(diffDefinitions(definition, { ...definition })).toEqual({ nodes: [] });
  });

  it('sends the edges that changed, not the whole list, unless most of it changed', () => {
    const edges = Array.from({ length: 1000 }, (_, i) => ({
      source: `n${i}`,
      target: `n${i + 1}`,
    }));
    const big = { ...definition, edges };
    // A port renamed: its two edges, apart in the list, follow.
    const renamed = edges.map((e, i) => (i === 400 || i === 410 ? { ...e, sourcePort: 'b' } : e));
    const patch = diffDefinitions(big, { ...big, edges: renamed });
    expect(patch?.edges).toBeUndefined();
    expect(patch?.edgeSplice).toEqual({ at: 400, remove: 11, insert: renamed.slice(400, 411) });
    // Deleted, then put back where it was.
    const without = edges.filter((_, i) => i !== 7);
    expect(edgeSpliceOf(edges, without)).toEqual({ at: 7, remove: 1, insert: [] });
    expect(edgeSpliceOf(without, edges)).toEqual({ at: 7, remove: 0, insert: [edges[7]] });
    // A new list of the same edges changes nothing; most of them new, the whole list.
    expect(diffDefinitions(big, { ...big, edges: [...edges] })).toEqual({ nodes: [] });
    const most = edges.map((e, i) => (i % 3 === 0 ? e : { ...e }));
    expect(diffDefinitions(big, { ...big, edges: most })?.edges).toBe(most);
  });

  it('names an edited node alone, and the order whenever the ids at some position differ', () => {
    const three: WorkflowDefinition = {
      ...definition,
      nodes: [...definition.nodes, { id: 'out', kind: 'output' }],
    };
    const [start, double, out] = three.nodes as [NodeDefinition, NodeDefinition, NodeDefinition];
    const edited = { ...double, config: { expression: '$ * 3' } };
    expect(diffDefinitions(three, { ...three, nodes: [start, edited, out] })).toEqual({
      nodes: [edited],
    });
    // Two nodes swapped: nothing in them changed, but the order did.
    expect(diffDefinitions(three, { ...three, nodes: [start, out, double] })).toEqual({
      nodes: [],
      order: ['start', 'out', 'double'],
    });
    // One node gone and another in its place: as many nodes, another order.
    const other = { id: 'other', kind: 'output' as const };
    expect(diffDefinitions(three, { ...three, nodes: [start, double, other] })).toEqual({
      nodes: [other],
      order: ['start', 'double', 'other'],
    });
  });
});
