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
//
// A run keeps its outcome as arrays by plan position (Outcome): `$nodes.<id>`
// is an array read (compile bound each reference to a position), a merge's
// object and the `nodes` records of the result are built when first read, and
// light nodes share clock readings. See docs/architecture.md, "Run costs".

import type { PlanNode } from './compile.ts';
import {
  ALL_SOURCES,
  CLEAN_FROM_SOURCE,
  CLEAN_MERGE,
  CLEAN_NO_INPUT,
  NO_CLEAN_SOURCE,
  NOT_CLEAN,
  compileWorkflow,
  WorkflowPlan,
} from './compile.ts';
import type { EvalScope } from './expression/api.ts';
import { ExpressionFailure } from './expression/api.ts';
import { STEP_COUNT_MASK, fastStepsSpent } from './expression/index.ts';
import type { DirectRun, NodeContext } from './nodes/kind.ts';
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
import { sameJson } from './util/sameJson.ts';
import { realSleep } from './util/timers.ts';

const PENDING = 0;
const SUCCEEDED = 1;
const FAILED = 2;
const SKIPPED = 3;
const WAITING = 4;
/** Downstream of a waiting node or an unhandled failure: reported as skipped. */
const BLOCKED = 5;

/** `Run.unchanged` of a node that ran again and came out otherwise than before. */
const CHANGED = 2;

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

/**
 * Marks a merge's output (and the input of a node that does not read it) that
 * has not been built yet: `Outcome.value` builds it on first read. A merge's
 * output is an object with a key per source, and building one costs more than
 * running a simple node, so a run builds only the ones something reads.
 */
const LAZY: JsonObject = Object.freeze(Object.create(null) as JsonObject);

/** How many light nodes share one reading of the clock at most (see `Run.timed`). */
const TIMING_GROUP = 32;

/** Bytes of the slabs runs carve their numeric arrays from. */
const SLAB_BYTES = 1 << 16;
let slab = new ArrayBuffer(SLAB_BYTES);
let slabUsed = 0;

/**
 * A fresh, zeroed stretch of `bytes` bytes, 8-aligned: the next part of the
 * current slab, or of a new one. Creating an ArrayBuffer costs about 5 µs
 * here (its backing store and its registration with the collector), more
 * than running a hundred simple nodes; a view of a slab costs a fraction.
 * Stretches are never reused: a slab lives as long as any run's views of it
 * (at most 64 KiB kept per run result alive). A plan too big for a slab
 * gets a buffer of its own.
 */
function carve(bytes: number): [ArrayBuffer, number] {
  const size = (bytes + 7) & ~7;
  if (size > SLAB_BYTES / 4) return [new ArrayBuffer(size), 0];
  if (slabUsed + size > SLAB_BYTES) {
    slab = new ArrayBuffer(SLAB_BYTES);
    slabUsed = 0;
  }
  const at = slabUsed;
  slabUsed += size;
  return [slab, at];
}

/**
 * What a run leaves: its outcome per node, as arrays by plan position. The
 * run's `nodes` records are built from it on first read, and a later run
 * reuses it (RunOptions.previous). It holds no options and no earlier run.
 */
class Outcome {
  readonly status: Uint8Array;
  readonly ports: Int32Array;
  readonly outputs: (Json | undefined)[];
  readonly inputs: (Json | undefined)[];
  /** For an input marked LAZY: the position whose value it is. */
  readonly inputFrom: Int32Array;
  readonly errors: (RunError | undefined)[];
  readonly durations: Float64Array;
  extras: (NodeExtras | undefined)[] | undefined;
  /** 1 where the result was taken from the previous run. */
  reused: Uint8Array | undefined;

  constructor(readonly plan: WorkflowPlan) {
    const count = plan.nodes.length;
    // The numeric arrays are views of one stretch of a shared slab:
    // allocating is a large part of a small run's cost (see `carve`).
    const [buffer, at] = carve(count * 17);
    this.durations = new Float64Array(buffer, at, count);
    this.ports = new Int32Array(buffer, at + count * 8, count).fill(-1);
    this.inputFrom = new Int32Array(buffer, at + count * 12, count);
    this.status = new Uint8Array(buffer, at + count * 16, count);
    this.outputs = new Array<Json | undefined>(count);
    this.inputs = new Array<Json | undefined>(count);
    this.errors = [];
  }

  /** The output of the node at position k; undefined when it has none. */
  value(k: number): Json | undefined {
    const value = this.outputs[k];
    return value === LAZY ? this.buildMerge(k) : value;
  }

  /** The input of the node at position k. */
  input(k: number): Json | undefined {
    const value = this.inputs[k];
    if (value === LAZY) return this.value(this.inputFrom[k] as number);
    if (value === undefined && this.plan.cleanSteps[k] !== NOT_CLEAN) {
      // A clean step's input is always its one source's output (a merge's,
      // its own object), so the clean loop does not write it.
      const node = this.plan.nodes[k] as PlanNode;
      return this.value(node.isMerge ? k : node.cleanSource);
    }
    return value;
  }

