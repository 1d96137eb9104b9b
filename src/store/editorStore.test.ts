import { describe, expect, it } from 'vitest';
import type { PreviewReply, WorkflowDefinition } from '../engine/client.ts';
import { createEditorStore, edgeKey, stableSummaries, summaryDelta } from './editorStore.ts';
import { parseClipboard, sameMeaning } from './documentOps.ts';

function purchaseOrder(): WorkflowDefinition {
  return {
    format: 'weft/v1',
    id: 'po',
    name: 'Purchase order',
    input: { samples: [{ name: 'small', data: { amount: 120 } }] },
    nodes: [
      { id: 'start', kind: 'trigger', position: { x: 0, y: 0 } },
      {
        id: 'big',
        kind: 'condition',
        position: { x: 300, y: 0 },
        config: { expression: 'amount > 1000' },
      },
      {
        id: 'total',
        kind: 'transform',
        position: { x: 600, y: 0 },
        config: { expression: '$nodes.big.amount * 2' },
      },
      { id: 'done', kind: 'output', position: { x: 900, y: 0 } },
    ],
    edges: [
      { source: 'start', target: 'big' },
      { source: 'big', sourcePort: 'true', target: 'total' },
      { source: 'total', target: 'done' },
    ],
  };
}

/** A clock the test advances by hand, so merging edits into one undo step is deterministic. */
function manualClock() {
  let t = 0;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('undo and redo', () => {
  it('undoes and redoes a node added from the palette', () => {
    const store = createEditorStore(purchaseOrder());
    const id = store.getState().addNode('transform', { x: 10, y: 20 });
    expect(id).toBe('transform1');
    expect(store.getState().document.nodes.map((n) => n.id)).toContain('transform1');
    expect(store.getState().selectedNodeIds).toEqual(['transform1']);

    store.getState().undo();
    expect(store.getState().document.nodes.map((n) => n.id)).not.toContain('transform1');
    expect(store.getState().selectedNodeIds).toEqual([]);

    store.getState().redo();
    const added = store.getState().document.nodes.find((n) => n.id === 'transform1');
    expect(added?.position).toEqual({ x: 10, y: 20 });
    expect(added?.config).toEqual({ expression: '$' });
  });

  it('a new edit clears the redo stack', () => {
    const store = createEditorStore(purchaseOrder());
    store.getState().addNode('transform', { x: 0, y: 0 });
    store.getState().undo();
    store.getState().addNode('merge', { x: 0, y: 0 });
    store.getState().redo();
    const ids = store.getState().document.nodes.map((n) => n.id);
    expect(ids).toContain('merge1');
    expect(ids).not.toContain('transform1');
  });

  it('records a whole drag as one step, back to where the drag began', () => {
    const store = createEditorStore(purchaseOrder());
    for (let x = 1; x <= 20; x += 1)
      store.getState().moveNodes([{ id: 'big', position: { x, y: x } }]);
    store.getState().commitMove();
    expect(store.getState().past).toHaveLength(1);
    expect(store.getState().document.nodes[1]?.position).toEqual({ x: 20, y: 20 });

    store.getState().undo();
    expect(store.getState().document.nodes[1]?.position).toEqual({ x: 300, y: 0 });
    store.getState().redo();
    expect(store.getState().document.nodes[1]?.position).toEqual({ x: 20, y: 20 });
  });

  it('a click without movement records nothing', () => {
    const store = createEditorStore(purchaseOrder());
    store.getState().moveNodes([{ id: 'big', position: { x: 300, y: 0 } }]);
    store.getState().commitMove();
    expect(store.getState().past).toHaveLength(0);
  });

  it('merges rapid typing in one field into one step, but not edits far apart', () => {
    const clock = manualClock();
    const store = createEditorStore(purchaseOrder(), { now: clock.now });
    for (const text of ['a', 'am', 'amo', 'amount']) {
      store.getState().updateNodeConfig('total', { expression: text });
      clock.advance(100);
    }
    expect(store.getState().past).toHaveLength(1);
    clock.advance(5000);
    store.getState().updateNodeConfig('total', { expression: 'amount + 1' });
    expect(store.getState().past).toHaveLength(2);

    store.getState().undo();
    expect(store.getState().document.nodes[2]?.config).toEqual({ expression: 'amount' });
    store.getState().undo();
    expect(store.getState().document.nodes[2]?.config).toEqual({
      expression: '$nodes.big.amount * 2',
    });
  });

  it('loading a document clears history and selection', () => {
    const store = createEditorStore(purchaseOrder());
    store.getState().addNode('transform', { x: 0, y: 0 });
    store.getState().loadDocument(purchaseOrder());
    expect(store.getState().past).toEqual([]);
    expect(store.getState().selectedNodeIds).toEqual([]);
    expect(store.getState().activeSample).toBe('small');
  });
});

describe('connect', () => {
  it('adds an edge from a named port', () => {
    const store = createEditorStore(purchaseOrder());
    const result = store.getState().connect({ source: 'big', sourcePort: 'false', target: 'done' });
    expect(result).toEqual({ ok: true });
    expect(store.getState().document.edges).toContainEqual({
      source: 'big',
      sourcePort: 'false',
      target: 'done',
    });
    expect(store.getState().connectionRefusal).toBeNull();
  });

  it('accepts the error port every node has', () => {
    const store = createEditorStore(purchaseOrder());
    expect(
      store.getState().connect({ source: 'total', sourcePort: 'error', target: 'done' }).ok,
    ).toBe(true);
  });

  it('refuses a cycle and says why', () => {
    const store = createEditorStore(purchaseOrder());
    const before = store.getState().document;
    const result = store.getState().connect({ source: 'total', target: 'big' });
    expect(result.ok).toBe(false);
    expect(store.getState().connectionRefusal).toMatch(/cycle/);
    expect(store.getState().document).toBe(before);
  });

  it('refuses a self-loop as a cycle', () => {
    const store = createEditorStore(purchaseOrder());
    const result = store.getState().connect({ source: 'total', target: 'total' });
    expect(result.ok).toBe(false);
    expect(store.getState().connectionRefusal).toMatch(/cycle/);
  });

  it('refuses a port the node does not have', () => {
    const store = createEditorStore(purchaseOrder());
    const result = store.getState().connect({ source: 'big', sourcePort: 'out', target: 'done' });
    expect(result).toEqual({ ok: false, reason: '"big" has no "out" port.' });
  });

  it('refuses an edge into a trigger', () => {
    const store = createEditorStore(purchaseOrder());
    const result = store.getState().connect({ source: 'total', target: 'start' });
    expect(result.ok).toBe(false);
    expect(store.getState().connectionRefusal).toMatch(/trigger/);
  });

  it('refuses a duplicate edge', () => {
    const store = createEditorStore(purchaseOrder());
    const result = store.getState().connect({ source: 'start', target: 'big' });
    expect(result.ok).toBe(false);
    expect(store.getState().connectionRefusal).toMatch(/already connected/);
    expect(store.getState().document.edges).toHaveLength(3);
  });

  it('the refusal clears on the next successful edit', () => {
    const store = createEditorStore(purchaseOrder());
    store.getState().connect({ source: 'start', target: 'big' });
    store.getState().addNode('merge', { x: 0, y: 0 });
    expect(store.getState().connectionRefusal).toBeNull();
  });
});

describe('selection and deletion', () => {
  it('deletes selected nodes with their edges, as one undo step', () => {
    const store = createEditorStore(purchaseOrder());
    store.getState().select(['big']);
    store.getState().removeSelection();
    const doc = store.getState().document;
    expect(doc.nodes.map((n) => n.id)).toEqual(['start', 'total', 'done']);
    expect(doc.edges).toEqual([{ source: 'total', target: 'done' }]);
    store.getState().undo();
    expect(store.getState().document.edges).toHaveLength(3);
  });

  it('deletes a selected edge by its key', () => {
    const store = createEditorStore(purchaseOrder());
    const key = edgeKey({ source: 'big', sourcePort: 'true', target: 'total' });
    expect(key).toBe('big:true->total:in');
    store.getState().select([], [key]);
    store.getState().removeSelection();
    expect(store.getState().document.edges).toHaveLength(2);
    expect(store.getState().document.nodes).toHaveLength(4);
  });

  it('an undo drops from the selection what it takes away, and keeps the rest', () => {
    const store = createEditorStore(purchaseOrder());
    store.getState().select(['total']);
    store.getState().duplicateSelection();
    const edge = edgeKey({ source: 'big', sourcePort: 'true', target: 'total' });
    store.getState().select(['total', 'total1'], [edge]);
    store.getState().undo();
    expect(store.getState().selectedNodeIds).toEqual(['total']);
    expect(store.getState().selectedEdgeIds).toEqual([edge]);
    store.getState().redo();
    expect(store.getState().selectedNodeIds).toEqual(['total']);
  });

  it('select all takes every node and edge', () => {
    const store = createEditorStore(purchaseOrder());
    store.getState().selectAll();
    expect(store.getState().selectedNodeIds).toHaveLength(4);
    expect(store.getState().selectedEdgeIds).toHaveLength(3);
  });
});

describe('copy, paste and duplicate', () => {
  it('pastes copies under new ids, with internal edges and $nodes references renamed', () => {
    const store = createEditorStore(purchaseOrder());
    store.getState().select(['big', 'total']);
    store.getState().copySelection();
    store.getState().paste();
    const doc = store.getState().document;
    expect(doc.nodes.map((n) => n.id)).toEqual(['start', 'big', 'total', 'done', 'big1', 'total1']);
    expect(doc.edges).toContainEqual({ source: 'big1', sourcePort: 'true', target: 'total1' });
    expect(doc.edges).toHaveLength(4);
    expect(doc.nodes[5]?.config).toEqual({ expression: '$nodes.big1.amount * 2' });
    expect(doc.nodes[4]?.position).toEqual({ x: 340, y: 40 });
    expect(store.getState().selectedNodeIds).toEqual(['big1', 'total1']);

    store.getState().paste();
    expect(store.getState().document.nodes.map((n) => n.id)).toContain('big2');
    expect(store.getState().document.nodes.find((n) => n.id === 'big2')?.position).toEqual({
      x: 380,
      y: 80,
    });
  });

  it('does not paste a second trigger', () => {
    const store = createEditorStore(purchaseOrder());
    store.getState().select(['start', 'big']);
    store.getState().duplicateSelection();
    const kinds = store.getState().document.nodes.map((n) => n.kind);
    expect(kinds.filter((k) => k === 'trigger')).toHaveLength(1);
    expect(store.getState().document.nodes.map((n) => n.id)).toContain('big1');
  });

  it('duplicate leaves the clipboard alone and is one undo step', () => {
    const store = createEditorStore(purchaseOrder());
    store.getState().select(['total']);
    store.getState().duplicateSelection();
    expect(store.getState().clipboard).toBeNull();
    expect(store.getState().document.nodes.map((n) => n.id)).toContain('total1');
    store.getState().undo();
    expect(store.getState().document.nodes.map((n) => n.id)).not.toContain('total1');
  });

  it('round-trips the clipboard payload through text (the system clipboard)', () => {
    const store = createEditorStore(purchaseOrder());
    store.getState().select(['total']);
    store.getState().copySelection();
    const text = JSON.stringify(store.getState().clipboard);
    const other = createEditorStore(purchaseOrder());
    const payload = parseClipboard(text);
    expect(payload).not.toBeNull();
    other.getState().paste(payload ?? undefined);
    expect(other.getState().document.nodes.map((n) => n.id)).toContain('total1');
    expect(parseClipboard('not json')).toBeNull();
    expect(parseClipboard('{"nodes":[]}')).toBeNull();
  });
});

describe('meaning of a change', () => {
  it('moving a node keeps the meaning; editing config does not', () => {
    const store = createEditorStore(purchaseOrder());
    const before = store.getState().document;
    store.getState().moveNodes([{ id: 'total', position: { x: 5, y: 5 } }]);
    expect(sameMeaning(before, store.getState().document)).toBe(true);
    store.getState().updateNodeConfig('total', { expression: '1' });
    expect(sameMeaning(before, store.getState().document)).toBe(false);
  });
});

describe('auto layout', () => {
  it('lays the graph out left to right as one undo step', async () => {
    const store = createEditorStore(purchaseOrder());
    store.getState().moveNodes([{ id: 'done', position: { x: -500, y: 300 } }]);
    store.getState().commitMove();
    await store.getState().autoLayout();
    const x = (id: string) =>
      store.getState().document.nodes.find((n) => n.id === id)?.position?.x ?? NaN;
    expect(x('start')).toBeLessThan(x('big'));
    expect(x('big')).toBeLessThan(x('total'));
    expect(x('total')).toBeLessThan(x('done'));
    store.getState().undo();
    expect(x('done')).toBe(-500);
  });

  it('lays out a definition opened without positions, without an undo step', async () => {
    const definition = purchaseOrder();
    definition.nodes = definition.nodes.map(({ position: _position, ...rest }) => rest);
    const store = createEditorStore(definition);
    await store.getState().autoLayout({ record: false });
    expect(store.getState().document.nodes.every((n) => n.position !== undefined)).toBe(true);
    expect(store.getState().past).toHaveLength(0);
  });
});

describe('preview results', () => {
  it('keeps the summary object of a node whose result did not visibly change', () => {
    const a = { status: 'succeeded' as const, port: 'out', preview: '1', durationMs: 0.4 };
    const b = { status: 'succeeded' as const, port: 'out', preview: '2', durationMs: 0.4 };
    const before = new Map(Object.entries({ a, b }));
    const after = stableSummaries(before, {
      a: { status: 'succeeded', port: 'out', preview: '1', durationMs: 0.5 },
      b: { status: 'succeeded', port: 'out', preview: '3', durationMs: 0.4 },
    });
    expect(after.get('a')).toBe(a);
    expect(after.get('b')).not.toBe(b);
    expect(after.get('b')?.preview).toBe('3');
  });

  it('given the ids a reply changed, looks at those only and says which changed', () => {
    const a = { status: 'succeeded' as const, port: 'out', preview: '1', durationMs: 0.4 };
    const before = new Map(
      Object.entries({
        a,
        b: { status: 'succeeded' as const, port: 'out', preview: '2', durationMs: 0.4 },
        c: { status: 'succeeded' as const, port: 'out', preview: '3', durationMs: 0.4 },
      }),
    );
    const b = { status: 'failed' as const, durationMs: 0.1, error: { code: 'X', message: 'x' } };
    const d = { status: 'succeeded' as const, port: 'out', preview: '4', durationMs: 0.4 };
    const next = { a: { ...a, durationMs: 0.45 }, b, d };
    const after = stableSummaries(before, next, ['a', 'b', 'c', 'd']);
    expect(Object.fromEntries(after)).toEqual({ a, b, d });
    expect(after.get('a')).toBe(a);
    expect(summaryDelta(after)).toEqual({ from: before, ids: ['b', 'c', 'd'] });
    // The same answer as a walk over every node.
    expect(stableSummaries(before, next)).toEqual(after);
    expect(summaryDelta(stableSummaries(before, next))?.ids.slice().sort()).toEqual([
      'b',
      'c',
      'd',
    ]);
    // Nothing visible changed: the same record, so nothing re-renders.
    expect(stableSummaries(before, { ...Object.fromEntries(before), a: { ...a } }, ['a'])).toBe(
      before,
    );
    expect(stableSummaries(before, { ...Object.fromEntries(before), a: { ...a } })).toBe(before);
  });

  it('applies a reply by its changed ids only when they count from the summaries it shows', () => {
    const store = createEditorStore(purchaseOrder());
    const reply = (nodes: PreviewReply['nodes'], generation: number): PreviewReply => ({
      generation,
      ok: true,
      diagnostics: [],
      run: null,
      nodes,
      recompiled: false,
    });
    const first = { big: { status: 'succeeded' as const, port: 'true', durationMs: 1 } };
    store.getState().previewFinished(reply(first, 1), 1);
    const second = {
      ...first,
      total: { status: 'succeeded' as const, preview: '2', durationMs: 1 },
    };
    store.getState().previewFinished(reply(second, 2), 1, { since: first, ids: ['total'] });
    expect([...store.getState().nodeSummaries.keys()].sort()).toEqual(['big', 'total']);
    // A new document empties the results: changes counted from older ones do not apply.
    store.getState().loadDocument(purchaseOrder());
    const third = { ...second, big: { status: 'skipped' as const, durationMs: 0 } };
    store.getState().previewFinished(reply(third, 3), 1, { since: second, ids: ['big'] });
    expect(Object.fromEntries(store.getState().nodeSummaries)).toEqual(third);
  });

  it("shares the unchanged parts of a node's new input and output with its last detail", () => {
    const store = createEditorStore(purchaseOrder());
    const input = { order: { items: [{ sku: 'A', price: 2 }] } };
    const finish = (generation: number, output: number) =>
      store.getState().previewFinished(
        {
          generation,
          ok: true,
          diagnostics: [],
          run: null,
          nodes: {},
          recompiled: false,
          details: [
            {
              generation,
              nodeId: 'total',
              truncated: false,
              input: structuredClone(input),
              output,
            },
          ],
        },
        1,
      );
    finish(1, 336);
    const before = store.getState().nodeDetails['total'];
    finish(2, 352);
    const after = store.getState().nodeDetails['total'];
    expect(after?.output).toBe(352);
    expect(after?.generation).toBe(2);
    expect(after?.input).toBe(before?.input);
  });

  it('keeps the last run shown, and fetchable, while the workflow does not compile', () => {
    const store = createEditorStore(purchaseOrder());
    const total = { status: 'succeeded' as const, preview: '336', durationMs: 1 };
    const shown = { total };
    store.getState().previewFinished(
      {
        generation: 1,
        ok: true,
        diagnostics: [],
        run: { status: 'succeeded', output: 336, nodes: {} },
        nodes: shown,
        recompiled: true,
        details: [{ generation: 1, nodeId: 'total', truncated: false, output: 336 }],
      },
      1,
    );
    const summaries = store.getState().nodeSummaries;
    const problem = {
      code: 'EXPRESSION_SYNTAX' as const,
      severity: 'error' as const,
      path: '/nodes/3/config/expression',
      message: 'Expected ")"',
    };
    // The client hands on the summaries it holds, none of them changed.
    store.getState().previewFinished(
      {
        generation: 2,
        ok: false,
        diagnostics: [problem],
        run: null,
        nodes: shown,
        recompiled: true,
      },
      1,
      { since: shown, ids: [] },
    );
    const state = store.getState();
    expect(state.previewState).toBe('invalid');
    expect(state.diagnostics).toEqual([problem]);
    expect(state.run?.output).toBe(336);
    expect(state.nodeSummaries).toBe(summaries);
    expect(state.nodeDetails['total']?.output).toBe(336);
    // Details of a node selected now come from the run shown.
    expect(state.generation).toBe(1);
    store.getState().setNodeDetail({ generation: 1, nodeId: 'big', truncated: false, output: 1 });
    expect(store.getState().nodeDetails['big']?.output).toBe(1);

    // Another document: the summaries the client still holds are the last
    // one's, and are not shown for it; its first run is then taken whole.
    store.getState().loadDocument(purchaseOrder());
    const unrun = { ...shown, policy: { status: 'failed' as const, durationMs: 1 } };
    store.getState().previewFinished(
      {
        generation: 3,
        ok: false,
        diagnostics: [problem],
        run: null,
        nodes: unrun,
        recompiled: true,
      },
      1,
      { since: unrun, ids: [] },
    );
    expect(store.getState().nodeSummaries.size).toBe(0);
    const ran = { ...unrun, big: { status: 'succeeded' as const, port: 'true', durationMs: 1 } };
    store
      .getState()
      .previewFinished(
        { generation: 4, ok: true, diagnostics: [], run: null, nodes: ran, recompiled: true },
        1,
        { since: unrun, ids: ['big'] },
      );
    expect([...store.getState().nodeSummaries.keys()].sort()).toEqual(['big', 'policy', 'total']);
  });

  it('drops details of a previous run and ignores details for another generation', () => {
    const store = createEditorStore(purchaseOrder());
    store
      .getState()
      .previewFinished(
        { generation: 2, ok: true, diagnostics: [], run: null, nodes: {}, recompiled: true },
        1,
      );
    store.getState().setNodeDetail({ generation: 1, nodeId: 'big', truncated: false, output: 1 });
    expect(store.getState().nodeDetails).toEqual({});
    store.getState().setNodeDetail({ generation: 2, nodeId: 'big', truncated: false, output: 1 });
    expect(store.getState().nodeDetails['big']?.output).toBe(1);
  });
});

describe('switch cases and their edges', () => {
  function routed(): WorkflowDefinition {
    const cases = (ports: string[]) =>
      ports.map((port) => ({ port, expression: `kind = "${port}"` }));
    return {
      format: 'weft/v1',
      id: 'route',
      name: 'Route',
      nodes: [
        { id: 'start', kind: 'trigger', position: { x: 0, y: 0 } },
        {
          id: 'route',
          kind: 'switch',
          position: { x: 200, y: 0 },
          config: { cases: cases(['a', 'b', 'c']) },
        },
        { id: 'ta', kind: 'output', position: { x: 400, y: 0 } },
        { id: 'tb', kind: 'output', position: { x: 400, y: 100 } },
        { id: 'tc', kind: 'output', position: { x: 400, y: 200 } },
      ],
      edges: [
        { source: 'start', target: 'route' },
        { source: 'route', sourcePort: 'a', target: 'ta' },
        { source: 'route', sourcePort: 'b', target: 'tb' },
        { source: 'route', sourcePort: 'c', target: 'tc' },
        { source: 'route', sourcePort: 'default', target: 'tc' },
      ],
    };
  }
  const cases = (ports: string[]) => ({
    cases: ports.map((port) => ({ port, expression: `kind = "${port}"` })),
  });
  const portsTo = (store: ReturnType<typeof createEditorStore>) =>
    store
      .getState()
      .document.edges.filter((e) => e.source === 'route')
      .map((e) => `${e.sourcePort}->${e.target}`);

  it('renaming a case port takes its edges along, undone in one step', () => {
    const clock = manualClock();
    const store = createEditorStore(routed(), { now: clock.now });
    store.getState().updateNodeConfig('route', cases(['a', 'bi', 'c']));
    clock.advance(100);
    store.getState().updateNodeConfig('route', cases(['a', 'big', 'c']));
    expect(portsTo(store)).toEqual(['a->ta', 'big->tb', 'c->tc', 'default->tc']);

    store.getState().undo();
    expect(portsTo(store)).toEqual(['a->ta', 'b->tb', 'c->tc', 'default->tc']);
    expect(store.getState().document.nodes[1]?.config).toEqual(cases(['a', 'b', 'c']));
  });

  it('removing a case drops its edges and keeps the others', () => {
    const store = createEditorStore(routed());
    store.getState().updateNodeConfig('route', cases(['a', 'c']));
    expect(portsTo(store)).toEqual(['a->ta', 'c->tc', 'default->tc']);
    store.getState().undo();
    expect(portsTo(store)).toEqual(['a->ta', 'b->tb', 'c->tc', 'default->tc']);
  });

  it("typing a case's name through another case's name never moves that case's edges", () => {
    const store = createEditorStore(routed());
    store.getState().updateNodeConfig('route', cases(['a', 'a', 'c']));
    store.getState().updateNodeConfig('route', cases(['a', 'a2', 'c']));
    expect(portsTo(store)).toContain('a->ta');
    expect(portsTo(store)).not.toContain('a2->ta');
  });

  it('editing a case expression leaves the edges alone', () => {
    const store = createEditorStore(routed());
    const before = store.getState().document.edges;
    store.getState().updateNodeConfig('route', {
      cases: [
        { port: 'a', expression: 'true' },
        { port: 'b', expression: 'false' },
        { port: 'c', expression: 'false' },
      ],
    });
    expect(store.getState().document.edges).toBe(before);
  });
});
