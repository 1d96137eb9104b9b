import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type {
  Json,
  NodeSummary,
  PreviewReply,
  PreviewRequest,
  WorkflowDefinition,
} from './index.ts';
import type { DefinitionPatch } from './types.ts';
import {
  applyPatch,
  createPreviewService,
  meaningKey,
  patchChangesMeaning,
  previewText,
  sameSummary,
  truncateValue,
} from './worker.ts';

function workflow(expression: string): WorkflowDefinition {
  return {
    format: 'weft/v1',
    id: 'w',
    name: 'w',
    nodes: [
      { id: 'start', kind: 'trigger', position: { x: 0, y: 0 } },
      { id: 'double', kind: 'transform', position: { x: 200, y: 0 }, config: { expression } },
      {
        id: 'big',
        kind: 'condition',
        position: { x: 400, y: 0 },
        config: { expression: '$ > 10' },
      },
    ],
    edges: [
      { source: 'start', target: 'double' },
      { source: 'double', target: 'big' },
    ],
  };
}

describe('preview service', () => {
  it('runs a workflow and answers with compact per-node summaries', async () => {
    const service = createPreviewService();
    const reply = await service.preview({
      generation: 1,
      definition: workflow('$ * 2'),
      input: 7,
      options: {},
    });
    expect(reply.ok).toBe(true);
    expect(reply.generation).toBe(1);
    expect(reply.run?.status).toBe('succeeded');
    expect(reply.nodes['double']).toMatchObject({
      status: 'succeeded',
      port: 'out',
      preview: '14',
    });
    expect(reply.nodes['big']).toMatchObject({ status: 'succeeded', port: 'true' });
    expect(reply.run?.nodes['double']?.output).toBeUndefined();
  });

  it('recompiles only when the meaning changed, not when a node moved', async () => {
    const service = createPreviewService();
    const first = workflow('$ * 2');
    expect(
      (await service.preview({ generation: 1, definition: first, input: 1, options: {} }))
        .recompiled,
    ).toBe(true);
    const moved = { ...first, nodes: first.nodes.map((n) => ({ ...n, position: { x: 9, y: 9 } })) };
    const again = await service.preview({
      generation: 2,
      definition: moved,
      input: 1,
      options: {},
    });
    expect(again.recompiled).toBe(false);
    const sampleOnly = await service.preview({ generation: 3, input: 30, options: {} });
    expect(sampleOnly.recompiled).toBe(false);
    expect(sampleOnly.nodes['big']?.port).toBe('true');
    const edited = await service.preview({
      generation: 4,
      definition: workflow('$ * 3'),
      input: 1,
      options: {},
    });
    expect(edited.recompiled).toBe(true);
    expect(edited.nodes['double']?.preview).toBe('3');
  });

  it('reports diagnostics for an invalid definition instead of running it', async () => {
    const service = createPreviewService();
    const reply = await service.preview({
      generation: 5,
      definition: workflow('$ *'),
      input: 1,
      options: {},
    });
    expect(reply.ok).toBe(false);
    expect(reply.run).toBeNull();
    expect(reply.diagnostics.some((d) => d.code === 'EXPRESSION_SYNTAX')).toBe(true);
  });

  it('gives a node full input and output on request, for the latest run only', async () => {
    const service = createPreviewService();
    await service.preview({
      generation: 8,
      definition: workflow('[1..250]'),
      input: 4,
      options: {},
    });
    const detail = service.nodeDetail(8, 'double');
    expect(detail?.input).toBe(4);
    expect(detail?.truncated).toBe(true);
    const output = detail?.output as Json[];
    expect(output).toHaveLength(101);
    expect(output[100]).toBe('… 150 more items');
    expect(service.nodeDetail(7, 'double')).toBeNull();
  });
});