  /** A merge's input (and output): an object keyed by each active source's id. */
  private buildMerge(k: number): Json {
    const { nodes } = this.plan;
    const node = nodes[k] as PlanNode;
    const { ports } = this;
    const sources = node.inSources;
    const sourcePorts = node.inPorts;
    let active = 0;
    for (let j = 0; j < sources.length; j++) {
      if (ports[sources[j] as number] === sourcePorts[j]) active++;
    }
    const template = node.mergeTemplate;
    // Every source active (the usual case): the same keys in the same order
    // as adding them, from a copy of the precomputed shape.
    const merged: JsonObject =
      template !== undefined && active === sources.length ? { ...template } : {};
    for (let j = 0; j < sources.length; j++) {
      const s = sources[j] as number;
      if (ports[s] === sourcePorts[j]) merged[(nodes[s] as PlanNode).id] = this.value(s) as Json;
    }
    this.outputs[k] = merged;
    this.inputs[k] = merged;
    return merged;
  }

  /** The result record of the node at position k. */
  nodeResult(k: number): NodeResult {
    const node = this.plan.nodes[k] as PlanNode;
    const st = this.status[k] as number;
    if (st === PENDING || st === SKIPPED || st === BLOCKED) {
      return { status: 'skipped', durationMs: 0 };
    }
    const port = this.ports[k] as number;
    const input = this.input(k);
    const error = this.errors[k];
    const extras = this.extras?.[k];
    const reused = this.reused?.[k] === 1;
    let result: NodeResult;
    if (st === SUCCEEDED && port >= 0 && input !== undefined && !extras) {
      // The common case, built in one literal: one allocation, one shape.
      result = {
        status: 'succeeded',
        port: node.ports[port] as string,
        input,
        output: this.value(k) as Json,
        durationMs: this.durations[k] as number,
      };
    } else {
      result = {
        status: STATUS_NAMES[st] as NodeStatus,
        durationMs: this.durations[k] as number,
      };
      if (port >= 0) result.port = node.ports[port] as string;
      if (input !== undefined) result.input = input;
      if (st !== FAILED || port >= 0) result.output = this.value(k) as Json;
      if (error) result.error = error;
      if (extras) Object.assign(result, extras);
    }
    if (reused) result.reused = true;
    return result;
  }

  /** Every node's result, by id in definition order. */
  nodeResults(): Record<string, NodeResult> {
    const { plan } = this;
    const nodes: Record<string, NodeResult> = {};
    for (let d = 0; d < plan.byDefinition.length; d++) {
      const k = plan.byDefinition[d] as number;
      nodes[(plan.nodes[k] as PlanNode).id] = this.nodeResult(k);
    }
    return nodes;
  }
}

/**
 * What a run leaves with its result: its outcome, from which the `nodes`
 * records are built on first read, and what a later run needs to know to
 * reuse it (RunOptions.previous).
 */
interface RunRecord {
  readonly outcome: Outcome;
  readonly input: Json;
  /**
   * Only what results depend on: keeping the whole options would keep its
   * `previous`, and so every earlier run, alive. Undefined for a live run,
   * which is never reused.
   */
  readonly options:
    | {
        decisions: RunOptions['decisions'] | undefined;
        now: number | undefined;
        seed: number | undefined;
      }
    | undefined;
  /** The `nodes` records, once built or assigned. */
  nodes: Record<string, NodeResult> | undefined;
}

/** A base class whose constructor returns the object it is given (see RecordSlot). */
const Passthrough = function (this: unknown, target: object) {
  return target;
} as unknown as new (target: object) => object;

/**
 * Keeps a run's record in a private field of the RunResult object itself:
 * `new RecordSlot(result, record)` runs Passthrough, which returns `result`,
 * so the field is added to `result`. Callers pass results back as `previous`
 * without seeing any engine state: JSON.stringify, structured clone, spread
 * and `Object.getOwnPropertySymbols` all pass a private field by, and a copy
 * simply has none (and gets no reuse). A WeakMap keyed by the result
 * did the same at about 1 µs a run, most of it in the collector's work on
 * the map's entries: as much as running a hundred simple nodes.
 */
class RecordSlot extends Passthrough {
  readonly #record: RunRecord;

  private constructor(run: RunResult, record: RunRecord) {
    super(run);
    this.#record = record;
  }

  static attach(run: RunResult, record: RunRecord): void {
    new RecordSlot(run, record);
  }

