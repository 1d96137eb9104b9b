// runWorkflow: executes a compiled plan. The loop walks the plan's arrays in
// topological order and stays synchronous while node results are: it only
// yields to the microtask queue when an evaluation actually returned a
// Promise, so a graph of fast-path expressions runs as one tight loop.
//
// A node's result depends only on its own definition and its upstream: an
// unhandled failure or a waiting approval holds back what lies downstream of
// it, while independent branches still run. That makes results independent of
// which topological order was picked, and lets a re-run after an edit reuse
// the results of every node whose upstream did not change (RunOptions.previous).

import type { PlanNode } from './compile.ts';
import { compileWorkflow, WorkflowPlan } from './compile.ts';
import type { EvalScope } from './expression/api.ts';
import { ExpressionFailure } from './expression/api.ts';
import type { NodeContext } from './nodes/kind.ts';
import { NodeError } from './nodes/kind.ts';
import type {
  CompiledWorkflow,
  CompileResult,
  Json,
  JsonObject,
  NodeResult,
  NodeStatus,
  RunError,
  RunOptions,
  RunResult,
  WorkflowDefinition,
} from './types.ts';
import { isPromiseLike } from './util/promise.ts';
import { nodeSeed, seededRandom } from './util/random.ts';
import { realSleep } from './util/timers.ts';

const PENDING = 0;
const SUCCEEDED = 1;
const FAILED = 2;
const SKIPPED = 3;
const WAITING = 4;
/** Downstream of a waiting node or an unhandled failure: reported as skipped. */
const BLOCKED = 5;

const STATUS_NAMES: readonly NodeStatus[] = [
  'skipped',
  'succeeded',
  'failed',
  'skipped',
  'waiting',
  'skipped',
];

/** How deep sub-workflows may nest before the run stops them. */
const MAX_SUBWORKFLOW_DEPTH = 16;

interface NodeExtras {
  attempts?: number;
  waitedMs?: number;
  message?: string;
}

/** What a later run needs to know to reuse this run's results. */
interface RunRecord {
  plan: WorkflowPlan;
  input: Json;
  // Only what results depend on: keeping the whole options would keep its
  // `previous`, and so every earlier run, alive.
  options: {
    decisions: RunOptions['decisions'] | undefined;
    now: number | undefined;
    seed: number | undefined;
  };
}

// Keyed by the RunResult object handed out, so callers pass results back as
// `previous` without seeing any engine state. A structured clone is not found
// here, and simply gets no reuse.
const records = new WeakMap<RunResult, RunRecord>();

const STATUS_CODES: Readonly<Record<NodeStatus, number>> = {
  succeeded: SUCCEEDED,
  failed: FAILED,
  skipped: SKIPPED,
  waiting: WAITING,
};

/**
 * A reused node's result, marked. The earlier run's object is left as it was:
 * its holder may still read it. Built field by field, not by spreading, which
 * costs several times more per node.
 */
function markReused(result: NodeResult): NodeResult {
  if (result.reused) return result;
  const marked: NodeResult = { status: result.status, durationMs: result.durationMs, reused: true };
  if (result.port !== undefined) marked.port = result.port;
  if (result.input !== undefined) marked.input = result.input;
  if (result.output !== undefined) marked.output = result.output;
  if (result.error !== undefined) marked.error = result.error;
  if (result.attempts !== undefined) marked.attempts = result.attempts;
  if (result.waitedMs !== undefined) marked.waitedMs = result.waitedMs;
  if (result.message !== undefined) marked.message = result.message;
  return marked;
}

/** The earlier run to reuse, when its input and options match this one's. */
function reusable(
  options: RunOptions,
  input: Json,
): { record: RunRecord; result: RunResult } | undefined {
  const previous = options.previous;
  if (!previous || options.mode === 'live') return undefined;
  const record = records.get(previous);
  if (!record) return undefined;
  // An input too deep to serialize cannot be proven equal: run it in full
  // (the trigger then reports the limit it breaks).
  const same = (a: unknown, b: unknown) => {
    if (a === b) return true;
    try {
      return JSON.stringify(a) === JSON.stringify(b);
    } catch {
      return false;
    }
  };
  const before = record.options;
  if (
    !same(record.input, input) ||
    !same(before.decisions, options.decisions) ||
    before.now !== options.now ||
    before.seed !== options.seed
  ) {
    return undefined;
  }
  return { record, result: previous };
}