describe('patches', () => {
  it('applies changed nodes, a new order, edges and settings to the held definition', () => {
    const base = workflow('$ * 2');
    const patched = applyPatch(base, {
      nodes: [
        { id: 'double', kind: 'transform', config: { expression: '$ * 3' } },
        { id: 'out', kind: 'output' },
      ],
      order: ['start', 'double', 'out', 'big'],
      edges: [{ source: 'double', target: 'out' }],
      rest: { format: 'weft/v1', id: 'w', name: 'renamed' },
    });
    expect(patched.nodes.map((n) => n.id)).toEqual(['start', 'double', 'out', 'big']);
    expect(patched.nodes[1]?.config).toEqual({ expression: '$ * 3' });
    expect(patched.edges).toEqual([{ source: 'double', target: 'out' }]);
    expect(patched.name).toBe('renamed');
    expect(applyPatch(base, { nodes: [] })).toEqual(base);
    // Edges as a splice: every edge outside it is the held object.
    const spliced = applyPatch(base, {
      nodes: [],
      edgeSplice: { at: 1, remove: 1, insert: [{ source: 'double', target: 'out' }] },
    });
    expect(spliced.edges).toEqual([base.edges[0], { source: 'double', target: 'out' }]);
    expect(spliced.edges[0]).toBe(base.edges[0]);
  });

  it('runs the graph an edge splice makes', async () => {
    const service = createPreviewService();
    const first = await service.preview({
      generation: 1,
      definition: workflow('$ * 2'),
      input: 6,
      options: {},
    });
    expect(first.nodes['big']?.port).toBe('true');
    // The condition rewired from `double` (12) to the trigger (6).
    const rewired = await service.preview({
      generation: 2,
      patch: {
        nodes: [],
        edgeSplice: { at: 1, remove: 1, insert: [{ source: 'start', target: 'big' }] },
      },
      options: {},
    });
    expect(rewired.recompiled).toBe(true);
    expect(rewired.nodes['big']?.port).toBe('false');
  });

  it('tells a patch that changes what runs from one that only moves nodes', () => {
    const held = workflow('$ * 2');
    const double = held.nodes.find((n) => n.id === 'double');
    if (!double) throw new Error('no double node');
    const changes = (patch: DefinitionPatch) => patchChangesMeaning(held, patch);
    expect(changes({ nodes: [] })).toBe(false);
    expect(changes({ nodes: [double] })).toBe(false);
    expect(changes({ nodes: [{ ...double, position: { x: 9, y: 9 } }] })).toBe(false);
    expect(changes({ nodes: [{ ...double, label: 'Double' }] })).toBe(true);
    expect(changes({ nodes: [{ ...double, config: { expression: '$ * 3' } }] })).toBe(true);
    expect(changes({ nodes: [double, { id: 'fresh', kind: 'output' }] })).toBe(true);
    expect(changes({ nodes: [], edges: [] })).toBe(true);
    expect(changes({ nodes: [], edgeSplice: { at: 0, remove: 1, insert: [] } })).toBe(true);
  });

  it('runs a patched definition as if it had been sent whole', async () => {
    const service = createPreviewService();
    await service.preview({ generation: 1, definition: workflow('$ * 2'), input: 4, options: {} });
    const reply = await service.preview({
      generation: 2,
      patch: { nodes: [{ id: 'double', kind: 'transform', config: { expression: '$ * 5' } }] },
      input: 4,
      options: {},
    });
    expect(reply.recompiled).toBe(true);
    expect(reply.nodes['double']?.preview).toBe('20');
    expect(reply.nodes['big']?.port).toBe('true');
  });

  it('does not recompile for a patch that only moves nodes, and does for one that edits', async () => {
    const service = createPreviewService();
    const first = workflow('$ * 2');
    await service.preview({ generation: 1, definition: first, input: 4, options: {} });
    const double = first.nodes.find((n) => n.id === 'double');
    if (!double) throw new Error('no double node');
    const moved = await service.preview({
      generation: 2,
      patch: { nodes: [{ ...double, position: { x: 300, y: 40 } }] },
      input: 4,
      options: {},
    });
    expect(moved.recompiled).toBe(false);
    expect(moved.nodes['double']?.preview).toBe('8');
    const edited = await service.preview({
      generation: 3,
      patch: {
        nodes: [{ ...double, position: { x: 300, y: 40 }, config: { expression: '$ * 6' } }],
      },
      input: 4,
      options: {},
    });
    expect(edited.recompiled).toBe(true);
    expect(edited.nodes['double']?.preview).toBe('24');
    // The whole definition again, as a new worker would get it: same meaning, no compile.
    const whole = await service.preview({
      generation: 4,
      definition: {
        ...first,
        nodes: first.nodes.map((n) =>
          n.id === 'double' ? { ...n, config: { expression: '$ * 6' } } : n,
        ),
      },
      input: 4,
      options: {},
    });
    expect(whole.recompiled).toBe(false);
    expect(whole.nodes['double']?.preview).toBe('24');
  });
});