  /**
   * The record of a result, found on it or on its prototype chain (an
   * object made with `Object.create(result)`); undefined for anything else,
   * a non-object included.
   */
  static of(value: unknown): RunRecord | undefined {
    for (
      let at = value;
      typeof at === 'object' && at !== null;
      at = Object.getPrototypeOf(at) as unknown
    ) {
      if (#record in at) return (at as RecordSlot).#record;
    }
    return undefined;
  }
}

/** Makes a result's `nodes` a plain data property holding `value` (unless sealed or frozen). */
function keepNodes(
  run: RunResult,
  record: RunRecord | undefined,
  value: Record<string, NodeResult>,
): Record<string, NodeResult> {
  if (record) record.nodes = value;
  if (Object.getOwnPropertyDescriptor(run, 'nodes')?.configurable === true) {
    Object.defineProperty(run, 'nodes', {
      value,
      writable: true,
      enumerable: true,
      configurable: true,
    });
  }
  return value;
}

/**
 * A run result's `nodes` until first read (or first write): then it becomes
 * a plain data property holding the records built from the run's outcome.
 * Building a record per node costs more than running the nodes of a simple
 * graph; the editor reads a few, a caller may read none. JSON.stringify,
 * structured clone and property reads all see a plain object. A result
 * sealed or frozen before its first read keeps the accessor, which then
 * behaves as the data property would have: the same records on every read,
 * assignment refused when frozen. One descriptor serves every result, so
 * defining it is a cached transition rather than a closure pair per run
 * (which, with the WeakMap, cost about 3 µs a run). The getter finds the
 * run through `this`: read through a Proxy of the result before any read
 * of the result itself, it cannot (a private field is not seen through a
 * proxy) and says so rather than answer nothing.
 */
const NODES_ACCESSOR: PropertyDescriptor = {
  get(this: RunResult): Record<string, NodeResult> {
    const record = RecordSlot.of(this);
    if (!record) {
      throw new TypeError(
        'This object does not hold a run: read `nodes` on the result runWorkflow returned (once read, it is a plain property that proxies and copies see too).',
      );
    }
    return record.nodes ?? keepNodes(this, record, record.outcome.nodeResults());
  },
  set(this: RunResult, value: Record<string, NodeResult>): void {
    if (Object.isFrozen(this)) {
      throw new TypeError("Cannot assign to read only property 'nodes' of a frozen run result");
    }
    keepNodes(this, RecordSlot.of(this), value);
  },
  enumerable: true,
  configurable: true,
};

/** The earlier run to reuse, when its input and options match this one's. */
function reusable(options: RunOptions, input: Json): RunRecord | undefined {
  const previous = options.previous;
  if (!previous || options.mode === 'live') return undefined;
  const record = RecordSlot.of(previous);
  if (!record?.options) return undefined;
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
  return record;
}

/**
 * Time between two clock readings, never negative: a clock given in the run
 * options may step back, and a negative duration would read as the weight of
 * a node in an open timing group (see `Run.join`).
 */
function elapsed(from: number, to: number): number {
  return to > from ? to - from : 0;
}

/** performance.now when present (one function for every run). */
const DEFAULT_CLOCK: () => number = (() => {
  const perf = (globalThis as { performance?: { now(): number } }).performance;
  return perf ? () => perf.now() : () => Date.now();
})();

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
  readonly outcome: Outcome;
  /** Set when the run was cancelled; node failures are found in `result()`. */
  cancelled: RunError | undefined;
  /**
   * 1 where a node's result equals the previous run's: its definition and
   * whole upstream did (`reuse`), or it ran again and came out the same
   * (`cameOutTheSame`). CHANGED where it ran again and did not; 0 while
   * undecided.
   */
  readonly unchanged: Uint8Array | undefined;
  /** Where `reuse` found each unchanged node in the previous run's plan. */
  private readonly before: Int32Array | undefined;
  readonly previous: RunRecord | undefined;

  // NodeContext, for the node being run through its module. A node called
  // directly (NodeModule.direct) sets only `current`: these then still
  // describe an earlier node, which nothing reads.
  nodeId = '';
  port = 0;
  waiting = false;
  attempts = 0;
  message: string | undefined = undefined;
  /** The position of the node being run. */
  current = 0;
  /**
   * True while every node so far succeeded and emitted on its first out port
   * (or has none): then a node whose edges all leave first ports
   * (PlanNode.cleanSource) has every source active, and the loop need not
   * look at them one by one.
   */
  clean = true;
  /**
   * True once a node failed with nobody handling it, or waits: only then
   * does `result` look through every node for the run's error and status.
   */
  halted = false;
  private waited = 0;
  /**
   * What expressions see. `$nodes.<id>` reads `values[position]` (and
   * `output(position)` for a merge object not built yet): compile bound every
   * reference to the position of its node, and checked it is upstream, so one
   * scope serves every node and a read is an array access.
   * A node that was skipped has no output: it reads as nothing.
   */
  private readonly baseScope: EvalScope;
  private readonly seed: number;
  private randoms: ((() => number) | undefined)[] | undefined;
  private readonly clock: () => number;
  private readonly startedAt: number;
  /** When the current timing group (or the last node timed alone) started. */
  private lastTime: number;
  /** The open timing group: its first node's position, its size and its nodes' summed weight. */
  private groupFrom = 0;
  private groupSize = 0;
  private groupWeight = 0;