function defaultClock(): () => number {
  const perf = (globalThis as { performance?: { now(): number } }).performance;
  return perf ? () => perf.now() : () => Date.now();
}

function toRunError(error: unknown, nodeId: string): RunError {
  if (error instanceof NodeError) return error.error;
  if (error instanceof ExpressionFailure) {
    const { problem } = error;
    return {
      code: problem.code === 'LIMIT_EXCEEDED' ? 'LIMIT_EXCEEDED' : 'EXPRESSION_ERROR',
      message: `Node "${nodeId}": ${problem.message}`,
      ...(problem.position !== undefined ? { position: problem.position } : {}),
    };
  }
  return {
    code: 'INTERNAL_ERROR',
    message: `Node "${nodeId}": ${error instanceof Error ? error.message : String(error)}`,
  };
}

// Sub-workflows compile once per content, like everything else.
const subworkflowCache = new Map<string, CompileResult>();
function compileCached(definition: WorkflowDefinition): CompileResult {
  const key = JSON.stringify(definition);
  let result = subworkflowCache.get(key);
  if (!result) {
    result = compileWorkflow(definition);
    subworkflowCache.set(key, result);
    if (subworkflowCache.size > 32) {
      const oldest = subworkflowCache.keys().next().value;
      if (oldest !== undefined) subworkflowCache.delete(oldest);
    }
  }
  return result;
}

/**
 * One run's state. It is also the NodeContext every node sees: nodes run one
 * at a time, so the per-node fields are reset and reused instead of allocated.
 */
class Run implements NodeContext {
  readonly mode: 'preview' | 'live';
  readonly status: Uint8Array;
  readonly ports: Int32Array;
  readonly outputs: Json[];
  readonly inputs: (Json | undefined)[];
  readonly errors: (RunError | undefined)[];
  readonly durations: Float64Array;
  extras: (NodeExtras | undefined)[] | undefined;
  /** Set when the run was cancelled; node failures are found in `result()`. */
  cancelled: RunError | undefined;
  /** Results taken from the previous run, by plan index. */
  reused: (NodeResult | undefined)[] | undefined;
  /** 1 where a node's definition and whole upstream equal the previous run's. */
  readonly unchanged: Uint8Array | undefined;
  readonly previous: { record: RunRecord; result: RunResult } | undefined;

  // NodeContext, for the node being run.
  nodeId = '';
  port = 0;
  waiting = false;
  attempts = 0;
  message: string | undefined = undefined;
  private current = 0;
  private waited = 0;
  private readonly baseScope: EvalScope;
  /**
   * `$nodes`: the output of every node that ran so far, one object for the
   * whole run. Handing each node only its upstream would cost an object per
   * node per run; it is not needed, because the expression module accepts
   * `$nodes` only as `$nodes.<id>` and compile checks every such id is
   * upstream of the node. A node that was skipped is absent: it reads as
   * nothing (no prototype, so not even `$nodes.constructor` finds something).
   */
  private readonly settled: Record<string, Json> = Object.create(null) as Record<string, Json>;
  private readonly seed: number;
  private randoms: ((() => number) | undefined)[] | undefined;
  private readonly clock: () => number;
  private readonly startedAt: number;
  private lastTime: number;

  constructor(
    readonly plan: WorkflowPlan,
    readonly input: Json,
    readonly options: RunOptions,
    private readonly chain: readonly string[],
  ) {
    const count = plan.nodes.length;
    this.mode = options.mode === 'live' ? 'live' : 'preview';
    this.status = new Uint8Array(count);
    this.ports = new Int32Array(count).fill(-1);
    this.outputs = new Array<Json>(count);
    this.inputs = new Array<Json | undefined>(count);
    this.errors = new Array<RunError | undefined>(count);
    this.durations = new Float64Array(count);
    this.clock = options.clock ?? defaultClock();
    this.startedAt = this.clock();
    this.lastTime = this.startedAt;
    this.seed = options.seed ?? 1;
    this.baseScope = {
      input,
      nodes: this.settled,
      now: options.now ?? (this.mode === 'live' ? Date.now() : 0),
      random: () => this.random(),
    };
    this.previous = reusable(options, input);
    this.unchanged = this.previous ? new Uint8Array(count) : undefined;
  }

