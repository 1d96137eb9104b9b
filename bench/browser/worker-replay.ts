// Replays the editor's keystrokes against the preview worker's service in
// Node, to split the worker's time per keystroke: the request's structured
// clone (what postMessage pays on both sides), the preview itself, and the
// reply's clone (what the message costs when the page is not cross-origin
// isolated) or its write into the reply mailbox (what it costs when it is:
// the message then only says where the reply is). Run: npx tsx
// bench/browser/worker-replay.ts
// (EDITS=<n> for more keystrokes, ONLY=realistic or ONLY=big for one workload, e.g.
// under node --cpu-prof; EDIT=sample types into the input sample, the first
// item's price, instead of the edited node's expression: every node runs
// again, and each request carries the definition's new top level, where the
// sample lives, as the editor's does; EDIT=schema types into the input
// schema instead; EDIT=broken types an expression that does not parse at
// every other keystroke, as an open bracket does while a person types, the
// next keystroke mending it with a new digit; EDIT=port types `x` and
// Backspace in turn at the end of the edited stage's switch's first case
// port, its edges following the rename as the editor's do, so each request
// carries the switch and the whole edge list). The figures compare builds on
// one machine; they are not
// budgets. Each request names the previous reply as its base, as the
// editor's client does, so the reply's clone is of the delta.

import { performance } from 'node:perf_hooks';
import { MAILBOX_BYTES, replyMailbox } from '../../engine/replyMailbox.ts';
import { createPreviewService } from '../../engine/worker.ts';
import { edgeSpliceOf } from '../../src/engine/client.ts';
import type {
  EdgeDefinition,
  Json,
  JsonObject,
  NodeDefinition,
  PreviewRequest,
  WorkflowDefinition,
} from '../../engine/index.ts';
import {
  editedNode,
  replayedExpression,
  replayedWorkloads,
  typedAtMarker,
  withExpression,
  type Workload,
} from '../workloads.ts';

const EDITS = Number(process.env.EDITS ?? 200);
const SAMPLE = process.env.EDIT === 'sample';
const SCHEMA = process.env.EDIT === 'schema';
const BROKEN = process.env.EDIT === 'broken';
const PORT = process.env.EDIT === 'port';

/** The edges of a patch as the editor's client sends them (diffDefinitions). */
function edgesPatch(before: EdgeDefinition[], after: EdgeDefinition[]) {
  const splice = edgeSpliceOf(before, after);
  return splice ? { edgeSplice: splice } : { edges: after };
}

/** The definition with switch `id`'s first case port renamed to `port`, its edges following. */
function withPortRenamed(
  definition: WorkflowDefinition,
  id: string,
  port: string,
): { definition: WorkflowDefinition; node: NodeDefinition } {
  const before = definition.nodes.find((n) => n.id === id);
  const cases = before?.config?.['cases'] as { port: string; expression: string }[] | undefined;
  const first = cases?.[0];
  if (!before || !cases || !first) throw new Error(`no switch ${id} with a case`);
  const node = {
    ...before,
    config: { ...before.config, cases: [{ ...first, port }, ...cases.slice(1)] },
  };
  const edges = definition.edges.map((e) =>
    e.source === id && e.sourcePort === first.port ? { ...e, sourcePort: port } : e,
  );
  const nodes = definition.nodes.map((n) => (n === before ? node : n));
  return { definition: { ...definition, nodes, edges }, node };
}

/** An input schema for the workloads' orders, its description typed as the `i`th keystroke. */
function typedSchema(i: number): JsonObject {
  const order = {
    type: 'object',
    required: ['id', 'items'],
    description: `order${'s'.repeat(i % 2)}`,
  };
  return { type: 'object', required: ['order'], properties: { order } };
}

/** The workload's input with the first item's price typed as the sample edit's `i`th keystroke. */
function typedInput(workload: Workload, i: number): Json {
  const input = structuredClone(workload.input) as { order: { items: { price: number }[] } };
  const item = input.order.items[0];
  if (!item) throw new Error(`${workload.name}'s input has no first item`);
  item.price = i % 2 === 0 ? Number(`${item.price}${(i / 2) % 9}`) : item.price;
  return input as unknown as Json;
}