describe('previews of values', () => {
  it('cuts long output to one line of about 80 characters', () => {
    const big = Array.from({ length: 100_000 }, (_, i) => ({ id: i, name: `item ${i}` }));
    const text = previewText(big);
    expect(text.length).toBeLessThanOrEqual(80);
    expect(text.endsWith('…')).toBe(true);
    expect(text.startsWith('[{"id":0,"name":"item 0"}')).toBe(true);
  });

  it('leaves short output whole', () => {
    expect(previewText({ a: [1, 2], b: 'x' })).toBe('{"a":[1,2],"b":"x"}');
    expect(previewText(null)).toBe('null');
  });

  it("is the value's JSON text, cut to the limit with an ellipsis, for any value", () => {
    const cutJson = (value: Json, limit: number) => {
      const json = JSON.stringify(value);
      return json.length <= limit ? json : `${json.slice(0, limit - 1)}…`;
    };
    const tricky: Json[] = [
      -0,
      1e21,
      5e-324,
      -1.5e-7,
      Number.POSITIVE_INFINITY,
      true,
      false,
      '',
      'say "hi"\\ \n\t\u0001 \u2028',
      '😀'.repeat(60),
      `${'a'.repeat(78)}😀😀`,
      'x'.repeat(100_000),
      { 'a"b': 1, '\n': [null, 'é'], '': {} },
      [[[]], {}, [{ k: 'v' }]],
    ];
    for (const value of tricky)
      for (const limit of [1, 2, 10, 79, 80, 81])
        expect(previewText(value, limit), JSON.stringify(value).slice(0, 40)).toBe(
          cutJson(value, limit),
        );
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), fc.integer({ min: 1, max: 120 }), (v, limit) => {
        const value = JSON.parse(JSON.stringify(v)) as Json;
        expect(previewText(value, limit)).toBe(cutJson(value, limit));
      }),
      { numRuns: 2000 },
    );
  });

  it('marks arrays it truncates, at any depth', () => {
    const { value, truncated } = truncateValue({ rows: [1, 2, 3, 4] }, 2);
    expect(truncated).toBe(true);
    expect(value).toEqual({ rows: [1, 2, '… 2 more items'] });
    expect(truncateValue([1, 2], 2)).toEqual({ value: [1, 2], truncated: false });
  });

  it('keeps a key named __proto__ as data when it copies a value', () => {
    const { value } = truncateValue(JSON.parse('{"__proto__":{"p":[1,2,3]},"a":0}') as Json, 2);
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(JSON.stringify(value)).toBe('{"__proto__":{"p":[1,2,"… 1 more items"]},"a":0}');
  });

  it('ignores positions in the meaning of a definition', () => {
    const a = workflow('$');
    const b = { ...a, nodes: a.nodes.map((n) => ({ ...n, position: { x: 1, y: 2 } })) };
    expect(meaningKey(a)).toBe(meaningKey(b));
    expect(meaningKey(a)).not.toBe(meaningKey(workflow('$ + 1')));
  });
});