  constructor(
    readonly plan: WorkflowPlan,
    readonly input: Json,
    readonly options: RunOptions,
    private readonly chain: readonly string[],
  ) {
    this.mode = options.mode === 'live' ? 'live' : 'preview';
    const outcome = new Outcome(plan);
    this.outcome = outcome;
    this.clock = options.clock ?? DEFAULT_CLOCK;
    this.startedAt = this.clock();
    this.lastTime = this.startedAt;
    this.seed = options.seed ?? 1;
    // Bound methods, not arrow functions: a function literal made per run
    // is also named per run where names are kept (tsx, which runs the CLI
    // and the benchmarks, defines `name` on each: 3-4% of a dag-500 run).
    this.baseScope = {
      input,
      nodes: NO_NODES,
      output: outcome.value.bind(outcome),
      values: outcome.outputs,
      pending: LAZY,
      now: options.now ?? (this.mode === 'live' ? Date.now() : 0),
      random: this.random.bind(this),
    };
    this.previous = reusable(options, input);
    this.unchanged = this.previous ? new Uint8Array(plan.nodes.length) : undefined;
    this.before = this.previous ? new Int32Array(plan.nodes.length) : undefined;
  }

  /** `$random()`: each node draws from its own seeded sequence. */
  private random(): number {
    this.randoms ??= [];
    let next = this.randoms[this.current];
    if (!next) {
      // Found by position (a node called directly sets no `nodeId`); seeded
      // by the node's id as always.
      const node = this.plan.nodes[this.current] as PlanNode;
      next = seededRandom(nodeSeed(this.seed, node.id));
      this.randoms[this.current] = next;
    }
    return next();
  }

  /**
   * Whether node k's result can be taken from the previous run (see
   * `adopt`): what it reads is unchanged, as `mayReuse` found (asked first:
   * downstream of an edit, that answers without a lookup), and so is its
   * definition.
   */
  reuse(k: number, node: PlanNode): boolean {
    const previous = this.previous;
    const unchanged = this.unchanged;
    if (!previous || !unchanged || !this.before || node.kind === 'subworkflow') return false;
    const plan = previous.outcome.plan;
    // Usually at the same position (an edit that keeps the graph keeps the order).
    const before = plan.nodes[k]?.id === node.id ? k : plan.positionOf(node.id);
    if (before === undefined || (plan.nodes[before] as PlanNode).signature !== node.signature) {
      return false;
    }
    unchanged[k] = 1;
    this.before[k] = before;
    return true;
  }

  /**
   * Whether node k might be reused: there is a previous run and every node
   * k reads (its sources, and those its expressions read through `$nodes`)
   * is unchanged (`reuse` decides the rest). Right downstream of an edit, a
   * node is not, unless what the edit changed came out the same. `stretch`:
   * where the clean loop's current stretch began, when it asks (see
   * `cameOutTheSame`); -1 otherwise (always passed: a call with fewer
   * arguments than parameters costs more in this hot loop).
   */
  mayReuse(k: number, stretch: number): boolean {
    const unchanged = this.unchanged;
    if (unchanged === undefined) return false;
    const reads = (this.plan.nodes[k] as PlanNode).reads;
    for (let j = 0; j < reads.length; j++) {
      const s = reads[j] as number;
      const flag = unchanged[s];
      if (flag !== 1 && (flag === CHANGED || !this.cameOutTheSame(s, stretch))) return false;
    }
    return true;
  }

  /**
   * Early cutoff: whether node s, which ran again in this run, came out as
   * in the previous run (succeeded on the same port, with an output that
   * `sameJson` finds equal). Then whatever reads it reads what it read
   * before, and can be reused as if s had been: an edit re-runs what its
   * change reaches, not all that lies downstream. Preview runs are
   * deterministic (`$now` is fixed, `$random` seeded per node), so an equal
   * input gives an equal result. Decided once per node, when something
   * downstream first asks. In the clean loop's current stretch (positions
   * from `stretch` on), nodes succeeded but their statuses are not written yet.
   */
  private cameOutTheSame(s: number, stretch: number): boolean {
    const unchanged = this.unchanged as Uint8Array;
    const same = this.sameAsBefore(s, stretch);
    unchanged[s] = same ? 1 : CHANGED;
    return same;
  }

  private sameAsBefore(s: number, stretch: number): boolean {
    const before = this.previous?.outcome;
    const { outcome } = this;
    if (!before || ((stretch < 0 || s < stretch) && outcome.status[s] !== SUCCEEDED)) return false;
    const output = outcome.outputs[s];
    // A merge's object is built on first read: not worth building to compare.
    if (output === LAZY || output === undefined) return false;
    const id = (this.plan.nodes[s] as PlanNode).id;
    const plan = before.plan;
    const b = plan.nodes[s]?.id === id ? s : plan.positionOf(id);
    if (b === undefined || before.status[b] !== SUCCEEDED) return false;
    if (before.ports[b] !== outcome.ports[s]) return false;
    const was = before.outputs[b];
    return was !== LAZY && sameJson(was, output);
  }

