// The expression module: compiles JSONata source once per edit and evaluates it
// once per run. See api.ts for the contract the engine builds on.
//
// Compiling parses with jsonata 2.2 (what runs) and 2.0.6 (what AWS Step
// Functions accepts), walks the AST for `$nodes.<id>` references and refused
// constructs, and installs the step/depth/size guards. Simple expressions also
// get a synchronous closure from fast/ (no interpreter on the hot path).
// Results are cached by source text, so an edit recompiles only the
// expressions whose text changed.

import type jsonata from 'jsonata';
import type { Json } from '../types.ts';
import {
  ExpressionFailure,
  type CompileExpressionResult,
  type CompiledExpression,
  type EvalScope,
  type NodeRefSite,
  type ExpressionProblem,
} from './api.ts';
import { type FastEvaluator, compileFast } from './fast/index.ts';
import { LimitExceeded, LIMITS, fastPathIsBounded, installHooks, scopeBindings } from './guards.ts';
import { Re2RegexEngine, UnsupportedRegex } from './regex.ts';
import { NotJson, assertFastResult, toJson } from './result.ts';
import {
  analyseExpression,
  errorOffset,
  parseExpression,
  type JsonataErrorLike,
} from './syntax.ts';

export { ExpressionFailure } from './api.ts';
export type {
  CompileExpressionResult,
  CompiledExpression,
  EvalScope,
  ExpressionProblem,
  NodeRefSite,
} from './api.ts';
export { LIMITS as EXPRESSION_LIMITS } from './guards.ts';
export { STEP_COUNT_MASK, fastStepsSpent } from './fast/index.ts';
export { RESULT_LIMITS } from './result.ts';

/** Most compiled expressions kept; an editor session rarely has more live texts. */
export const EXPRESSION_CACHE_CAPACITY = 2_000;

/** A Map of at most EXPRESSION_CACHE_CAPACITY entries that drops the least recently used. */
class RecentlyUsed<V> extends Map<string, V> {
  /** The value for `key`, which becomes the most recently used; undefined when absent. */
  take(key: string): V | undefined {
    const hit = this.get(key);
    if (hit !== undefined) {
      // Re-insert so the Map's order is least-recently-used first.
      this.delete(key);
      this.set(key, hit);
    }
    return hit;
  }

  /** Adds `key`, dropping the least recently used entry when full. */
  keep(key: string, value: V): void {
    if (this.size >= EXPRESSION_CACHE_CAPACITY) {
      const oldest = this.keys().next();
      if (oldest.done !== true) this.delete(oldest.value);
    }
    this.set(key, value);
  }
}

const cache = new RecentlyUsed<CompileExpressionResult>();

/** How many compiled expressions (and compile failures) are cached. */
export function expressionCacheSize(): number {
  return cache.size;
}

/** Empties the compile cache (tests; memory pressure). */
export function clearExpressionCache(): void {
  cache.clear();
  shapes.clear();
}

/**
 * Fast-path closures by shape: the AST without positions, each `$nodes.<id>`
 * written as its index in the reference list. A fast-path closure names a
 * node only by that index (its id comes with the binding), so
 * `$nodes.a + $nodes.b` and `$nodes.c + $nodes.d` share one compiled form:
 * less to compile, less memory, and a run of same-shaped nodes keeps one set
 * of closures hot in the processor's cache instead of one per node. `null`
 * records a shape the fast path declined.
 */
const shapes = new RecentlyUsed<FastEvaluator | null>();

/** The fast-path evaluator for an AST, shared with every expression of the same shape. */
function fastForShape(ast: unknown, nodeRefs: readonly string[]): FastEvaluator | undefined {
  // Without references the shape is the source: the source cache covers it.
  const key = nodeRefs.length === 0 ? undefined : shapeKey(ast, nodeRefs);
  if (key === undefined) return compileFastOrNot(ast, nodeRefs);
  const hit = shapes.take(key);
  if (hit !== undefined) return hit ?? undefined;
  const fast = compileFastOrNot(ast, nodeRefs);
  shapes.keep(key, fast ?? null);
  return fast;
}

/**
 * See `shapes`: the AST written out, positions left out and each reference
 * written as its index. Every value is written so that two ASTs share a key
 * only when they are the same tree (undefined, -0 and non-finite numbers
 * included); members an object inherits are written too (jsonata's tokens
 * inherit from its symbol table, and the compiler may read them). Anything
 * that is not plain data (a regex, a function, an array with marks besides
 * its items, nesting past 200 levels) gives no key: the expression is then
 * compiled alone. A walk, not `JSON.stringify` with a replacer: this runs on
 * every compile that misses the cache (an edit in the editor).
 */
function shapeKey(ast: unknown, nodeRefs: readonly string[]): string | undefined {
  const out: string[] = [];
  return writeShape(ast, nodeRefs, out, 0, undefined) ? out.join('') : undefined;
}

