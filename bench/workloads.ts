// Generated workloads for the engine benchmarks (issue 5). Each is a valid
// weft/v1 definition plus the input it runs on; the generators are
// deterministic, so every run of the benchmark measures the same work.

import type {
  EdgeDefinition,
  Json,
  JsonObject,
  NodeDefinition,
  WorkflowDefinition,
} from '../engine/index.ts';

export interface Workload {
  name: string;
  definition: WorkflowDefinition;
  input: Json;
  /** Nodes that compute something (what "µs per node" divides by). */
  computeNodes: number;
  /** A node whose config the incremental benchmark edits, and the edit. */
  edit: { node: string; config: JsonObject };
}

class Builder {
  readonly nodes: NodeDefinition[] = [{ id: 'start', kind: 'trigger' }];
  readonly edges: EdgeDefinition[] = [];

  node(id: string, kind: NodeDefinition['kind'], config?: JsonObject): string {
    this.nodes.push(config === undefined ? { id, kind } : { id, kind, config });
    return id;
  }

  edge(source: string, target: string, sourcePort?: string): void {
    this.edges.push(sourcePort === undefined ? { source, target } : { source, sourcePort, target });
  }

  build(id: string, name: string): WorkflowDefinition {
    return { format: 'weft/v1', id, name, nodes: this.nodes, edges: this.edges };
  }
}

/** chain-20: twenty small transforms in a row. */
export function chain20(): Workload {
  const b = new Builder();
  let previous = 'start';
  for (let i = 0; i < 20; i++) {
    const id = b.node(`t${i}`, 'transform', {
      expression: '{ "n": n + 1, "label": label & "+", "ok": n < 100 }',
    });
    b.edge(previous, id);
    previous = id;
  }
  b.edge(previous, b.node('done', 'output'));
  return {
    name: 'chain-20',
    definition: b.build('chain-20', 'chain-20'),
    input: { n: 0, label: 'x', ok: true },
    computeNodes: 20,
    edit: { node: 't10', config: { expression: '{ "n": n + 2, "label": label, "ok": true }' } },
  };
}

export const DAG_LAYERS = 25;
export const DAG_WIDTH = 20;

/** Which two nodes of the layer before node `i` of a dag-500 layer sums. */
export function dagSources(i: number): [number, number] {
  return [i, (i * 7 + 3) % DAG_WIDTH];
}

/**
 * dag-500: 25 layers of 20 nodes, each `$nodes.<a> + $nodes.<b>` of two nodes
 * of the layer before. A non-merge node may have only one active incoming
 * edge, so each layer is joined by a merge, and the next layer reads the two
 * nodes it sums by name (both are upstream through the merge). Layer 0 reads
 * the input.
 */
export function dag500(): Workload {
  const b = new Builder();
  const input: JsonObject = {};
  for (let i = 0; i < DAG_WIDTH; i++) input[`v${i}`] = i + 1;
  let join = 'start';
  for (let layer = 0; layer < DAG_LAYERS; layer++) {
    const nextJoin = b.node(`j${layer}`, 'merge');
    for (let i = 0; i < DAG_WIDTH; i++) {
      const [a, c] = dagSources(i);
      const expression =
        layer === 0
          ? `$input.v${a} + $input.v${c}`
          : `$nodes.n${layer - 1}_${a} + $nodes.n${layer - 1}_${c}`;
      const id = b.node(`n${layer}_${i}`, 'transform', { expression });
      b.edge(join, id);
      b.edge(id, nextJoin);
    }
    join = nextJoin;
  }
  b.edge(join, b.node('done', 'output', { expression: `$nodes.n${DAG_LAYERS - 1}_0` }));
  return {
    name: 'dag-500',
    definition: b.build('dag-500', 'dag-500'),
    input,
    computeNodes: DAG_LAYERS * DAG_WIDTH,
    edit: { node: 'n12_5', config: { expression: '$nodes.n11_5 - $nodes.n11_2' } },
  };
}

/**
 * branchy-100: a condition every fifth node. Each block of five is a
 * condition, a transform on each of its branches, and two transforms after
 * the branches re-join (exclusive branches need no merge).
 */
export function branchy100(): Workload {
  const b = new Builder();
  let previous = 'start';
  for (let block = 0; block < 20; block++) {
    const cond = b.node(`c${block}`, 'condition', { expression: `n % ${(block % 3) + 2} = 0` });
    const yes = b.node(`y${block}`, 'transform', {
      expression: '{ "n": n + 1, "path": path & "y" }',
    });
    const no = b.node(`x${block}`, 'transform', {
      expression: '{ "n": n + 3, "path": path & "n" }',
    });
    const after = b.node(`a${block}`, 'transform', {
      expression: '{ "n": n * 2 % 97, "path": path }',
    });
    const tail = b.node(`b${block}`, 'transform', { expression: '$' });
    b.edge(previous, cond);
    b.edge(cond, yes, 'true');
    b.edge(cond, no, 'false');
    b.edge(yes, after);
    b.edge(no, after);
    b.edge(after, tail);
    previous = tail;
  }
  b.edge(previous, b.node('done', 'output'));
  return {
    name: 'branchy-100',
    definition: b.build('branchy-100', 'branchy-100'),
    input: { n: 1, path: '' },
    computeNodes: 100,
    edit: { node: 'a10', config: { expression: '{ "n": n * 3 % 97, "path": path }' } },
  };
}