  /** Copies an unchanged node's outcome from the previous run (after `reuse`). False when it has to run. */
  adopt(k: number, node: PlanNode): boolean {
    const before = this.previous?.outcome;
    const b = this.before?.[k] as number;
    const st = before ? (before.status[b] as number) : PENDING;
    if (!before || st === PENDING || st === SKIPPED || st === BLOCKED) {
      if (this.unchanged) this.unchanged[k] = 0;
      return false;
    }
    const outcome = this.outcome;
    outcome.status[k] = st;
    outcome.ports[k] = before.ports[b] as number;
    if (st !== SUCCEEDED || (before.ports[b] as number) > 0) this.clean = false;
    if (st === WAITING || (st === FAILED && (before.ports[b] as number) < 0)) this.halted = true;
    if (before.outputs[b] === LAZY && node.isMerge) {
      // Its sources are unchanged too: this run builds it from them if asked.
      outcome.outputs[k] = LAZY;
      outcome.inputs[k] = LAZY;
      outcome.inputFrom[k] = k;
    } else {
      outcome.outputs[k] = before.value(b);
      const input = before.inputs[b];
      // A clean step's input is its one source's output, unchanged too: this
      // run reads it from there (see `input`) rather than have the previous
      // run build a merge object for it.
      if (
        st !== SUCCEEDED ||
        this.plan.cleanSteps[k] === NOT_CLEAN ||
        (input !== LAZY && input !== undefined)
      ) {
        outcome.inputs[k] = before.input(b);
      }
    }
    outcome.errors[k] = before.errors[b];
    outcome.durations[k] = before.durations[b] as number;
    const extras = before.extras?.[b];
    if (extras)
      (outcome.extras ??= new Array<NodeExtras | undefined>(outcome.status.length))[k] = extras;
    (outcome.reused ??= new Uint8Array(outcome.status.length))[k] = 1;
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
    const { outcome } = this;
    outcome.outputs[k] = value === undefined ? null : value;
    if (this.waiting) {
      outcome.status[k] = WAITING;
      this.clean = false;
      this.halted = true;
    } else {
      outcome.status[k] = SUCCEEDED;
      // `error` is last; a kind without out ports (output, fail) emits nowhere.
      outcome.ports[k] = this.port < node.ports.length - 1 ? this.port : -1;
      if (this.port > 0) this.clean = false;
    }
    this.keepExtras(k);
  }

  fail(k: number, node: PlanNode, error: unknown): void {
    const { outcome } = this;
    const runError = toRunError(error, node.id);
    // Input the trigger refused for breaking a data limit is not echoed back:
    // a result holding it could not be serialized or sent to the editor.
    if (node.isTrigger && runError.code === 'LIMIT_EXCEEDED') outcome.inputs[k] = null;
    outcome.errors[k] = runError;
    outcome.status[k] = FAILED;
    this.clean = false;
    if (!node.handlesErrors) this.halted = true;
    else {
      outcome.ports[k] = node.ports.length - 1;
      outcome.outputs[k] = {
        error: { code: runError.code, message: runError.message },
        input: outcome.input(k) ?? null,
      };
    }
    this.keepExtras(k);
  }

  private keepExtras(k: number): void {
    if (this.attempts > 0 || this.waited > 0 || this.message !== undefined) {
      const { outcome } = this;
      outcome.extras ??= new Array<NodeExtras | undefined>(outcome.status.length);
      outcome.extras[k] = {
        ...(this.attempts > 0 ? { attempts: this.attempts } : {}),
        ...(this.waited > 0 ? { waitedMs: this.waited } : {}),
        ...(this.message !== undefined ? { message: this.message } : {}),
      };
    }
  }

  // Durations. Reading the clock costs about as much as running a simple
  // node (some 50 ns), so light nodes (a few fast-path evaluations, merges)
  // are timed in groups of up to TIMING_GROUP: one reading per group, the
  // group's time shared among its nodes by the work each did (one plus the
  // fast-path steps its evaluations spent on data). Every other node is timed
  // alone, and a node that goes asynchronous closes its group and adds the
  // time until it settles.

  /** Records node k's time once it ran: in the group, or alone. `steps`: the count before it ran. */
  timed(k: number, light: boolean, steps: number): void {
    if (light) {
      this.join(k, 1 + ((fastStepsSpent() - steps) & STEP_COUNT_MASK));
      return;
    }
    const now = this.clock();
    this.outcome.durations[k] = elapsed(this.lastTime, now);
    this.lastTime = now;
  }

  /**
   * Adds node k to the open group, with the weight of the work it did. Until
   * the group closes, a member's duration holds its weight, negated: the
   * nodes between two members (skipped, reused) hold zero or a duration.
   */
  join(k: number, weight: number): void {
    if (this.groupSize === 0) this.groupFrom = k;
    this.outcome.durations[k] = -weight;
    this.groupSize++;
    this.groupWeight += weight;
    if (this.groupSize === TIMING_GROUP) this.closeGroup();
  }

  /** Reads the clock and shares the time since the group opened among its nodes. */
  closeGroup(): void {
    if (this.groupSize === 0) return;
    const now = this.clock();
    const share = elapsed(this.lastTime, now) / this.groupWeight;
    const { durations } = this.outcome;
    // Members are the nodes from groupFrom to the last that joined; none
    // after it was timed yet (a node timed alone closes the group first).
    for (let i = this.groupFrom, left = this.groupSize; left > 0; i++) {
      const weight = durations[i] as number;
      if (weight < 0) {
        durations[i] = -share * weight;
        left--;
      }
    }
    this.lastTime = now;
    this.groupSize = 0;
    this.groupWeight = 0;
  }

  /** How many more nodes the run's open group takes before it closes (all of a group when none is open). */
  groupRoom(): number {
    return TIMING_GROUP - this.groupSize;
  }

