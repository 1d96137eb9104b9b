// The engine's public data types. Everything here is plain JSON-shaped data so it
// crosses a worker boundary (structured clone) and a process boundary (the CLI)
// unchanged. DESIGN.md is the contract; these types are its TypeScript form.

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** A JSON Schema as the user wrote it (draft 2020-12). */
export type JsonSchema = boolean | JsonObject;

export const NODE_KINDS = [
  'trigger',
  'transform',
  'condition',
  'switch',
  'map',
  'merge',
  'validate',
  'http',
  'llm',
  'approval',
  'delay',
  'subworkflow',
  'fail',
  'output',
] as const;
export type NodeKindName = (typeof NODE_KINDS)[number];

export interface Position {
  x: number;
  y: number;
}

export interface NodeDefinition {
  id: string;
  kind: NodeKindName;
  label?: string;
  position?: Position;
  config?: JsonObject;
}

export interface EdgeDefinition {
  id?: string;
  source: string;
  /** Defaults to `out`. */
  sourcePort?: string;
  target: string;
  /** Defaults to `in`. */
  targetPort?: string;
}

export interface InputSample {
  name: string;
  data: Json;
}

export interface WorkflowDefinition {
  format: 'weft/v1';
  id: string;
  name: string;
  description?: string;
  input?: {
    schema?: JsonSchema;
    samples?: InputSample[];
  };
  nodes: NodeDefinition[];
  edges: EdgeDefinition[];
}

/**
 * A problem found in a definition. `path` is a JSON Pointer into the definition
 * (`/nodes/3/config/expression`); `position` is a 0-based character offset inside
 * the expression string at `path`, when the problem is in an expression.
 */
export interface Diagnostic {
  code: DiagnosticCode;
  message: string;
  path: string;
  severity: 'error' | 'warning';
  node?: string;
  position?: number;
}

/** Stable codes for problems in a definition (compile time). */
export type DiagnosticCode =
  | 'SCHEMA_INVALID' // the document breaks workflow-v1.json
  | 'DUPLICATE_ID' // two nodes share an id
  | 'UNKNOWN_NODE' // an edge names a node that does not exist
  | 'UNKNOWN_PORT' // an edge names a port the node's kind does not have
  | 'DUPLICATE_EDGE' // the same source port is wired to the same target twice
  | 'TRIGGER_COUNT' // not exactly one trigger
  | 'CYCLE' // the graph has a cycle; the message names its nodes
  | 'CONFIG_INVALID' // a config the kind does not accept
  | 'EXPRESSION_SYNTAX' // the expression does not parse; `position` set
  | 'EXPRESSION_UNSUPPORTED' // parses in jsonata 2.2 but not 2.0.6, or calls $eval
  | 'NODE_REFERENCE' // $nodes.<id> names a node that is not upstream
  | 'INPUT_SCHEMA_INVALID' // input.schema does not compile
  | 'SCHEMA_COMPILE' // a validate node's schema does not compile
  | 'SAMPLE_INVALID' // a named input sample breaks input.schema (warning)
  | 'UNREACHABLE'; // a node no path from the trigger reaches (warning)

/** Stable codes for failures while running. A `fail` node may use its own code. */
export type RunErrorCode =
  | 'INPUT_INVALID'
  | 'EXPRESSION_ERROR'
  | 'AMBIGUOUS_INPUT'
  | 'HTTP_ERROR'
  | 'LLM_ERROR'
  | 'TIMEOUT'
  | 'REJECTED'
  | 'SUBWORKFLOW_NOT_FOUND'
  | 'SUBWORKFLOW_RECURSION'
  | 'SUBWORKFLOW_FAILED'
  | 'SUBWORKFLOW_INVALID'
  | 'MOCK_MISSING'
  | 'LIMIT_EXCEEDED'
  | 'RUN_TIMEOUT'
  | (string & {});

export interface RunError {
  code: RunErrorCode;
  message: string;
  /** On a run's error: the node that failed the run. */
  node?: string;
  /** For data errors: a JSON Pointer into the data. */
  path?: string;
  /** For expression errors: a 0-based offset inside the expression. */
  position?: number;
}

export type NodeStatus = 'succeeded' | 'failed' | 'skipped' | 'waiting';
export type RunStatus = 'succeeded' | 'failed' | 'waiting';