async function replay(workload: Workload) {
  const service = createPreviewService();
  let definition: WorkflowDefinition = workload.definition;
  const id = editedNode(workload);
  let generation = 1;
  if (SAMPLE || SCHEMA) {
    definition = {
      ...definition,
      input: {
        ...(SCHEMA ? { schema: typedSchema(1) } : {}),
        samples: [{ name: 'order', data: workload.input }],
      },
    };
  }
  await service.preview(
    structuredClone({ generation, definition, input: workload.input, options: {} }),
  );
  const node = definition.nodes.find((n) => n.id === id)!;
  const base = String(node.config?.['expression']);
  const times = { cloneIn: 0, preview: 0, cloneOut: 0, mailboxOut: 0 };
  const mailbox = replyMailbox(new SharedArrayBuffer(MAILBOX_BYTES));
  let sent = 0;
  // The generation of the summaries the client holds: a reply that ran (an
  // invalid definition's reply has none to give).
  let held = generation;
  for (let i = 0; i < EDITS; i++) {
    generation += 1;
    let request: PreviewRequest;
    if (SAMPLE) {
      // As the editor's client sends it: the sample lives in the definition,
      // so its top level comes along (a patch's `rest`), with the new input.
      const input = typedInput(workload, i);
      const { nodes: _nodes, edges: _edges, ...rest } = definition;
      request = {
        generation,
        patch: {
          nodes: [],
          rest: { ...rest, input: { samples: [{ name: 'order', data: input }] } },
        },
        input,
        options: {},
        base: generation - 1,
      };
    } else if (SCHEMA) {
      // The input schema's text typed into: the input itself stays.
      const { nodes: _nodes, edges: _edges, ...rest } = definition;
      request = {
        generation,
        patch: { nodes: [], rest: { ...rest, input: { ...rest.input, schema: typedSchema(i) } } },
        options: {},
        base: generation - 1,
      };
    } else if (PORT) {
      // The edited node's stage's switch: `s4_totals` → `s4_tier`.
      const before = definition.edges;
      const edit = withPortRenamed(
        definition,
        id.replace(/_[a-z]+$/, '_tier'),
        `gold${'x'.repeat((i + 1) % 2)}`,
      );
      definition = edit.definition;
      request = {
        generation,
        patch: { nodes: [edit.node], ...edgesPatch(before, definition.edges) },
        options: { decisions: {} },
        base: held,
      };
    } else {
      const typed = BROKEN
        ? i % 2 === 0
          ? typedAtMarker(base, ` + (${(i / 2) % 9}`)
          : typedAtMarker(base, ` + ${((i - 1) / 2) % 9}`)
        : replayedExpression(base, i);
      const edit = withExpression(definition, id, typed);
      definition = edit.definition;
      request = {
        generation,
        patch: { nodes: [edit.node] },
        options: { decisions: {} },
        details: [id],
        base: held,
      };
    }
    let t = performance.now();
    const received = structuredClone(request);
    times.cloneIn += performance.now() - t;
    t = performance.now();
    const reply = await service.preview(received);
    times.preview += performance.now() - t;
    sent += Object.keys(reply.nodes).length;
    if (reply.ok) held = generation;
    t = performance.now();
    structuredClone(reply);
    times.cloneOut += performance.now() - t;
    t = performance.now();
    mailbox.post(generation, { generation, reply });
    times.mailboxOut += performance.now() - t;
  }
  const per = (ms: number) => Math.round((ms / EDITS) * 1000) / 1000;
  return {
    workload: workload.name,
    cloneInMs: per(times.cloneIn),
    previewMs: per(times.preview),
    cloneOutMs: per(times.cloneOut),
    mailboxOutMs: per(times.mailboxOut),
    summariesSent: Math.round(sent / EDITS),
    nodes: definition.nodes.length,
  };
}

const rows = [];
for (const make of replayedWorkloads()) rows.push(await replay(make()));
console.table(rows);
