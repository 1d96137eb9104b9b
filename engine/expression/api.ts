// The contract between the expression module (engine/expression/) and the rest
// of the engine. The runner never touches jsonata directly: it compiles every
// expression field through `compileExpression` once per edit and calls
// `evaluate` once per run.

import type { Json, JsonObject } from '../types.ts';

/** What an expression sees besides `$` (the node's input). */
export interface EvalScope {
  /** `$input`: the workflow input. */
  input: Json;
  /**
   * `$nodes`: outputs of nodes upstream of this one, by id. Read when the
   * expression was not bound to a run (see `CompiledExpression.bind`).
   */
  nodes: Readonly<Record<string, Json>>;
  /**
   * The run's outputs by position: a bound expression reads `$nodes.<id>` as
   * `output(slots[i])`, `undefined` for a node that did not run. The runner
   * provides it, so `$nodes.<id>` is an array read, not a lookup by name in an
   * object of every node's output.
   */
  output?(position: number): Json | undefined;
  /**
   * The array `output` reads from, when the runner keeps one: `values[k]` is
   * the output at position k, unless it is `pending` (not built yet), when
   * `output(k)` builds it. A bound read is then an array access, not a call.
   */
  values?: readonly (Json | undefined)[];
  /**
   * The marker in `values` that means "call `output`" (see `values`). An
   * object, so that an operator the quick tier gives only scalars to refuses
   * it as it refuses any object.
   */
  pending?: JsonObject;
  /** `$now()` / `$millis()` return this fixed instant (ms since the epoch). */
  now: number;
  /** `$random()`: a seeded generator owned by the run. */
  random: () => number;
}

export interface ExpressionProblem {
  /** EXPRESSION_SYNTAX at compile time; EXPRESSION_UNSUPPORTED for 2.0.6/$eval; EXPRESSION_ERROR at run time; LIMIT_EXCEEDED for guards. */
  code: 'EXPRESSION_SYNTAX' | 'EXPRESSION_UNSUPPORTED' | 'EXPRESSION_ERROR' | 'LIMIT_EXCEEDED';
  message: string;
  /** 0-based character offset in the source, when known. */
  position?: number;
}

export interface CompiledExpression {
  readonly source: string;
  /** Node ids read through `$nodes.<id>` (static references only). */
  readonly nodeRefs: readonly string[];
  /**
   * Every `$nodes.<id>` occurrence in source order, with the 0-based offset of
   * its `$`, so a NODE_REFERENCE diagnostic can point at it. (Added after the
   * contract was agreed; optional so older code need not set it.)
   */
  readonly nodeRefSites?: readonly NodeRefSite[];
  /** True when a plain closure evaluates it (no jsonata interpreter on the hot path). */
  readonly fast: boolean;
  /**
   * False when evaluating never looks at `$` (the input): only `$nodes`,
   * `$input`, literals and the like. A caller may then pass any value as the
   * input (the runner passes `null` instead of building one). Conservative:
   * true unless the fast path proved it.
   */
  readonly readsInput: boolean;
  /**
   * Evaluates against `$` = input. Returns `undefined` when JSONata yields nothing.
   * Sync when the fast path handles the expression, else a Promise (jsonata 2.x is async).
   * Rejects/throws an `ExpressionFailure` on error; never returns a non-JSON value.
   * A plain function, not a method: it may be called detached (the runner does).
   */
  evaluate(input: Json, scope: EvalScope): Json | undefined | Promise<Json | undefined>;
  /**
   * The same expression reading `$nodes.<id>` from `scope.output`: `slots[i]`
   * is the position of `nodeRefs[i]` in the run. Made once per compile.
   */
  bind(slots: Int32Array): CompiledExpression;
}

export interface NodeRefSite {
  readonly node: string;
  readonly position: number;
}

export class ExpressionFailure extends Error {
  constructor(readonly problem: ExpressionProblem) {
    super(problem.message);
    this.name = 'ExpressionFailure';
  }
}

export type CompileExpressionResult =
  { ok: true; expression: CompiledExpression } | { ok: false; problem: ExpressionProblem };