function orderInput(): Json {
  const categories = ['books', 'games', 'tools', 'food'];
  const items: Json[] = [];
  for (let i = 0; i < 10; i++) {
    items.push({
      sku: `SKU-${100 + i}`,
      name: `Item ${i}`,
      price: 5 + ((i * 37) % 60),
      qty: 1 + (i % 4),
      category: categories[i % categories.length] as string,
    });
  }
  return {
    order: {
      id: 'PO-2041',
      customer: { name: 'Ada Lovelace', tier: 'gold', country: 'GB' },
      items,
    },
  };
}

const ITEM_SCHEMA: JsonObject = {
  type: 'object',
  required: ['order'],
  properties: {
    order: {
      type: 'object',
      required: ['id', 'items'],
      properties: {
        id: { type: 'string', minLength: 1 },
        items: {
          type: 'array',
          maxItems: 100,
          items: {
            type: 'object',
            required: ['sku', 'price', 'qty'],
            properties: {
              sku: { type: 'string', pattern: '^SKU-[0-9]+$' },
              price: { type: 'number', minimum: 0 },
              qty: { type: 'integer', minimum: 1 },
              category: { enum: ['books', 'games', 'tools', 'food'] },
            },
          },
        },
      },
    },
  },
};

/**
 * One ten-node stage of an order workflow: validate the payload, total it,
 * price each line with a map, branch on the total, route by customer tier
 * with a switch, and summarise. Stage k reads its predecessor's summary.
 */
function orderStage(b: Builder, k: number, from: string): string {
  const p = `s${k}_`;
  const validate = b.node(`${p}validate`, 'validate', { schema: ITEM_SCHEMA });
  const totals = b.node(`${p}totals`, 'transform', {
    expression:
      '{ "subtotal": $sum(order.items.price), "count": $count(order.items), "top": $max(order.items.price) }',
  });
  const lines = b.node(`${p}lines`, 'map', {
    items: '$input.order.items',
    expression:
      '{ "sku": sku, "total": price * qty, "bulk": qty >= 3, "label": $uppercase(category) }',
  });
  const big = b.node(`${p}big`, 'condition', {
    expression: `$nodes.${p}totals.subtotal > 250 and $nodes.${p}totals.count >= 5`,
  });
  const review = b.node(`${p}review`, 'transform', {
    expression: `{ "review": true, "reason": "Order " & $input.order.id & " totals " & $string($nodes.${p}totals.subtotal) }`,
  });
  const auto = b.node(`${p}auto`, 'transform', {
    expression: '{ "review": false, "reason": "small" }',
  });
  const tier = b.node(`${p}tier`, 'switch', {
    cases: [
      { port: 'gold', expression: '$input.order.customer.tier = "gold"' },
      { port: 'silver', expression: '$input.order.customer.tier = "silver"' },
    ],
  });
  // A fold with a lambda: on the fast path since it learned `$reduce`
  // (jsonata's interpreter ran this one expression per stage before).
  const gold = b.node(`${p}gold`, 'transform', {
    expression: `{ "discount": 0.1, "lines": $count($nodes.${p}lines[bulk]), "bulkTotal": $reduce($nodes.${p}lines[bulk], function($sum, $l) { $sum + $l.total }, 0) }`,
  });
  const other = b.node(`${p}other`, 'transform', {
    expression: `{ "discount": 0, "lines": $count($nodes.${p}lines) }`,
  });
  const summary = b.node(`${p}summary`, 'transform', {
    expression: `{ "stage": ${k}, "total": $round($nodes.${p}totals.subtotal * (1 - discount), 2), "skus": $join($nodes.${p}lines.sku, ","), "books": $input.order.items[category = "books"].sku, "largest": $sort($nodes.${p}lines, function($a, $b) { $a.total < $b.total })[0].sku }`,
  });
  b.edge(from, validate);
  b.edge(validate, totals, 'valid');
  b.edge(totals, lines);
  b.edge(lines, big);
  b.edge(big, review, 'true');
  b.edge(big, auto, 'false');
  b.edge(review, tier);
  b.edge(auto, tier);
  b.edge(tier, gold, 'gold');
  b.edge(tier, other, 'silver');
  b.edge(tier, other, 'default');
  b.edge(gold, summary);
  b.edge(other, summary);
  return summary;
}