function writeShape(
  value: unknown,
  nodeRefs: readonly string[],
  out: string[],
  depth: number,
  /** Written instead of the object's own `value` (a `$nodes` step's id). */
  valueInstead: string | undefined,
): boolean {
  switch (typeof value) {
    case 'string':
      out.push(JSON.stringify(value));
      return true;
    case 'number':
      out.push(Object.is(value, -0) ? '-0' : String(value));
      return true;
    case 'boolean':
      out.push(value ? 'T' : 'F');
      return true;
    case 'undefined':
      out.push('U');
      return true;
    case 'object':
      break;
    default:
      return false;
  }
  if (value === null) {
    out.push('N');
    return true;
  }
  if (depth > 200) return false;
  if (Array.isArray(value)) {
    let members = 0;
    for (const _ in value) members++;
    if (members !== value.length) return false;
    out.push('[');
    for (const item of value as unknown[]) {
      if (!writeShape(item, nodeRefs, out, depth + 1, undefined)) return false;
      out.push(',');
    }
    out.push(']');
    return true;
  }
  const proto = Object.getPrototypeOf(value) as object | null;
  if (
    proto !== null &&
    proto !== Object.prototype &&
    !(Object.hasOwn(proto, 'id') && Object.hasOwn(proto, 'lbp'))
  ) {
    return false;
  }
  const ref = nodesStepRef(value, nodeRefs);
  const record = value as Record<string, unknown>;
  out.push('{');
  for (const key in record) {
    const member = record[key];
    if (key === 'position' || typeof member === 'function') continue;
    out.push(JSON.stringify(key), ':');
    if (key === 'value' && valueInstead !== undefined) {
      out.push(valueInstead);
    } else if (key === 'steps' && ref !== undefined) {
      // `$nodes.<id>...`: the id (the second step's value) as its index.
      const steps = member as unknown[];
      out.push('[');
      for (let i = 0; i < steps.length; i++) {
        const instead = i === 1 ? ref : undefined;
        if (!writeShape(steps[i], nodeRefs, out, depth + 1, instead)) return false;
        out.push(',');
      }
      out.push(']');
    } else if (!writeShape(member, nodeRefs, out, depth + 1, undefined)) {
      return false;
    }
    out.push(',');
  }
  out.push('}');
  return true;
}

/** For a path `$nodes.<id>...` whose id is a reference: the index, as the shape writes it. */
function nodesStepRef(value: unknown, nodeRefs: readonly string[]): string | undefined {
  const node = value as { type?: unknown; steps?: unknown };
  if (node.type !== 'path' || !Array.isArray(node.steps) || node.steps.length < 2) return undefined;
  const [first, second] = node.steps as { type?: unknown; value?: unknown }[];
  if (first?.type !== 'variable' || first.value !== 'nodes' || second?.type !== 'name') {
    return undefined;
  }
  const index = typeof second.value === 'string' ? nodeRefs.indexOf(second.value) : -1;
  return index < 0 ? undefined : `#${index}`;
}

/**
 * Compiles an expression, or returns the cached result for the same text.
 * Never throws: problems come back as `{ ok: false, problem }`.
 */
export function compileExpression(source: string): CompileExpressionResult {
  const hit = cache.take(source);
  if (hit !== undefined) return hit;
  const result = compileUncached(source);
  cache.keep(source, result);
  return result;
}

const PARSE_OPTIONS: jsonata.JsonataOptions = {
  RegexEngine: Re2RegexEngine as unknown as RegExpConstructor,
  sequence: LIMITS.sequenceLength,
};

function compileUncached(source: string): CompileExpressionResult {
  const parsedResult = parseExpression(source, PARSE_OPTIONS);
  if (!parsedResult.ok) return parsedResult;
  const { parsed } = parsedResult;
  const ast = parsed.ast();
  const analysis = analyseExpression(source, ast);
  if (!analysis.ok) return analysis;
  const nodeRefs: readonly string[] = Object.freeze(analysis.nodeRefs);
  const nodeRefSites = Object.freeze(analysis.nodeRefSites);

  installHooks(parsed);
  const fast = fastPathIsBounded(ast) ? fastForShape(ast, nodeRefs) : undefined;
  // The fast path needs jsonata only where it falls back (an error, mostly):
  // it parses the text again then, and keeps nothing of this parse. A parsed
  // expression holds about 15 KiB, most of it the parser's own symbol table
  // that every node of its AST inherits from.
  let interpreter: jsonata.Expression | undefined = fast === undefined ? parsed : undefined;
  const interpreterOf = (): jsonata.Expression => {
    if (interpreter === undefined) {
      const again = parseExpression(source, PARSE_OPTIONS);
      if (!again.ok) throw new Error(`"${source}" parsed once but not twice`);
      interpreter = again.parsed;
      installHooks(interpreter);
    }
    return interpreter;
  };
  const interpret = async (
    input: Json,
    scope: EvalScope,
    slots?: Int32Array,
  ): Promise<Json | undefined> => {
    try {
      const bindings = await scopeBindings(
        slots === undefined ? scope : { ...scope, nodes: boundNodes(nodeRefs, slots, scope) },
      );
      // jsonata pushes into an empty array it is given as `$` when an object
      // constructor runs over it: the caller's input, a node's output. A copy
      // of the top level keeps them as they were.
      const context = Array.isArray(input) ? input.slice() : input;
      return toJson(await interpreterOf().evaluate(context, bindings));
    } catch (err) {
      throw toFailure(source, err);
    }
  };

  if (fast === undefined) {
    const evaluateWith: EvaluateWith = (slots) => (input, scope) => interpret(input, scope, slots);
    return {
      ok: true,
      expression: expressionOf(source, nodeRefs, nodeRefSites, false, true, evaluateWith),
    };
  }

  // The fast path answers synchronously. Where jsonata would raise an error it
  // returns FAST_FALLBACK, and jsonata (the one source of truth for errors)
  // runs the same text; an unexpected throw takes the same route. The result
  // check and the fallback are folded into the fast evaluator's own closure.
  const finish = (value: Json | undefined): Json | undefined => {
    try {
      return assertFastResult(value);
    } catch (err) {
      throw toFailure(source, err);
    }
  };
  const evaluateWith: EvaluateWith = (slots) =>
    fast.specialize<Json | undefined | Promise<Json | undefined>>(
      nodeRefs,
      slots,
      (input, scope) => interpret(input, scope, slots),
      finish,
    );
  return {
    ok: true,
    expression: expressionOf(source, nodeRefs, nodeRefSites, true, fast.readsInput, evaluateWith),
  };
}