  /** `$random()`: each node draws from its own seeded sequence. */
  private random(): number {
    this.randoms ??= [];
    let next = this.randoms[this.current];
    if (!next) {
      next = seededRandom(nodeSeed(this.seed, this.nodeId));
      this.randoms[this.current] = next;
    }
    return next();
  }

  /**
   * Takes node k's result from the previous run when its definition and whole
   * upstream are unchanged. Returns false when the node has to run.
   */
  reuse(k: number, node: PlanNode): boolean {
    const previous = this.previous;
    const unchanged = this.unchanged;
    if (!previous || !unchanged || node.kind === 'subworkflow') return false;
    const before = previous.record.plan.nodeById(node.id);
    if (!before || before.signature !== node.signature) return false;
    const sources = node.inSources;
    for (let j = 0; j < sources.length; j++)
      if (unchanged[sources[j] as number] !== 1) return false;
    unchanged[k] = 1;
    return true;
  }

  /** Copies a reused node's outcome into this run's arrays. */
  adopt(k: number, node: PlanNode): boolean {
    const result = this.previous?.result.nodes[node.id];
    if (!result || result.status === 'skipped') {
      if (this.unchanged) this.unchanged[k] = 0;
      return false;
    }
    this.status[k] = STATUS_CODES[result.status];
    this.ports[k] = result.port === undefined ? -1 : node.ports.indexOf(result.port);
    this.outputs[k] = result.output ?? null;
    if (result.output !== undefined) this.settled[node.id] = result.output;
    this.inputs[k] = result.input;
    this.errors[k] = result.error;
    this.durations[k] = result.durationMs;
    this.reused ??= new Array<NodeResult | undefined>(this.status.length);
    this.reused[k] = result;
    return true;
  }

  scope(): EvalScope {
    return this.baseScope;
  }

  wait(ms: number): void | Promise<void> {
    this.waited += ms;
    if (this.mode === 'preview') return undefined;
    return (this.options.sleep ?? realSleep)(ms);
  }