  /**
   * The clean loop's own groups (`advanceClean`): runs of consecutive light
   * nodes with nothing between them, while the run's group is closed. So
   * a member needs no bookkeeping while the loop runs: until its group
   * closes, its duration holds, negated, the fast-path steps it spent (zero
   * for none), and it weighs one plus those. Shares the time since the last
   * reading among the nodes from `from` to `to`, who spent `steps` in all.
   */
  shareStretch(from: number, to: number, steps: number): void {
    const now = this.clock();
    const share = elapsed(this.lastTime, now) / (to - from + steps);
    const { durations } = this.outcome;
    if (steps === 0) durations.fill(share, from, to);
    else for (let i = from; i < to; i++) durations[i] = share * (1 - (durations[i] as number));
    this.lastTime = now;
  }

  /** Hands the clean loop's open group (see `shareStretch`) to the run's, which it fills at most. */
  joinStretch(from: number, to: number): void {
    const { durations } = this.outcome;
    for (let i = from; i < to; i++) this.join(i, 1 - (durations[i] as number));
  }

  /** Adds the time since the last reading to node k (an asynchronous node settling). */
  addTime(k: number): void {
    const now = this.clock();
    const { durations } = this.outcome;
    durations[k] = (durations[k] as number) + elapsed(this.lastTime, now);
    this.lastTime = now;
  }

  markStart(): void {
    this.lastTime = this.clock();
  }

  result(): RunResult {
    this.closeGroup();
    const { plan, outcome } = this;
    const { status } = outcome;
    let waiting = false;
    let runError = this.cancelled;
    if (this.halted) {
      for (let d = 0; d < plan.byDefinition.length; d++) {
        const k = plan.byDefinition[d] as number;
        const st = status[k] as number;
        // The run's error is the unhandled failure first in definition order.
        if (st === FAILED && (outcome.ports[k] as number) < 0 && !runError) {
          runError = { ...(outcome.errors[k] as RunError), node: (plan.nodes[k] as PlanNode).id };
        }
        if (st === WAITING) waiting = true;
      }
    }
    let output: Json = null;
    if (!runError) {
      const ran: number[] = [];
      for (const k of plan.outputs) if (status[k] === SUCCEEDED) ran.push(k);
      if (ran.length === 1) output = outcome.value(ran[0] as number) ?? null;
      else if (ran.length > 1) {
        output = Object.fromEntries(
          ran.map((k) => [(plan.nodes[k] as PlanNode).id, outcome.value(k) ?? null]),
        );
      }
    }
    // Built in key order: status, output, nodes, durationMs, error.
    const run = {
      status: runError ? 'failed' : waiting ? 'waiting' : 'succeeded',
      output,
    } as RunResult;
    Object.defineProperty(run, 'nodes', NODES_ACCESSOR);
    run.durationMs = this.clock() - this.startedAt;
    if (runError) run.error = runError;
    const { decisions, now, seed } = this.options;
    RecordSlot.attach(run, {
      outcome,
      input: this.input,
      options: this.mode === 'preview' ? { decisions, now, seed } : undefined,
      nodes: undefined,
    });
    return run;
  }
}

/** `$nodes` by id, for a scope whose expressions are bound: nothing is read from it. */
const NO_NODES: Readonly<Record<string, Json>> = Object.freeze(
  Object.create(null) as Record<string, Json>,
);

/**
 * Runs nodes from plan position `from` on. Returns synchronously when every
 * node did; otherwise a Promise that picks the loop up after the async node.
 */