/** Makes `evaluate` for a binding (`undefined`: `$nodes` read by id from the scope). */
type EvaluateWith = (slots: Int32Array | undefined) => CompiledExpression['evaluate'];

function expressionOf(
  source: string,
  nodeRefs: readonly string[],
  nodeRefSites: readonly NodeRefSite[],
  fast: boolean,
  readsInput: boolean,
  evaluateWith: EvaluateWith,
): CompiledExpression {
  const unbound: CompiledExpression = {
    source,
    nodeRefs,
    nodeRefSites,
    fast,
    readsInput,
    evaluate: evaluateWith(undefined),
    // Its own closure per binding rather than a wrapper: one call less per evaluation.
    bind: (slots) =>
      nodeRefs.length === 0 ? unbound : { ...unbound, evaluate: evaluateWith(slots) },
  };
  return unbound;
}

/** `$nodes` for jsonata's interpreter: the expression's own references, read from the run. */
function boundNodes(
  nodeRefs: readonly string[],
  slots: Int32Array,
  scope: EvalScope,
): Record<string, Json> {
  const nodes = Object.create(null) as Record<string, Json>;
  const output = scope.output;
  if (output === undefined) return nodes;
  for (let i = 0; i < nodeRefs.length; i++) {
    const value = output(slots[i] as number);
    if (value !== undefined) nodes[nodeRefs[i] as string] = value;
  }
  return nodes;
}

/** The fast path is an optimisation: if its compiler fails, the interpreter runs the text. */
function compileFastOrNot(
  ast: unknown,
  nodeRefs: readonly string[],
): ReturnType<typeof compileFast> {
  try {
    return compileFast(ast, nodeRefs);
  } catch {
    return undefined;
  }
}

/** jsonata's own guard codes: recursion, timeout, range and sequence size. */
const JSONATA_LIMIT_CODES = new Set(['D1011', 'D1012', 'D2014', 'D2015']);

/** Maps anything thrown while evaluating to an ExpressionFailure with a readable message. */
function toFailure(source: string, err: unknown): ExpressionFailure {
  if (err instanceof ExpressionFailure) return err;
  if (err instanceof LimitExceeded) {
    return failure('LIMIT_EXCEEDED', `Limit exceeded: ${err.message}`);
  }
  if (err instanceof NotJson || err instanceof UnsupportedRegex) {
    return failure('EXPRESSION_ERROR', err.message, source, err);
  }
  if (err instanceof RangeError) {
    // A stack overflow in native code (deeply nested data), or V8 refusing a
    // string or array that large.
    return failure(
      'LIMIT_EXCEEDED',
      /call stack/i.test(err.message)
        ? 'Limit exceeded: the expression or its data is nested too deeply to evaluate'
        : `Limit exceeded: the expression built a value too large to hold (${err.message})`,
    );
  }
  const e: JsonataErrorLike =
    typeof err === 'object' && err !== null ? (err as JsonataErrorLike) : { message: String(err) };
  const message =
    typeof e.message === 'string' && e.message.length > 0 ? e.message : 'the expression failed';
  if (typeof e.code === 'string' && JSONATA_LIMIT_CODES.has(e.code)) {
    return failure('LIMIT_EXCEEDED', `Limit exceeded: ${message}`, source, e);
  }
  return failure('EXPRESSION_ERROR', message, source, e);
}

function failure(
  code: ExpressionProblem['code'],
  message: string,
  source?: string,
  err?: JsonataErrorLike,
): ExpressionFailure {
  const problem: ExpressionProblem = { code, message };
  if (source !== undefined && err !== undefined) {
    const position = errorOffset(source, err);
    if (position !== undefined) problem.position = position;
  }
  return new ExpressionFailure(problem);
}