describe('hostile depth', () => {
  const deep = (levels: number): Json =>
    JSON.parse('{"a":'.repeat(levels) + '1' + '}'.repeat(levels)) as Json;

  it('answers a definition too deep to serialize with diagnostics instead of throwing', async () => {
    const service = createPreviewService();
    const definition: WorkflowDefinition = {
      ...workflow('$'),
      input: { samples: [{ name: 'deep', data: deep(100_000) }] },
    };
    const reply = await service.preview({ generation: 1, definition, input: null, options: {} });
    expect(reply.generation).toBe(1);
    expect(reply.recompiled).toBe(true);
  });

  it('cuts values nested past the detail depth with a marker instead of overflowing', () => {
    const { value, truncated } = truncateValue(deep(100_000));
    expect(truncated).toBe(true);
    expect(JSON.stringify(value)).toContain('nested too deep to show');
    expect(previewText(deep(100_000)).length).toBeLessThanOrEqual(80);
  });
});

describe('incremental preview', () => {
  it('after an edit re-runs only the edited node and what lies downstream', async () => {
    const service = createPreviewService();
    const first = workflow('$ * 2');
    await service.preview({ generation: 1, definition: first, input: 7, options: {} });

    // Editing the condition keeps the transform's result from the last run.
    const edited: WorkflowDefinition = {
      ...first,
      nodes: first.nodes.map((n) =>
        n.id === 'big' ? { ...n, config: { expression: '$ > 20' } } : n,
      ),
    };
    const second = await service.preview({
      generation: 2,
      definition: edited,
      input: 7,
      options: {},
    });
    expect(second.recompiled).toBe(true);
    expect(second.nodes['double']).toMatchObject({ preview: '14', reused: true });
    expect(second.nodes['big']).toMatchObject({ status: 'succeeded', port: 'false' });
    expect(second.nodes['big']?.reused).toBeUndefined();

    // Editing the transform re-runs it and the condition downstream.
    const third = await service.preview({
      generation: 3,
      definition: workflow('$ * 3'),
      input: 7,
      options: {},
    });
    expect(third.nodes['double']).toMatchObject({ preview: '21' });
    expect(third.nodes['double']?.reused).toBeUndefined();
    expect(third.nodes['big']).toMatchObject({ port: 'true' });
    expect(third.nodes['big']?.reused).toBeUndefined();
  });

  it('re-runs everything when the input changes', async () => {
    const service = createPreviewService();
    const definition = workflow('$ * 2');
    await service.preview({ generation: 1, definition, input: 7, options: {} });
    const reply = await service.preview({ generation: 2, definition, input: 8, options: {} });
    expect(reply.nodes['double']).toMatchObject({ preview: '16' });
    expect(reply.nodes['double']?.reused).toBeUndefined();
  });
});

describe('one-off engine calls', () => {
  it('validates without touching the preview', async () => {
    const service = createPreviewService();
    await service.preview({ generation: 1, definition: workflow('$ * 2'), input: 7, options: {} });
    const broken = workflow('$ * 2');
    broken.edges.push({ source: 'big', target: 'double', sourcePort: 'true' });
    const diagnostics = service.validate(broken);
    expect(diagnostics.some((d) => d.severity === 'error' && d.code === 'CYCLE')).toBe(true);
    expect(service.validate(workflow('$ + 1')).filter((d) => d.severity === 'error')).toEqual([]);
    expect(service.nodeDetail(1, 'double')?.output).toBe(14);
  });

  it('exports to Step Functions or says per node why not', () => {
    const service = createPreviewService();
    const result = service.exportAsl(workflow('$ * 2'));
    expect(result.ok && result.machine['QueryLanguage']).toBe('JSONata');
    const fanIn: WorkflowDefinition = {
      format: 'weft/v1',
      id: 'f',
      name: 'f',
      nodes: [
        { id: 'start', kind: 'trigger' },
        { id: 'a', kind: 'transform', config: { expression: '1' } },
        { id: 'b', kind: 'transform', config: { expression: '2' } },
        { id: 'join', kind: 'transform', config: { expression: '$' } },
      ],
      edges: [
        { source: 'start', target: 'a' },
        { source: 'start', target: 'b' },
        { source: 'a', target: 'join' },
        { source: 'b', target: 'join' },
      ],
    };
    const refused = service.exportAsl(fanIn);
    expect(refused.ok).toBe(false);
    if (!refused.ok)
      expect(refused.problems[0]).toMatchObject({ node: 'join', code: 'EXPORT_FAN_IN' });
  });
});