  async runSubworkflow(id: string, input: Json): Promise<RunResult> {
    const fail = (code: string, message: string) =>
      new NodeError({ code, message: `Node "${this.nodeId}": ${message}` });
    if (this.chain.includes(id)) {
      throw fail(
        'SUBWORKFLOW_RECURSION',
        `workflow "${id}" would call itself: ${[...this.chain, id].map((w) => `"${w}"`).join(' -> ')}.`,
      );
    }
    if (this.chain.length >= MAX_SUBWORKFLOW_DEPTH) {
      throw fail(
        'LIMIT_EXCEEDED',
        `sub-workflows nest deeper than ${MAX_SUBWORKFLOW_DEPTH} levels: ${this.chain.join(' -> ')}.`,
      );
    }
    const resolve = this.options.resolveWorkflow;
    let definition: WorkflowDefinition | undefined;
    try {
      definition = resolve ? await resolve(id) : undefined;
    } catch (error) {
      throw fail(
        'SUBWORKFLOW_NOT_FOUND',
        `workflow "${id}" could not be loaded: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    if (!definition) {
      throw fail(
        'SUBWORKFLOW_NOT_FOUND',
        resolve
          ? `no workflow with the id "${id}" was found.`
          : `workflow "${id}" cannot be found: this run has no workflow resolver.`,
      );
    }
    const compiled = compileCached(definition);
    if (!compiled.ok) {
      const first = compiled.errors[0];
      throw fail(
        'SUBWORKFLOW_INVALID',
        `workflow "${id}" is invalid (${compiled.errors.length} problem${compiled.errors.length === 1 ? '' : 's'}; first: ${first ? `${first.code} at ${first.path}: ${first.message}` : '?'}).`,
      );
    }
    // `previous` belongs to the calling workflow's plan, never to the sub-workflow's.
    const { previous: _previous, ...options } = this.options;
    return execute(compiled.workflow as WorkflowPlan, input, options, [...this.chain, id]);
  }

  begin(k: number, node: PlanNode): void {
    this.current = k;
    this.nodeId = node.id;
    this.port = 0;
    this.waiting = false;
    this.attempts = 0;
    this.message = undefined;
    this.waited = 0;
  }

  settle(k: number, node: PlanNode, value: Json | undefined): void {
    const output = value === undefined ? null : value;
    this.outputs[k] = output;
    this.settled[node.id] = output;
    if (this.waiting) this.status[k] = WAITING;
    else {
      this.status[k] = SUCCEEDED;
      // `error` is last; a kind without out ports (output, fail) emits nowhere.
      this.ports[k] = this.port < node.ports.length - 1 ? this.port : -1;
    }
    this.endNode(k);
  }

  fail(k: number, node: PlanNode, error: unknown): void {
    const runError = toRunError(error, node.id);
    // Input the trigger refused for breaking a data limit is not echoed back:
    // a result holding it could not be serialized or sent to the editor.
    if (node.isTrigger && runError.code === 'LIMIT_EXCEEDED') this.inputs[k] = null;
    this.errors[k] = runError;
    this.status[k] = FAILED;
    if (node.handlesErrors) {
      this.ports[k] = node.ports.length - 1;
      const output = {
        error: { code: runError.code, message: runError.message },
        input: this.inputs[k] ?? null,
      };
      this.outputs[k] = output;
      this.settled[node.id] = output;
    }
    this.endNode(k);
  }

  private endNode(k: number): void {
    // One clock read per node: the time since the previous one settled, so
    // a node's duration also holds the engine's small bookkeeping before it.
    const now = this.clock();
    this.durations[k] = now - this.lastTime;
    this.lastTime = now;
    if (this.attempts > 0 || this.waited > 0 || this.message !== undefined) {
      this.extras ??= new Array<NodeExtras | undefined>(this.status.length);
      this.extras[k] = {
        ...(this.attempts > 0 ? { attempts: this.attempts } : {}),
        ...(this.waited > 0 ? { waitedMs: this.waited } : {}),
        ...(this.message !== undefined ? { message: this.message } : {}),
      };
    }
  }

  markStart(): void {
    this.lastTime = this.clock();
  }

  result(): RunResult {
    const { plan, status } = this;
    const nodes: Record<string, NodeResult> = {};
    const ran: [string, Json][] = [];
    let waiting = false;
    let runError = this.cancelled;
    for (let d = 0; d < plan.byDefinition.length; d++) {
      const k = plan.byDefinition[d] as number;
      const node = plan.nodes[k] as PlanNode;
      const st = status[k] as number;
      if (st === PENDING || st === SKIPPED || st === BLOCKED) {
        nodes[node.id] = { status: 'skipped', durationMs: 0 };
        continue;
      }
      const port = this.ports[k] as number;
      // The run's error is the unhandled failure first in definition order.
      if (st === FAILED && port < 0 && !runError) {
        runError = { ...(this.errors[k] as RunError), node: node.id };
      }
      if (st === WAITING) waiting = true;
      if (st === SUCCEEDED && node.isOutput) ran.push([node.id, this.outputs[k] as Json]);
      const reused = this.reused?.[k];
      if (reused) {
        nodes[node.id] = markReused(reused);
        continue;
      }
      const input = this.inputs[k];
      const error = this.errors[k];
      const extras = this.extras?.[k];
      let result: NodeResult;
      if (st === SUCCEEDED && port >= 0 && input !== undefined && !extras) {
        // The common case, built in one literal: one allocation, one shape.
        result = {
          status: 'succeeded',
          port: node.ports[port] as string,
          input,
          output: this.outputs[k] as Json,
          durationMs: this.durations[k] as number,
        };
      } else {
        result = {
          status: STATUS_NAMES[st] as NodeStatus,
          durationMs: this.durations[k] as number,
        };
        if (port >= 0) result.port = node.ports[port] as string;
        if (input !== undefined) result.input = input;
        if (st !== FAILED || port >= 0) result.output = this.outputs[k] as Json;
        if (error) result.error = error;
        if (extras) Object.assign(result, extras);
      }
      nodes[node.id] = result;
    }
    let output: Json = null;
    if (!runError && ran.length === 1) output = ran[0]?.[1] ?? null;
    else if (!runError && ran.length > 1) output = Object.fromEntries(ran);
    const run: RunResult = {
      status: runError ? 'failed' : waiting ? 'waiting' : 'succeeded',
      output,
      nodes,
      durationMs: this.clock() - this.startedAt,
    };
    if (runError) run.error = runError;
    if (this.mode === 'preview') {
      const { decisions, now, seed } = this.options;
      records.set(run, { plan, input: this.input, options: { decisions, now, seed } });
    }
    return run;
  }
}

/**
 * Runs nodes from plan position `from` on. Returns synchronously when every
 * node did; otherwise a Promise that picks the loop up after the async node.
 */
function advance(run: Run, from: number): RunResult | Promise<RunResult> {
  const { nodes } = run.plan;
  const { status, ports, outputs } = run;
  const signal = run.options.signal;
  for (let k = from; k < nodes.length; k++) {
    if (signal?.aborted) {
      run.cancelled = { code: 'CANCELLED', message: 'The run was cancelled.' };
      break;
    }
    const node = nodes[k] as PlanNode;
    const unchanged = run.reuse(k, node);
    let input: Json;
    if (node.isTrigger) {
      input = run.input;
    } else {
      const sources = node.inSources;
      const sourcePorts = node.inPorts;
      let active = -1;
      let activeCount = 0;
      let blocked = false;
      for (let j = 0; j < sources.length; j++) {
        const s = sources[j] as number;
        const st = status[s];
        // Waiting, held back, or failed with nobody handling it: what lies
        // downstream cannot settle in this run.
        if (st === WAITING || st === BLOCKED || (st === FAILED && (ports[s] as number) < 0)) {
          blocked = true;
        } else if (ports[s] === sourcePorts[j]) {
          activeCount++;
          active = j;
        }
      }
      if (blocked) {
        status[k] = BLOCKED;
        continue;
      }
      if (activeCount === 0) {
        status[k] = SKIPPED;
        continue;
      }
      if (unchanged && run.adopt(k, node)) continue;
      if (node.isMerge) {
        const template = node.mergeTemplate;
        // Every source active (the usual case): the same keys in the same
        // order as adding them, from a copy of the precomputed shape.
        const merged: JsonObject =
          template !== undefined && activeCount === sources.length ? { ...template } : {};
        for (let j = 0; j < sources.length; j++) {
          const s = sources[j] as number;
          if (ports[s] === sourcePorts[j]) merged[(nodes[s] as PlanNode).id] = outputs[s] as Json;
        }
        input = merged;
      } else if (activeCount > 1) {
        const names: string[] = [];
        for (let j = 0; j < sources.length; j++) {
          const s = sources[j] as number;
          if (ports[s] === sourcePorts[j]) names.push(`"${(nodes[s] as PlanNode).id}"`);
        }
        run.inputs[k] = null;
        run.begin(k, node);
        run.fail(
          k,
          node,
          new NodeError({
            code: 'AMBIGUOUS_INPUT',
            message: `Node "${node.id}" received ${activeCount} inputs in one run (from ${names.join(', ')}); parallel branches must re-join through a Merge node.`,
          }),
        );
        continue;
      } else {
        input = outputs[sources[active] as number] as Json;
      }
    }
    if (node.isTrigger && unchanged && run.adopt(k, node)) continue;
    run.inputs[k] = input;
    run.begin(k, node);
    let value;
    try {
      value = node.module.run(node.data, input, run);
    } catch (error) {
      run.fail(k, node, error);
      continue;
    }
    if (isPromiseLike<Json | undefined>(value)) {
      return Promise.resolve(value).then(
        (resolved) => {
          run.settle(k, node, resolved);
          return advance(run, k + 1);
        },
        (error: unknown) => {
          run.fail(k, node, error);
          return advance(run, k + 1);
        },
      );
    }
    run.settle(k, node, value);
  }
  return run.result();
}

function execute(
  plan: WorkflowPlan,
  input: Json,
  options: RunOptions,
  chain: readonly string[],
): RunResult | Promise<RunResult> {
  const run = new Run(plan, input, options, chain);
  run.markStart();
  return advance(run, 0);
}

/**
 * Runs a compiled workflow on an input. Preview mode (the default) is
 * deterministic and offline; see RunOptions for live mode. Failures are in
 * the result (`status: 'failed'` with the node that failed), never thrown.
 */
export function runWorkflow(
  compiled: CompiledWorkflow,
  input: Json,
  options: RunOptions = {},
): Promise<RunResult> {
  if (!(compiled instanceof WorkflowPlan)) {
    return Promise.reject(
      new TypeError('runWorkflow needs the workflow that compileWorkflow returned.'),
    );
  }
  try {
    return Promise.resolve(execute(compiled, input, options, [compiled.definition.id]));
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
}