export interface NodeResult {
  status: NodeStatus;
  /** The port the node emitted on (`out`, `true`, a case port, `error`, …). */
  port?: string;
  /** The node's input (the value on its active incoming edge; merge: the merged object). */
  input?: Json;
  output?: Json;
  error?: RunError;
  durationMs: number;
  /** Attempts made, when the node retried. */
  attempts?: number;
  /** Time the node spent waiting (delay, retry backoff): virtual in preview, real in live mode. */
  waitedMs?: number;
  /** Approval nodes: the evaluated message shown to the person deciding. */
  message?: string;
  /** True when the result was taken from `RunOptions.previous` instead of running the node. */
  reused?: boolean;
}

export interface RunResult {
  status: RunStatus;
  output: Json;
  error?: RunError;
  nodes: Record<string, NodeResult>;
  durationMs?: number;
}

export type ApprovalDecision = 'approved' | 'rejected';

export interface RunOptions {
  /** `preview` (default) never touches the network or the real clock. */
  mode?: 'preview' | 'live';
  /** Approval node id -> decision. Preview default: `approved`. Live: nodes without one wait. */
  decisions?: Record<string, ApprovalDecision>;
  /** The run's fixed start instant, ms since the epoch. Default: 0 in preview (deterministic). */
  now?: number;
  /** Seed for `$random()`. Default 1. */
  seed?: number;
  /** Finds a sub-workflow by id. The CLI resolves `<id>.json` beside the file. */
  resolveWorkflow?: (
    id: string,
  ) => WorkflowDefinition | undefined | Promise<WorkflowDefinition | undefined>;
  /** Live mode: the fetch to use (defaults to globalThis.fetch when present). */
  fetch?: FetchLike;
  /** Live mode: environment for llm endpoints (WEFT_LLM_URL, WEFT_LLM_API_KEY, WEFT_LLM_MODEL). */
  env?: Record<string, string | undefined>;
  /** Live mode: real sleeping (default: setTimeout). Tests inject a fast one. */
  sleep?: (ms: number) => Promise<void>;
  /** A monotonic clock for durationMs (default: performance.now when present). */
  clock?: () => number;
  /** Cancels a live run. */
  signal?: AbortSignalLike;
  /**
   * An earlier preview run (of this or an earlier version of the workflow, by
   * this engine instance). With the same input and options, a node whose kind,
   * config and incoming edges are unchanged, and whose sources and `$nodes`
   * reads are unchanged too (reused, or run again with the same port and an
   * equal output: early cutoff), takes its result from it instead of running
   * again (marked `reused`). Ignored in live mode.
   */
  previous?: RunResult;
}

/** The subset of fetch the engine uses, so the engine needs no DOM or Node types. */
export type FetchLike = (
  url: string,
  init: {
    method: string;
    headers: Record<string, string>;
    body?: string;
    signal?: AbortSignalLike;
  },
) => Promise<{
  status: number;
  headers: { forEach(cb: (value: string, key: string) => void): void };
  text(): Promise<string>;
}>;

export interface AbortSignalLike {
  readonly aborted: boolean;
  addEventListener(type: 'abort', listener: () => void): void;
}

/** What the editor and docs need to know about a node kind, as plain data. */
export interface NodeKindInfo {
  kind: NodeKindName;
  /** Human label, also the palette button's name: `Transform`, `Condition`, … */
  label: string;
  group: 'Flow' | 'Data' | 'Integrations' | 'People & time' | 'End';
  description: string;
  /** JSON Schema of `config`. */
  configSchema: JsonObject;
  /** Top-level config keys whose strings are JSONata expressions. */
  expressionFields: string[];
  /** A config a freshly dropped node starts with. */
  defaultConfig: JsonObject;
  /** Whether the node has an `in` port (every kind but trigger). */
  hasInput: boolean;
  /** Fixed out ports, before `error`. Switch's ports depend on its cases: see `outPortsOf`. */
  outPorts: string[];
}

/**
 * A workflow after `compileWorkflow`: the definition plus whatever the runner
 * precomputed (topological order, port tables, compiled expressions and schemas).
 * Treat as opaque outside the engine; it is not structured-cloneable, so the
 * worker keeps it and only definitions and results cross the boundary.
 */
export interface CompiledWorkflow {
  readonly definition: WorkflowDefinition;
  /** Node ids in a topological order. */
  readonly order: readonly string[];
}