function advance(run: Run, from: number): RunResult | Promise<RunResult> {
  const { nodes } = run.plan;
  const { outcome } = run;
  const { status, ports, outputs, inputs } = outcome;
  const { cleanSteps } = run.plan;
  const signal = run.options.signal;
  const scope = run.scope();
  const reusing = run.unchanged !== undefined;
  for (let k = from; k < nodes.length; k++) {
    let may = reusing && run.mayReuse(k, -1);
    if (run.clean && cleanSteps[k] !== NOT_CLEAN && !may) {
      // It stops before a node it cannot run, or when the run was cancelled.
      const next = advanceClean(run, k, scope);
      if (typeof next !== 'number') return next;
      k = next;
      if (k === nodes.length) break;
      may = reusing && run.mayReuse(k, -1);
    }
    if (signal?.aborted) {
      run.cancelled = { code: 'CANCELLED', message: 'The run was cancelled.' };
      break;
    }
    const node = nodes[k] as PlanNode;
    const unchanged = may && run.reuse(k, node);
    let input: Json;
    if (node.isTrigger) {
      if (unchanged && run.adopt(k, node)) continue;
      input = run.input;
      inputs[k] = input;
    } else {
      const sources = node.inSources;
      const sourcePorts = node.inPorts;
      let active = -1;
      let activeCount = 0;
      let blocked = false;
      // Nothing so far failed, waited, was skipped or took another port: the
      // sources of a node whose edges all leave first ports are all active.
      let source = run.clean ? node.cleanSource : NO_CLEAN_SOURCE;
      if (source >= 0) activeCount = 1;
      else if (source === ALL_SOURCES) activeCount = sources.length;
      else {
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
      }
      if (blocked) {
        status[k] = BLOCKED;
        run.clean = false;
        continue;
      }
      if (activeCount === 0) {
        status[k] = SKIPPED;
        run.clean = false;
        continue;
      }
      if (unchanged && run.adopt(k, node)) continue;
      if (node.isMerge) {
        // Passes on an object of its sources' outputs, built when first read.
        outputs[k] = LAZY;
        inputs[k] = LAZY;
        outcome.inputFrom[k] = k;
        status[k] = SUCCEEDED;
        ports[k] = 0;
        run.join(k, 1);
        continue;
      }
      if (activeCount > 1) {
        const names: string[] = [];
        for (let j = 0; j < sources.length; j++) {
          const s = sources[j] as number;
          if (ports[s] === sourcePorts[j]) names.push(`"${(nodes[s] as PlanNode).id}"`);
        }
        inputs[k] = null;
        run.begin(k, node);
        run.fail(
          k,
          node,
          new NodeError({
            code: 'AMBIGUOUS_INPUT',
            message: `Node "${node.id}" received ${activeCount} inputs in one run (from ${names.join(', ')}); parallel branches must re-join through a Merge node.`,
          }),
        );
        run.join(k, 1);
        continue;
      }
      if (source < 0) source = sources[active] as number;
      const value = outputs[source];
      if (value !== LAZY) {
        input = value as Json;
        inputs[k] = input;
      } else if (node.readsInput) {
        input = outcome.value(source) as Json;
        inputs[k] = input;
      } else {
        // The node never looks at its input: it is built only if read.
        input = null;
        inputs[k] = LAZY;
        outcome.inputFrom[k] = source;
      }
    }
    const light = node.light;
    const steps = light ? fastStepsSpent() : 0;
    if (!light) run.closeGroup();
    // A kind whose run is a plain function of its input (NodeModule.direct)
    // is called here, past its module and the context.
    const direct = node.direct;
    let value;
    try {
      if (direct !== undefined) {
        run.current = k;
        value = direct(input, scope);
      } else {
        run.begin(k, node);
        value = node.module.run(node.data, input, run);
      }
    } catch (error) {
      if (direct !== undefined) run.begin(k, node);
      run.fail(k, node, error);
      run.timed(k, light, steps);
      continue;
    }
    if (isPromiseLike<Json | undefined>(value)) {
      if (direct !== undefined) run.begin(k, node);
      return settleLater(run, k, node, value, light, steps);
    }
    if (direct !== undefined) {
      // What `settle` records for a node that emits on its first port.
      outputs[k] = value === undefined ? null : value;
      status[k] = SUCCEEDED;
      ports[k] = node.emitPort;
    } else run.settle(k, node, value);
    run.timed(k, light, steps);
  }
  return run.result();
}

/**
 * The rest of the run once node k went asynchronous: the part before is
 * timed now, the rest as it settles.
 */
function settleLater(
  run: Run,
  k: number,
  node: PlanNode,
  value: PromiseLike<Json | undefined>,
  light: boolean,
  steps: number,
): Promise<RunResult> {
  run.timed(k, light, steps);
  run.closeGroup();
  return Promise.resolve(value).then(
    (resolved) => {
      run.settle(k, node, resolved);
      run.addTime(k);
      return advance(run, k + 1);
    },
    (error: unknown) => {
      run.fail(k, node, error);
      run.addTime(k);
      return advance(run, k + 1);
    },
  );
}

/**
 * The loop for a clean run (see `Run.clean`), over the nodes it can run
 * alone (WorkflowPlan.cleanSteps) and that cannot be reused (downstream of an
 * edit, or no previous run): there, what `advance` works out for each node
 * has a known answer. Every source is active and nothing is held back; the
 * node succeeds on its first port unless it throws or goes asynchronous; it
 * is light, so timed in a group. Runs nodes from `from` on; returns the
 * position of the first node it did not run (with the run still clean, or
 * not after a failure; or the run cancelled), or the run's Promise when a
 * node went asynchronous. Statuses are written once, for the stretch, when
 * it ends: nothing reads them before (`$nodes` reads outputs; a merge built
 * on first read looks at its sources' ports).
 */
