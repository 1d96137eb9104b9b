// What one node kind provides: its declarative description (NodeKindInfo), how
// it prepares its config once per compile, and how it runs once per run.
// Adding a kind means one file exporting a NodeModule and one line in registry.ts.

import type { CompiledExpression, EvalScope } from '../expression/api.ts';
import type { CompiledSchema } from '../util/schema.ts';
import type {
  DiagnosticCode,
  Json,
  JsonObject,
  NodeKindInfo,
  RunError,
  RunOptions,
  RunResult,
} from '../types.ts';

/** What a node returns: its output, now or later. `undefined` is stored as `null`. */
export type NodeReturn = Json | undefined | PromiseLike<Json | undefined>;

/** An expression found in a config, with its JSON Pointer inside the config. */
export interface ExpressionSite {
  pointer: string;
  source: string;
}

/** What `prepare` may use: the node's config and what compile already built. */
export interface PrepareInput {
  readonly id: string;
  readonly config: JsonObject;
  /** The workflow's `input.schema`, compiled; undefined when there is none. */
  readonly inputSchema: CompiledSchema | undefined;
  /** The compiled expression at a config pointer; undefined when it failed to compile. */
  expression(pointer: string): CompiledExpression | undefined;
  /** Compiles a user schema (cached by content); reports failure under `code`. */
  schema(pointer: string, schema: Json, code: DiagnosticCode): CompiledSchema | undefined;
  /** Reports a problem in the config, beyond what its JSON Schema says. */
  report(pointer: string, code: DiagnosticCode, message: string): void;
}

/**
 * The run's view for the node being run. One object per run, reused node
 * after node (nodes run one at a time), so the hot loop allocates nothing for it.
 */
export interface NodeContext {
  /** The node being run. */
  readonly nodeId: string;
  readonly mode: 'preview' | 'live';
  readonly options: RunOptions;
  /** Index into the node's out ports (see `outPorts`) it emits on; reset to 0 per node. */
  port: number;
  /** Set by a node that waits for a person (approval in live mode). */
  waiting: boolean;
  /** Attempts made, for nodes that retry. */
  attempts: number;
  /** Message for the person deciding an approval. */
  message: string | undefined;
  /** The scope expressions of this node see (`$input`, `$nodes`, `$now`, `$random`). */
  scope(): EvalScope;
  /** Waits: on the virtual clock in preview (returns at once), for real in live mode. */
  wait(ms: number): void | Promise<void>;
  /** Runs another workflow by id, guarding against recursion. */
  runSubworkflow(id: string, input: Json): Promise<RunResult>;
}

export interface NodeModule<D = unknown> {
  readonly info: NodeKindInfo;
  /** Out ports for this config, before `error`. Default: `info.outPorts`. */
  outPorts?(config: JsonObject): string[];
  /** The expressions in a config. Default: `info.expressionFields` that hold strings. */
  expressions?(config: JsonObject): ExpressionSite[];
  /** Builds what `run` needs, once per compile; reports config problems. */
  prepare(input: PrepareInput): D;
  run(data: D, input: Json, context: NodeContext): NodeReturn;
  /**
   * False when `run` never looks at its input, so the runner may pass `null`
   * instead of building it (it still reports the real input). Default: true.
   */
  readsInput?(data: D): boolean;
  /**
   * True when `run` is only synchronous fast-path evaluations, so cheap that
   * reading the clock around it would cost as much as the node: the runner
   * then times such nodes in groups (see docs/architecture.md). Default: false.
   */
  light?(data: D): boolean;
  /**
   * The node's whole run as a function of its input and scope, for a kind
   * whose `run` is nothing more: it emits on its first out port (if any),
   * never waits, retries or sets a message, and reads nothing else of the
   * context. The runner then calls it straight from its loop, past `run` and
   * the context (see docs/architecture.md, "Run costs"). It must behave as
   * `run` does. Default: none.
   */
  direct?(data: D): DirectRun | undefined;
}

/** See NodeModule.direct. */
export type DirectRun = (input: Json, scope: EvalScope) => NodeReturn;

/** Whether every expression a node holds runs on the fast path (absent ones count as fast). */
export function allFast(expressions: readonly (CompiledExpression | undefined)[]): boolean {
  return expressions.every((expression) => expression === undefined || expression.fast);
}

/** A node's failure. The runner records `error` and routes it to the `error` port. */
export class NodeError extends Error {
  constructor(readonly error: RunError) {
    super(error.message);
    this.name = 'NodeError';
  }
}

/** Keeps each module's `D` while the registry stores them side by side. */
export function defineNode<D>(module: NodeModule<D>): NodeModule {
  return module as NodeModule;
}

/** Describes a value for a message, cut short. */
export function describe(value: Json | undefined): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value);
  return text.length > 60 ? text.slice(0, 57) + '...' : text;
}