export interface CompileOptions {
  /**
   * The workflow compiled from an earlier version of this definition. When the
   * new one differs only in one node (its config, label or position), and that
   * node has no problem, only it is compiled again; otherwise the whole
   * definition is compiled, and each node that is the earlier definition's
   * very object keeps what was compiled of it. Either way the result is the
   * same as a whole compile's. Unchanged parts are recognised by identity (the
   * same node, edge and top-level objects), so do not change a definition in
   * place between compiles.
   */
  previous?: CompiledWorkflow;
}

export type CompileResult =
  | { ok: true; workflow: CompiledWorkflow; errors: []; warnings: Diagnostic[] }
  | { ok: false; errors: Diagnostic[]; warnings: Diagnostic[] };

// ---------------------------------------------------------------------------
// The editor's preview protocol (engine/worker.ts <-> src/engine/client.ts).
// Replies are compact: per-node summaries for the canvas; a node's full input
// and output cross the boundary only when the editor asks for that node.

/** One node's result, compacted for the canvas. */
export interface NodeSummary {
  status: NodeStatus | 'timed-out';
  port?: string;
  /** One line of the node's output as JSON, cut to about 80 characters. */
  preview?: string;
  durationMs: number;
  error?: RunError;
  /** True when the result was taken from the previous preview run (RunOptions.previous). */
  reused?: boolean;
}

/** See DefinitionPatch.edgeSplice. */
export interface EdgeSplice {
  at: number;
  remove: number;
  insert: EdgeDefinition[];
}

/**
 * What changed in a definition since the copy the worker holds: typing in one
 * expression sends one node, not the document.
 */
export interface DefinitionPatch {
  /** Nodes added or changed (by object identity on the editor side), whole. */
  nodes: NodeDefinition[];
  /** Node ids in document order; present when nodes were added, removed or reordered. */
  order?: string[];
  /** The whole edge list, when it changed and `edgeSplice` would not say it in less. */
  edges?: EdgeDefinition[];
  /**
   * The edges that changed, when they are few: the held list with `remove`
   * edges at `at` replaced by `insert`, as `Array.prototype.splice` does. A
   * port renamed on a big graph sent its thousand edges with every keystroke.
   */
  edgeSplice?: EdgeSplice;
  /** Everything but `nodes` and `edges`, when any of it changed. */
  rest?: Omit<WorkflowDefinition, 'nodes' | 'edges'>;
}

export interface PreviewRequest {
  /** Increases with every request; replies carry it back so stale ones can be dropped. */
  generation: number;
  /**
   * The whole definition (a fresh worker, a new document). Omitted when the
   * worker already holds it; `patch` then says what changed, if anything.
   */
  definition?: WorkflowDefinition;
  patch?: DefinitionPatch;
  /**
   * The workflow input to run on. Omitted when it is the one the last request
   * to this worker carried (the worker keeps it; a fresh worker runs on null).
   */
  input?: Json;
  options: { decisions?: Record<string, ApprovalDecision> };
  /** Nodes whose full input/output should come back with the reply (the selection). */
  details?: string[];
  /**
   * The generation of the reply whose summaries the client holds (after
   * applying it). When that is the worker's last reply, the reply carries
   * only the summaries that changed since; omitted, or any other generation
   * (the worker keeps its last reply's summaries only), and it carries them all.
   */
  base?: number;
}

export interface PreviewReply {
  generation: number;
  /** True when the definition compiled (diagnostics may still hold warnings). */
  ok: boolean;
  diagnostics: Diagnostic[];
  /**
   * The run's status, error, duration and `output` (truncated); null when the
   * definition is invalid. Its `nodes` is empty: per-node results are `nodes`.
   */
  run: RunResult | null;
  /**
   * Per-node summaries: every node's, or, when `base` is set, only those that
   * changed (see `sameSummary` in engine/worker.ts) since the reply of that
   * generation; the others are the ones the client holds.
   */
  nodes: Record<string, NodeSummary>;
  /** Set when `nodes` is a delta: the generation of the reply it applies to (the request's `base`). */
  base?: number;
  /** With `base`: nodes that no longer exist, to drop from the held summaries. */
  removed?: string[];
  /** Whether the worker compiled the definition afresh for this request (false: cache hit). */
  recompiled: boolean;
  /** The details asked for in `PreviewRequest.details`, of this run (one message, one frame). */
  details?: NodeDetail[];
}

/** A node's input and output from one preview run; arrays over the limit are cut and marked. */
export interface NodeDetail {
  generation: number;
  nodeId: string;
  input?: Json;
  output?: Json;
  /** True when a value was cut: each cut array ends with a string `"… N more items"`. */
  truncated: boolean;
}