describe('sub-workflows in the preview', () => {
  const parent: WorkflowDefinition = {
    format: 'weft/v1',
    id: 'parent',
    name: 'Parent',
    nodes: [
      { id: 'start', kind: 'trigger' },
      { id: 'call', kind: 'subworkflow', config: { workflow: 'child' } },
    ],
    edges: [{ source: 'start', target: 'call' }],
  };
  const child = (expression: string): WorkflowDefinition => ({
    format: 'weft/v1',
    id: 'child',
    name: 'Child',
    nodes: [
      { id: 'start', kind: 'trigger' },
      { id: 'calc', kind: 'transform', config: { expression } },
      { id: 'done', kind: 'output' },
    ],
    edges: [
      { source: 'start', target: 'calc' },
      { source: 'calc', target: 'done' },
    ],
  });

  it("runs the workspace's workflow of that id, before the bundled sample, and follows its edits", async () => {
    let current = child('$ * 10');
    const fetched: string[] = [];
    const service = createPreviewService({
      fetchJson: async (url) => {
        fetched.push(url);
        return { ok: true, json: async () => child('$ + 1000') };
      },
    });
    service.setWorkspaceLookup((id) => (id === 'child' ? current : undefined));
    const first = await service.preview({
      generation: 1,
      definition: parent,
      input: 4,
      options: {},
    });
    expect(first.nodes['call']).toMatchObject({ status: 'succeeded', preview: '40' });

    current = child('$ * 100');
    const second = await service.preview({
      generation: 2,
      definition: parent,
      input: 4,
      options: {},
    });
    expect(second.nodes['call']).toMatchObject({ preview: '400' });
    expect(fetched).toEqual([]);

    // Not in the workspace: the bundled sample of that id.
    service.setWorkspaceLookup(() => undefined);
    const third = await service.preview({
      generation: 3,
      definition: parent,
      input: 4,
      options: {},
    });
    expect(third.nodes['call']).toMatchObject({ preview: '1004' });
    expect(fetched).toEqual(['samples/child.json']);
  });
});

describe('details with the reply', () => {
  it('sends the asked-for nodes’ full input and output with the run', async () => {
    const service = createPreviewService();
    const reply = await service.preview({
      generation: 1,
      definition: workflow('$ * 2'),
      input: 7,
      options: {},
      details: ['double', 'missing'],
    });
    expect(reply.details).toEqual([
      { generation: 1, nodeId: 'double', input: 7, output: 14, truncated: false },
    ]);
    const plain = await service.preview({
      generation: 2,
      definition: workflow('$ * 2'),
      input: 7,
      options: {},
    });
    expect(plain.details).toBeUndefined();
  });
});

