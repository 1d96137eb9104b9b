// The same dag-500 work on the peer engines issue 5 names, for side-by-side
// timing: litegraph.js (a graph engine that executes nodes in a precomputed
// order, the fastest JavaScript one we know of) and @flowgram.ai/runtime-js
// (a workflow runtime). Both are bench-only dev dependencies.

import { createRequire } from 'node:module';
import { DAG_LAYERS, DAG_WIDTH, dagSources } from './workloads.ts';

const require = createRequire(import.meta.url);

/** A peer that runs one full pass of dag-500 and returns the value of node n24_0. */
export interface Peer {
  name: string;
  run(): number | Promise<number>;
}

// --- litegraph.js ------------------------------------------------------------

interface LiteNode {
  addInput(name: string, type: string): void;
  addOutput(name: string, type: string): void;
  getInputData(slot: number): unknown;
  setOutputData(slot: number, value: unknown): void;
  connect(slot: number, target: LiteNode, targetSlot: number): void;
  outputs: { _data?: unknown }[];
  value?: number;
}

interface LiteGraphModule {
  LiteGraph: {
    registerNodeType(type: string, ctor: unknown): void;
    createNode(type: string): LiteNode;
  };
  LGraph: new () => { add(node: LiteNode): void; runStep(steps: number): void };
}

let registered = false;

/**
 * dag-500 in litegraph.js: 20 constant nodes hold the input, then 25 layers of
 * 20 nodes whose onExecute sums their two input slots, wired to the same two
 * nodes of the layer before as Weft's `$nodes.<a> + $nodes.<b>`. One pass is
 * `graph.runStep(1)`, which executes every node in its precomputed order.
 */
export function litegraphDag500(): Peer {
  // The package's "main" names a file it does not ship; the core build is what runs in Node.
  const { LiteGraph, LGraph } = require('litegraph.js/build/litegraph.core.js') as LiteGraphModule;
  if (!registered) {
    function Constant(this: LiteNode) {
      this.addOutput('out', 'number');
      this.value = 0;
    }
    (
      Constant as unknown as { prototype: { onExecute(this: LiteNode): void } }
    ).prototype.onExecute = function onExecute(this: LiteNode) {
      this.setOutputData(0, this.value);
    };
    function Sum(this: LiteNode) {
      this.addInput('a', 'number');
      this.addInput('b', 'number');
      this.addOutput('out', 'number');
    }
    (Sum as unknown as { prototype: { onExecute(this: LiteNode): void } }).prototype.onExecute =
      function onExecute(this: LiteNode) {
        this.setOutputData(0, (this.getInputData(0) as number) + (this.getInputData(1) as number));
      };
    LiteGraph.registerNodeType('bench/constant', Constant);
    LiteGraph.registerNodeType('bench/sum', Sum);
    registered = true;
  }
  const graph = new LGraph();
  let previous: LiteNode[] = [];
  for (let i = 0; i < DAG_WIDTH; i++) {
    const node = LiteGraph.createNode('bench/constant');
    node.value = i + 1;
    graph.add(node);
    previous.push(node);
  }
  let first: LiteNode | undefined;
  for (let layer = 0; layer < DAG_LAYERS; layer++) {
    const current: LiteNode[] = [];
    for (let i = 0; i < DAG_WIDTH; i++) {
      const node = LiteGraph.createNode('bench/sum');
      graph.add(node);
      const [a, b] = dagSources(i);
      (previous[a] as LiteNode).connect(0, node, 0);
      (previous[b] as LiteNode).connect(0, node, 1);
      current.push(node);
    }
    previous = current;
    if (layer === DAG_LAYERS - 1) first = current[0];
  }
  const last = first as LiteNode;
  return {
    name: 'litegraph.js',
    run() {
      graph.runStep(1);
      return last.outputs[0]?._data as number;
    },
  };
}

// --- @flowgram.ai/runtime-js ---------------------------------------------------

interface FlowgramApi {
  TaskRunAPI(input: {
    schema: string;
    inputs: Record<string, unknown>;
  }): Promise<{ taskID: string }>;
  TaskResultAPI(input: { taskID: string }): Promise<Record<string, unknown> | undefined>;
}

const number = { type: 'number' };

/**
 * dag-500 in flowgram's runtime. Its node kinds are start, end, condition,
 * loop, llm, http and code; the only one that computes is `code`, which runs
 * its JavaScript in a fresh QuickJS (WebAssembly) context per execution, so
 * each node is `main({ params }) => ({ out: params.a + params.b })` with its
 * two inputs as references to the nodes of the layer before.
 */
export async function flowgramDag500(): Promise<Peer> {
  const api = (await import('@flowgram.ai/runtime-js')) as unknown as FlowgramApi;
  const nodes: unknown[] = [];
  const edges: { sourceNodeID: string; targetNodeID: string }[] = [];
  const startOutputs: Record<string, unknown> = {};
  const inputs: Record<string, number> = {};
  for (let i = 0; i < DAG_WIDTH; i++) {
    startOutputs[`v${i}`] = number;
    inputs[`v${i}`] = i + 1;
  }
  nodes.push({
    id: 'start',
    type: 'start',
    meta: { position: { x: 0, y: 0 } },
    data: { title: 'Start', outputs: { type: 'object', properties: startOutputs } },
  });
  for (let layer = 0; layer < DAG_LAYERS; layer++) {
    for (let i = 0; i < DAG_WIDTH; i++) {
      const [a, b] = dagSources(i);
      const ref = (k: number) =>
        layer === 0
          ? { type: 'ref', content: ['start', `v${k}`] }
          : { type: 'ref', content: [`n${layer - 1}_${k}`, 'out'] };
      const id = `n${layer}_${i}`;
      nodes.push({
        id,
        type: 'code',
        meta: { position: { x: layer, y: i } },
        data: {
          title: id,
          inputs: { type: 'object', properties: { a: number, b: number } },
          inputsValues: { a: ref(a), b: ref(b) },
          outputs: { type: 'object', properties: { out: number } },
          script: {
            language: 'javascript',
            content: 'async function main({ params }) { return { out: params.a + params.b }; }',
          },
        },
      });
      if (layer === 0) edges.push({ sourceNodeID: 'start', targetNodeID: id });
      else {
        edges.push({ sourceNodeID: `n${layer - 1}_${a}`, targetNodeID: id });
        if (b !== a) edges.push({ sourceNodeID: `n${layer - 1}_${b}`, targetNodeID: id });
      }
    }
  }
  nodes.push({
    id: 'end',
    type: 'end',
    meta: { position: { x: DAG_LAYERS, y: 0 } },
    data: {
      title: 'End',
      inputs: { type: 'object', properties: { result: number } },
      inputsValues: { result: { type: 'ref', content: [`n${DAG_LAYERS - 1}_0`, 'out'] } },
    },
  });
  for (let i = 0; i < DAG_WIDTH; i++) {
    edges.push({ sourceNodeID: `n${DAG_LAYERS - 1}_${i}`, targetNodeID: 'end' });
  }
  const schema = JSON.stringify({ nodes, edges });

  return {
    name: '@flowgram.ai/runtime-js',
    async run() {
      // The runtime logs every task to the console; keep the benchmark's output readable.
      const log = console.log;
      console.log = () => {};
      try {
        const { taskID } = await api.TaskRunAPI({ schema, inputs });
        for (;;) {
          const result = await api.TaskResultAPI({ taskID });
          if (result !== undefined) return result['result'] as number;
          await new Promise((resolve) => setImmediate(resolve));
        }
      } finally {
        console.log = log;
      }
    },
  };
}