function advanceClean(run: Run, from: number, scope: EvalScope): number | Promise<RunResult> {
  const { plan, outcome } = run;
  const { cleanSteps, cleanSources, directs, emitPorts } = plan;
  const { outputs, ports, status, durations } = outcome;
  const count = cleanSteps.length;
  let k = from;
  const reusing = run.unchanged !== undefined;
  // Checked before every node, as `advance` does: the signal may be a
  // caller's object, or aborted by a caller's clock.
  const signal = run.options.signal;
  // What the loop reads of other modules, read once here. Unbundled (tsx,
  // which runs the CLI and the benchmarks), each use of an imported binding
  // loads it through the module's import cell and checks that it is
  // initialized; read per node, that was about 5% of a dag-500 run. (A
  // bundle, as the browser gets the engine, makes them its own variables.)
  const notClean = NOT_CLEAN;
  const cleanMerge = CLEAN_MERGE;
  const fromSource = CLEAN_FROM_SOURCE;
  const noInput = CLEAN_NO_INPUT;
  const stepMask = STEP_COUNT_MASK;
  const stepsSpent = fastStepsSpent;
  const promiseLike = isPromiseLike;
  // Timed in groups of its own (see `Run.shareStretch`): the open one starts
  // at `group`, its members have spent `spent` fast-path steps in all, and
  // `steps` is the count after the last node ran. The first one fills the
  // run's open group, if any, and is handed to it: the groups are those that
  // joining each node to the run's group would make.
  let room = run.groupRoom();
  let group = k;
  let spent = 0;
  let steps = stepsSpent();
  for (; k < count; k++) {
    const step = cleanSteps[k];
    if (step === notClean || signal?.aborted === true || (reusing && run.mayReuse(k, from))) {
      break;
    }
    if (k - group === room) {
      if (room === TIMING_GROUP) run.shareStretch(group, k, spent);
      else run.joinStretch(group, k);
      group = k;
      spent = 0;
      room = TIMING_GROUP;
    }
    // Inputs are not written: a clean step's is its source's output (see `Outcome.input`).
    if (step === cleanMerge) {
      // As in `advance`: an object of its sources' outputs, built when first read.
      outputs[k] = LAZY;
      ports[k] = 0;
      continue;
    }
    const input =
      step === fromSource
        ? (outputs[cleanSources[k] as number] as Json)
        : step === noInput
          ? null
          : (outcome.value(cleanSources[k] as number) as Json);
    let value;
    try {
      run.current = k;
      value = (directs[k] as DirectRun)(input, scope);
    } catch (error) {
      const node = plan.nodes[k] as PlanNode;
      status.fill(SUCCEEDED, from, k);
      run.joinStretch(group, k);
      run.begin(k, node);
      run.fail(k, node, error);
      run.timed(k, true, steps);
      return k + 1;
    }
    if (promiseLike<Json | undefined>(value)) {
      const node = plan.nodes[k] as PlanNode;
      status.fill(SUCCEEDED, from, k);
      run.joinStretch(group, k);
      run.begin(k, node);
      return settleLater(run, k, node, value, true, steps);
    }
    outputs[k] = value === undefined ? null : value;
    ports[k] = emitPorts[k] as number;
    const now = stepsSpent();
    if (now !== steps) {
      const used = (now - steps) & stepMask;
      durations[k] = -used;
      spent += used;
      steps = now;
    }
  }
  status.fill(SUCCEEDED, from, k);
  // The open group stays open, in the run's: a light node after the stretch joins it.
  run.joinStretch(group, k);
  return k;
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

/**
 * One node's record from a run's result, by id, without building every
 * node's record as reading `result.nodes` does (the editor's worker reads
 * the selected node's on every keystroke). Undefined for an unknown id, or
 * for an object that is not a run's result.
 */
export function nodeResultOf(result: RunResult, id: string): NodeResult | undefined {
  const record = RecordSlot.of(result);
  if (!record) return undefined;
  if (record.nodes) return record.nodes[id];
  const k = record.outcome.plan.positionOf(id);
  return k === undefined ? undefined : record.outcome.nodeResult(k);
}

/**
 * The nodes of a run that did not take their result from `RunOptions.previous`
 * (they ran again, were skipped or held back), with their records, in
 * definition order; `count` is how many nodes the run has. Undefined when the
 * run reused nothing (it had no previous run, or could not use it) or
 * `result` is not a run's result. A caller that keeps what it made of the
 * previous run's nodes (the worker keeps their summaries) then looks at
 * these alone: after an edit, as far as its change reached.
 */
export function notReused(
  result: RunResult,
): { count: number; nodes: [id: string, result: NodeResult][] } | undefined {
  const record = RecordSlot.of(result);
  const reused = record?.outcome.reused;
  if (!record || reused === undefined) return undefined;
  return { count: record.outcome.plan.nodes.length, nodes: entriesOf(record, reused) };
}

/**
 * Every node of a run with its record, in definition order: what iterating
 * `result.nodes` gives, without building that record first (a keyed object
 * of every node, which a caller that walks them all once does not need).
 * Undefined when `result` is not a run's result.
 */
export function nodeEntries(result: RunResult): [id: string, result: NodeResult][] | undefined {
  const record = RecordSlot.of(result);
  return record ? entriesOf(record, undefined) : undefined;
}

/** A run's nodes with their records in definition order, less those `skip` marks. */
function entriesOf(
  record: RunRecord,
  skip: Uint8Array | undefined,
): [id: string, result: NodeResult][] {
  const { outcome } = record;
  const { plan } = outcome;
  const built = record.nodes;
  const nodes: [string, NodeResult][] = [];
  for (let d = 0; d < plan.byDefinition.length; d++) {
    const k = plan.byDefinition[d] as number;
    if (skip?.[k] === 1) continue;
    const id = (plan.nodes[k] as PlanNode).id;
    nodes.push([id, built?.[id] ?? outcome.nodeResult(k)]);
  }
  return nodes;
}