describe('summary deltas', () => {
  /** start -> first ($ * 2) -> second ($ + 1) -> check (condition), and a side branch. */
  function chain(first: string, side = '"side"'): WorkflowDefinition {
    return {
      format: 'weft/v1',
      id: 'chain',
      name: 'chain',
      nodes: [
        { id: 'start', kind: 'trigger' },
        { id: 'first', kind: 'transform', config: { expression: first } },
        { id: 'second', kind: 'transform', config: { expression: '$ + 1' } },
        { id: 'check', kind: 'condition', config: { expression: '$ > 100' } },
        { id: 'side', kind: 'transform', config: { expression: side } },
      ],
      edges: [
        { source: 'start', target: 'first' },
        { source: 'first', target: 'second' },
        { source: 'second', target: 'check' },
        { source: 'start', target: 'side' },
      ],
    };
  }

  /** A request that edits `first`'s expression, against the reply `base`. */
  function editFirst(generation: number, expression: string, base: number): PreviewRequest {
    return {
      generation,
      patch: { nodes: [{ id: 'first', kind: 'transform', config: { expression } }] },
      options: {},
      base,
    };
  }

  /** What a client holds after applying `reply` to the summaries of its base. */
  function applied(
    held: Map<number, Record<string, NodeSummary>>,
    reply: PreviewReply,
  ): Record<string, NodeSummary> {
    if (reply.base === undefined) return reply.nodes;
    const base = held.get(reply.base);
    if (!base) throw new Error(`a delta against ${reply.base}, which the client does not hold`);
    const nodes = { ...base, ...reply.nodes };
    for (const id of reply.removed ?? []) delete nodes[id];
    return nodes;
  }

  /** The summaries' visible parts, as a fresh worker would show them. */
  function shown(nodes: Record<string, NodeSummary>) {
    return Object.fromEntries(
      Object.entries(nodes).map(([id, s]) => [id, [s.status, s.port, s.preview, s.error?.code]]),
    );
  }

  async function fresh(definition: WorkflowDefinition, input: Json) {
    const reply = await createPreviewService().preview({
      generation: 1,
      definition,
      input,
      options: {},
    });
    return shown(reply.nodes);
  }

  /** A service that ran chain('$ * 2') on 7, and what its client holds after that reply (1). */
  async function ranOnce() {
    const service = createPreviewService();
    const held = new Map<number, Record<string, NodeSummary>>();
    const reply = await service.preview({
      generation: 1,
      definition: chain('$ * 2'),
      input: 7,
      options: {},
    });
    held.set(1, applied(held, reply));
    return { service, held };
  }

  it('sends only the summaries that changed since the base the client names', async () => {
    const service = createPreviewService();
    const first = await service.preview({
      generation: 1,
      definition: chain('$ * 2'),
      input: 7,
      options: {},
    });
    expect(first.base).toBeUndefined();
    expect(Object.keys(first.nodes)).toEqual(['start', 'first', 'second', 'check', 'side']);

    // The side branch changes. The chain is reused: its summaries change only
    // in being marked reused, once; after that they are left out.
    const second = await service.preview({
      generation: 2,
      definition: chain('$ * 2', '"other"'),
      options: {},
      base: 1,
    });
    expect(second.base).toBe(1);
    expect(second.nodes['side']?.preview).toBe('"other"');
    expect(second.nodes['second']).toMatchObject({ preview: '15', reused: true });
    const third = await service.preview({
      generation: 3,
      definition: chain('$ * 2', '"third"'),
      options: {},
      base: 2,
    });
    expect(third.base).toBe(2);
    expect(Object.keys(third.nodes)).toEqual(['side']);
    expect(third.nodes['side']?.preview).toBe('"third"');
  });

  it('leaves the client holding what a fresh worker shows, edit after edit, cut off or not', async () => {
    const withExtra = (definition: WorkflowDefinition): WorkflowDefinition => ({
      ...definition,
      nodes: [
        ...definition.nodes,
        { id: 'extra', kind: 'transform', config: { expression: '$nodes.first' } },
      ],
      edges: [...definition.edges, { source: 'second', target: 'extra' }],
    });
    const steps = [
      chain('$ * 2'),
      // The same output: the re-run stops at `first`, what follows is reused.
      chain('2 * $'),
      chain('$ * 3'),
      // A node added, then gone again: the summaries' ids change.
      withExtra(chain('$ * 3')),
      chain('$ * 3', '"again"'),
      chain('$ * 3', '"again"'),
      chain('$ * 4', '"again"'),
    ];
    const service = createPreviewService();
    const held = new Map<number, Record<string, NodeSummary>>();
    for (const [i, definition] of steps.entries()) {
      const generation = i + 1;
      const reply = await service.preview({
        generation,
        definition,
        options: {},
        ...(generation === 1 ? { input: 7 } : { base: generation - 1 }),
      });
      const nodes = applied(held, reply);
      held.set(generation, nodes);
      expect(shown(nodes)).toEqual(await fresh(definition, 7));
    }
  });

  it('on input edits (every node runs again) leaves the client holding what a fresh worker shows', async () => {
    // At 60, `check` takes its other port: a change the reply must carry.
    const definition = chain('$ * 2');
    const service = createPreviewService();
    const held = new Map<number, Record<string, NodeSummary>>();
    for (const [i, input] of [7, 8, 8, 60, 7].entries()) {
      const generation = i + 1;
      const reply = await service.preview({
        generation,
        ...(generation === 1 ? { definition } : { base: generation - 1 }),
        input,
        options: {},
      });
      const nodes = applied(held, reply);
      held.set(generation, nodes);
      expect(shown(nodes)).toEqual(await fresh(definition, input));
      if (generation === 4) expect(Object.keys(reply.nodes)).toContain('check');
    }
  });

  it('cannot leave the client with wrong summaries when it drops a stale reply', async () => {
    const { service, held } = await ranOnce();

    // Reply 2 changes every node on the chain; the client has a newer request
    // queued by then, so it drops reply 2 unapplied and still holds reply 1.
    const two = await service.preview(editFirst(2, '$ * 20', 1));
    expect(two.nodes['check']?.port).toBe('true');

    // Request 3 changes `first` again: against reply 2 nothing on the chain
    // but `first` would change, yet the client holds reply 1. The worker keeps
    // only its last reply's summaries, so it sends them all.
    const three = await service.preview(editFirst(3, '$ * 30', 1));
    expect(three.base).toBeUndefined();
    const now = applied(held, three);
    expect(shown(now)).toEqual(await fresh(chain('$ * 30'), 7));
    expect(now['check']?.port).toBe('true');
  });

  it('never changes a reply it has sent, though it updates its own summaries in place', async () => {
    const service = createPreviewService();
    const one = await service.preview({
      generation: 1,
      definition: chain('$ * 2'),
      input: 7,
      options: {},
    });
    const shownFirst = shown(one.nodes);
    const two = await service.preview(editFirst(2, '$ * 3', 1));
    expect(two.nodes['first']?.preview).toBe('21');
    expect(shown(one.nodes)).toEqual(shownFirst);
    expect(one.nodes['first']?.preview).toBe('14');
  });

  it('sends every summary when the base is one it no longer remembers', async () => {
    const service = createPreviewService();
    await service.preview({ generation: 1, definition: chain('$ * 2'), input: 7, options: {} });
    for (let g = 2; g <= 8; g++) await service.preview(editFirst(g, `$ * ${g}`, g - 1));
    const reply = await service.preview(editFirst(9, '$ * 9', 1));
    expect(reply.base).toBeUndefined();
    expect(shown(reply.nodes)).toEqual(await fresh(chain('$ * 9'), 7));
  });

  it('names the nodes that are gone, and sends the summaries of an invalid definition whole', async () => {
    const service = createPreviewService();
    const held = new Map<number, Record<string, NodeSummary>>();
    const whole = chain('$ * 2');
    held.set(
      1,
      applied(
        held,
        await service.preview({ generation: 1, definition: whole, input: 7, options: {} }),
      ),
    );
    const without: WorkflowDefinition = {
      ...whole,
      nodes: whole.nodes.filter((n) => n.id !== 'side'),
      edges: whole.edges.filter((e) => e.target !== 'side'),
    };
    const two = await service.preview({ generation: 2, definition: without, options: {}, base: 1 });
    expect(two.removed).toEqual(['side']);
    held.set(2, applied(held, two));
    expect(Object.keys(held.get(2) ?? {})).toEqual(['start', 'first', 'second', 'check']);

    const broken = await service.preview({
      generation: 3,
      definition: chain('$ *'),
      options: {},
      base: 2,
    });
    expect(broken.ok).toBe(false);
    expect(broken.base).toBeUndefined();
    expect(broken.nodes).toEqual({});
  });

  it('keeps its last run through an edit that does not compile: the mending edit re-runs and sends only what changed', async () => {
    const { service, held } = await ranOnce();
    held.set(2, applied(held, await service.preview(editFirst(2, '$ * 4', 1))));

    // An open bracket, mid-typing: not run, and nothing for the client to apply.
    const broken = await service.preview(editFirst(3, '($ * 3', 2));
    expect(broken.ok).toBe(false);
    expect(broken.nodes).toEqual({});

    // The client still holds the second reply's summaries and names it as base:
    // the trigger and the side branch were not run again, nor sent.
    const mended = await service.preview(editFirst(4, '($ * 3)', 2));
    expect(mended.ok).toBe(true);
    expect(mended.base).toBe(2);
    expect(Object.keys(mended.nodes).sort()).toEqual(['check', 'first', 'second']);
    expect(mended.nodes['first']).toMatchObject({ preview: '21' });
    held.set(4, applied(held, mended));
    expect(shown(held.get(4) ?? {})).toEqual(await fresh(chain('($ * 3)'), 7));
  });

  it('keeps the summary object of a node whose result was reused', async () => {
    const service = createPreviewService();
    const one = await service.preview({
      generation: 1,
      definition: chain('$ * 2'),
      input: 7,
      options: {},
    });
    // Without a base the reply is whole; the reused chain keeps its summaries,
    // marked reused, and the preview text is the one made for reply 1.
    const two = await service.preview({
      generation: 2,
      definition: chain('$ * 2', '"other"'),
      options: {},
    });
    expect(two.nodes['second']).toMatchObject({
      preview: one.nodes['second']?.preview,
      reused: true,
    });
    const three = await service.preview({
      generation: 3,
      definition: chain('$ * 2', '"third"'),
      options: {},
    });
    expect(three.nodes['second']).toBe(two.nodes['second']);
  });

  it('runs on the input of the last request that carried one', async () => {
    const service = createPreviewService();
    await service.preview({ generation: 1, definition: chain('$ * 2'), input: 7, options: {} });
    const same = await service.preview({
      generation: 2,
      definition: chain('$ * 3'),
      options: {},
    });
    expect(same.nodes['first']?.preview).toBe('21');
    const changed = await service.preview({ generation: 3, input: 100, options: {} });
    expect(changed.nodes['first']?.preview).toBe('300');
  });
});

describe('what counts as a changed summary', () => {
  const summary = (durationMs: number): NodeSummary => ({
    status: 'succeeded',
    port: 'out',
    preview: '42',
    durationMs,
  });

  it('ignores a time that moved by a step or two of a coarse clock', () => {
    expect(sameSummary(summary(0.1), summary(0.2))).toBe(true);
    expect(sameSummary(summary(0), summary(0.2))).toBe(true);
    expect(sameSummary(summary(0.3), summary(0.5))).toBe(true);
  });

  it('reports a time that moved by more than that and by more than half', () => {
    expect(sameSummary(summary(0.1), summary(0.5))).toBe(false);
    expect(sameSummary(summary(2), summary(5))).toBe(false);
    expect(sameSummary(summary(2), summary(2.8))).toBe(true);
  });

  it('reports any change of what the card shows besides its time', () => {
    expect(sameSummary(summary(1), { ...summary(1), preview: '43' })).toBe(false);
    expect(sameSummary(summary(1), { ...summary(1), port: 'error' })).toBe(false);
  });
});