function orderWorkflow(name: string, stages: number): WorkflowDefinition {
  const b = new Builder();
  let previous = 'start';
  for (let k = 0; k < stages; k++) {
    const summary = orderStage(b, k, previous);
    // The next stage validates the order again: feed it the workflow input.
    const relay =
      k < stages - 1 ? b.node(`r${k}`, 'transform', { expression: '$input' }) : undefined;
    if (relay !== undefined) {
      b.edge(summary, relay);
      previous = relay;
    } else {
      previous = summary;
    }
  }
  b.edge(previous, b.node('done', 'output'));
  return b.build(name, name);
}

/**
 * realistic-100: nine order stages (validate, transform, map, condition,
 * switch, over a 10-item order) and the relays between them: 98 nodes plus
 * trigger and output. Every expression is in the fast path's subset (the
 * `$reduce` of each stage since the fast path learned it).
 */
export function realistic100(): Workload {
  const definition = orderWorkflow('realistic-100', 9);
  return {
    name: 'realistic-100',
    definition,
    input: orderInput(),
    computeNodes: definition.nodes.length - 2,
    edit: {
      node: 's4_totals',
      config: {
        expression:
          '{ "subtotal": $sum(order.items.price) + 1, "count": $count(order.items), "top": $max(order.items.price) }',
      },
    },
  };
}

/** big-1000: the realistic stages, a hundred times. */
export function big1000(): Workload {
  const definition = orderWorkflow('big-1000', 91);
  return {
    name: 'big-1000',
    definition,
    input: orderInput(),
    computeNodes: definition.nodes.length - 2,
    edit: {
      node: 's45_totals',
      config: {
        expression:
          '{ "subtotal": $sum(order.items.price) + 1, "count": $count(order.items), "top": $max(order.items.price) }',
      },
    },
  };
}

export function allWorkloads(): Workload[] {
  return [chain20(), dag500(), branchy100(), realistic100(), big1000()];
}

/** A copy of the definition with one node's config replaced (an edit in the editor). */
export function withEdit(workload: Workload): WorkflowDefinition {
  const { node, config } = workload.edit;
  return {
    ...workload.definition,
    nodes: workload.definition.nodes.map((n) => (n.id === node ? { ...n, config } : n)),
  };
}

/**
 * A copy of the definition with a transform added last and connected from
 * the trigger (a node dropped from the palette and wired): every other node
 * and edge is the same object.
 */
export function withNodeAdded(workload: Workload): WorkflowDefinition {
  const { definition } = workload;
  const trigger = definition.nodes.find((n) => n.kind === 'trigger');
  if (!trigger) throw new Error(`${workload.name} has no trigger`);
  return {
    ...definition,
    nodes: [...definition.nodes, { id: 'added', kind: 'transform', config: { expression: '$' } }],
    edges: [...definition.edges, { source: trigger.id, target: 'added' }],
  };
}

/**
 * A copy of the definition with node `id`'s expression replaced (a keystroke
 * in its Expression field), and the changed node.
 */
export function withExpression(
  definition: WorkflowDefinition,
  id: string,
  expression: string,
): { definition: WorkflowDefinition; node: NodeDefinition } {
  const before = definition.nodes.find((n) => n.id === id);
  if (!before) throw new Error(`no node ${id}`);
  const node = { ...before, config: { ...before.config, expression } };
  return {
    definition: { ...definition, nodes: definition.nodes.map((n) => (n === before ? node : n)) },
    node,
  };
}

/** The workloads a replay runs: ONLY=realistic or ONLY=big for one, else both. */
export function replayedWorkloads(): Array<() => Workload> {
  const only = { realistic: [realistic100], big: [big1000] }[process.env.ONLY ?? ''];
  return only ?? [realistic100, big1000];
}

/** Above this many nodes the editor draws only the cards in view (src/canvas/Canvas.tsx). */
export const BIG_CANVAS = 300;

/**
 * The transform whose expression the browser benchmark types into. On a canvas
 * small enough to draw every card it is the workload's own edit node
 * (mid-graph); a big canvas opens on the trigger and draws only the cards in
 * view, so there it is the first stage's `totals`, which a user sees without
 * panning: its edit invalidates everything downstream, the whole graph.
 */
export function editedNode(workload: Workload): string {
  return workload.definition.nodes.length > BIG_CANVAS ? 's0_totals' : workload.edit.node;
}

/** Where the browser benchmark types into the edited node's expression: right after this. */
export const TYPING_MARKER = '$sum(order.items.price)';

/** `source` with `text` typed right after TYPING_MARKER. */
export function typedAtMarker(source: string, text: string): string {
  const at = source.indexOf(TYPING_MARKER) + TYPING_MARKER.length;
  return source.slice(0, at) + text + source.slice(at);
}

/**
 * The edited expression after the browser benchmark's keystroke `i` as the
 * replays type it: ` + 1` after TYPING_MARKER, then a digit typed and deleted
 * in turn.
 */
export function replayedExpression(source: string, i: number): string {
  const typed = i % 2 === 0 ? String((i / 2) % 9) : '';
  return typedAtMarker(source, ` + 1${typed}`);
}
