// The expression fast path: compiles the common simple JSONata forms to plain
// synchronous closures, so a node like `$nodes.a + $nodes.b` costs a few
// property reads instead of a trip through jsonata's async interpreter (about
// 1 µs even for a trivial expression, some 100 times a closure).
//
// `compileFast` takes jsonata 2.2.2's AST (`jsonata(source).ast()`) and returns
// a closure only when every node of it is in the subset below; anything else
// gives `undefined` and the caller uses jsonata. The subset: literals; `$`, `$$`,
// `$input`, `$nodes`; paths of field names (over objects and arrays, with
// jsonata's mapping, flattening and singleton rules); `+ - * / %`, unary minus;
// `= != < <= > >=`; `and`, `or`; `&`; `in`; `? :`; parentheses; object and array
// constructors; the functions in functions.ts; filter stages (predicates and
// constant indexes); and `$map`, `$filter`, `$sort` and `$reduce` with
// signature-less lambdas. Wildcards, bindings, lambdas elsewhere and everything
// else stay with jsonata.
//
// Errors: where jsonata would raise an error (`"a" + 1`, `$sum("x")`), the
// closure returns FAST_FALLBACK instead of throwing. The caller must then run
// the same expression through jsonata, which raises the real error with its own
// code, message and position. Nothing here has side effects, so running it again
// is safe, and errors keep one source of truth.

import type { Json } from '../../types.ts';
import type { EvalScope } from '../api.ts';
import { type AstNode, asNode, hasOnly, isScalarLiteral } from './ast.ts';
import { FAST_FUNCTIONS } from './functions.ts';
import { type QuickEntry, compileQuick, finished } from './quick.ts';
import {
  type Value,
  FALLBACK,
  append,
  bail,
  boolize,
  contextValue,
  createSequence,
  isCons,
  isDeepEqual,
  isArrayOfNumbers,
  isFunctionLike,
  isNumeric,
  isSequence,
  lookup,
  normalize,
  singletonSequence,
  toBoolean,
  toJsonataString,
  wrapInput,
} from './semantics.ts';

/**
 * Returned by a FastEvaluator when jsonata must decide: the expression would
 * raise an error (or hit a case the fast path does not reproduce). Evaluate the
 * same expression with jsonata and use its result or its error.
 */
export const FAST_FALLBACK: unique symbol = Symbol('weft.fast.FAST_FALLBACK');

/**
 * Evaluates a compiled expression with `$` = input. `undefined` means JSONata
 * yields nothing. Arrays may carry jsonata's own sequence marks (non-index
 * properties), exactly as jsonata's result would; JSON.stringify and structured
 * clone drop them. Called as it is, it reads `$nodes` by the ids it was
 * compiled with; a compiled form shared by expressions of one shape must be
 * called through `specialize`, which takes the caller's ids.
 */
export type FastEvaluator = ((
  input: Json,
  scope: EvalScope,
  slots?: Int32Array,
) => Json | undefined | typeof FAST_FALLBACK) & {
  /**
   * False when no part of the expression reads its context (`$`, `$$`, a
   * relative path, an object constructor, which groups over an array context):
   * the value passed as `input` is then never looked at. Conservative: a
   * context read anywhere, even inside a filter or a lambda, counts.
   */
  readonly readsInput: boolean;
  /**
   * The evaluator for one binding of `$nodes` references (`slots`, see Env),
   * with what surrounds a fast evaluation folded into the same closure: on
   * FAST_FALLBACK, or on any unexpected throw, it returns `fallback(input,
   * scope)`; otherwise `finish(value)`. One call per evaluation instead of a
   * wrapper around the evaluator: a closure called through a wrapper made for
   * every expression is not inlined, and the extra call was a third of a
   * simple node's cost. `refs`: the ids of the caller's node references, in
   * the order of the reference list the evaluator was compiled for (the
   * compiled form names them only by index, so it can be shared).
   */
  readonly specialize: <R>(
    refs: readonly string[] | undefined,
    slots: Int32Array | undefined,
    fallback: (input: Json, scope: EvalScope) => R,
    finish: (value: Json | undefined) => R,
  ) => (input: Json, scope: EvalScope) => R;
};

interface Env {
  /** `$$`: the input as given, before jsonata wraps an array input. */
  readonly root: Value;
  readonly scope: EvalScope;
  /** The arguments of the lambdas being applied, innermost first. */
  readonly frame: Frame | undefined;
  /** Work left before this evaluation hands over to jsonata's guarded interpreter. */
  readonly budget: { left: number };
  /**
   * Where `$nodes.<id>` reads: `slots[i]` is the position in `scope.output` of
   * the i-th of the expression's node references. Undefined: read `scope.nodes` by id.
   */
  readonly slots: Int32Array | undefined;
  /**
   * The ids of the expression's node references, in the order `slots`
   * follows: an unbound read (no `slots`) looks them up in `scope.nodes`.
   */
  readonly refs: readonly string[] | undefined;
}

/**
 * The fast path has no step guard of its own, and filters, lambdas and
 * grouping re-run sub-expressions per item, so nesting them over large data
 * multiplies work (`a[$count($$.a[...]) > 0]`). Every loop over data spends
 * from this budget, jsonata's step limit in size; a runaway evaluation then
 * returns FAST_FALLBACK, and jsonata's guards stop it and report it.
 */
export const FAST_STEP_LIMIT = 1_000_000;

/** Wraps the running count of steps so it stays a small integer. */
export const STEP_COUNT_MASK = 0x3fffffff;

let stepsSpent = 0;

/**
 * Steps spent by every fast evaluation so far, as a running count modulo
 * 2^30 (so it stays a small integer: a count past V8's small-integer range
 * would be boxed, an allocation on every evaluation). The runner reads it
 * around a node to weigh how much work the node's evaluations did:
 * `(after - before) & STEP_COUNT_MASK`.
 */
export function fastStepsSpent(): number {
  return stepsSpent;
}

function spend(env: Env, steps: number): void {
  if ((env.budget.left -= steps) < 0) bail();
}

interface Frame {
  readonly values: readonly Value[];
  readonly parent: Frame | undefined;
}

/**
 * Parameter names of the lambdas around the node being compiled, outermost
 * first. Compiling is synchronous, so one stack serves: variables resolve to
 * a (depth, index) slot at compile time, as jsonata's frames would at run time.
 */
const lexical: string[][] = [];

/** The expression's `$nodes.<id>` references, in the order `slots` follows (set per compile). */
let references: readonly string[] | undefined;

/** Set while compiling when a closure that reads its context is built (see FastEvaluator). */
let readsContext = false;

function lexicalSlot(name: string): { depth: number; index: number } | undefined {
  for (let depth = 0; depth < lexical.length; depth++) {
    const index = (lexical[lexical.length - 1 - depth] as string[]).indexOf(name);
    if (index >= 0) return { depth, index };
  }
  return undefined;
}

type Closure = (ctx: Value, env: Env) => Value;

/**
 * Compiles a jsonata 2.2.2 AST to a closure, or returns `undefined` when the
 * expression is outside the fast subset. The closure returns FAST_FALLBACK
 * where jsonata must take over (see the file comment).
 */
export function compileFast(ast: unknown, nodeRefs?: readonly string[]): FastEvaluator | undefined {
  references = nodeRefs;
  readsContext = false;
  let body: Closure | undefined;
  try {
    body = compileNode(ast);
  } finally {
    references = undefined;
  }
  if (body === undefined) return undefined;
  const run = body;
  const readsInput = readsContext;
  const evaluate = evaluatorOf(run, nodeRefs);
  return Object.assign(evaluate, {
    readsInput,
    specialize: specializer(run, compileQuick(ast, nodeRefs ?? [])),
  });
}

/** The plain evaluator (FastEvaluator itself), reading `$nodes` by the ids it was compiled for. */
function evaluatorOf(
  run: Closure,
  refs: readonly string[] | undefined,
): (input: Json, scope: EvalScope, slots?: Int32Array) => Json | undefined | typeof FAST_FALLBACK {
  return (input, scope, slots) => {
    const env = takeEnv(input, scope, slots, refs);
    try {
      return run(wrapInput(input), env);
    } catch (error) {
      // RangeError: a call stack or argument list too big for this engine,
      // which jsonata meets in its own way.
      if (error === FALLBACK || error instanceof RangeError) return FAST_FALLBACK;
      throw error;
    } finally {
      releaseEnv(env);
    }
  };
}

/**
 * FastEvaluator.specialize for a compiled body, and its quick entry when the
 * expression has one (see quick.ts): tried first, the body runs when it
 * misses.
 */
function specializer(run: Closure, quick: QuickEntry | undefined): FastEvaluator['specialize'] {
  return <R>(
    refs: readonly string[] | undefined,
    slots: Int32Array | undefined,
    fallback: (input: Json, scope: EvalScope) => R,
    finish: (value: Json | undefined) => R,
  ) => {
    const evaluate = (input: Json, scope: EvalScope): R => {
      const env = takeEnv(input, scope, slots, refs);
      let value: Value;
      let fell = false;
      try {
        value = run(wrapInput(input), env);
      } catch {
        // FALLBACK, a RangeError (a stack or argument list too big for this
        // engine), or anything unexpected: jsonata decides.
        fell = true;
      } finally {
        releaseEnv(env);
      }
      return fell ? fallback(input, scope) : finished(value, finish);
    };
    return quick === undefined ? evaluate : quick(slots, evaluate, finish);
  };
}

/** The shared Env (see `idle`), set for one evaluation. */
function takeEnv(
  input: Json,
  scope: EvalScope,
  slots: Int32Array | undefined,
  refs: readonly string[] | undefined,
): MutableEnv {
  const env: MutableEnv = idle ?? freshEnv();
  idle = undefined;
  env.root = input;
  env.scope = scope;
  env.slots = slots;
  env.refs = refs;
  env.budget.left = FAST_STEP_LIMIT;
  return env;
}

/** Counts the evaluation's steps and hands its Env back, holding no data. */
function releaseEnv(env: MutableEnv): void {
  stepsSpent = (stepsSpent + FAST_STEP_LIMIT - env.budget.left) & STEP_COUNT_MASK;
  env.root = null;
  env.scope = EMPTY_SCOPE;
  env.slots = undefined;
  env.refs = undefined;
  idle = env;
}

function freshEnv(): MutableEnv {
  return {
    root: null,
    scope: EMPTY_SCOPE,
    frame: undefined,
    budget: { left: FAST_STEP_LIMIT },
    slots: undefined,
    refs: undefined,
  };
}

type MutableEnv = { -readonly [K in keyof Env]: Env[K] };

const EMPTY_SCOPE: EvalScope = Object.freeze({
  input: null,
  nodes: Object.freeze({}),
  now: 0,
  random: () => 0,
});

/**
 * The Env every evaluation takes, while no other holds it. An evaluation is
 * synchronous and does not call another evaluator, so the objects it needs
 * are made once instead of per call (the hot loop of a run), and shared by
 * every expression, so they stay in the processor's cache from one node to
 * the next; should a call ever re-enter, it gets fresh ones. Cleared after
 * each call, so it holds no data alive.
 */
let idle: MutableEnv | undefined = freshEnv();

function compileNode(value: unknown): Closure | undefined {
  const node = asNode(value);
  if (node === undefined) return undefined;
  if (node.predicate !== undefined) return compilePredicated(node);
  switch (node.type) {
    case 'string':
    case 'number':
    case 'value':
      return compileLiteral(node);
    case 'variable':
      return hasOnly(node, ['value']) ? compileVariable(node.value) : undefined;
    case 'path':
      return compilePath(node);
    case 'binary':
      return compileBinary(node);
    case 'unary':
      return compileUnary(node);
    case 'function':
      return compileCall(node);
    case 'condition':
      return compileCondition(node);
    case 'block':
      return compileBlock(node);
    default:
      return undefined;
  }
}

/**
 * `expr[...]` on an expression that is not a path step: evaluate() filters the
 * node's own result, then unwraps. The closures here return values already
 * unwrapped, which only differs when a result is a one-item sequence, so only
 * nodes whose own result is never a sequence take predicates here.
 */
function compilePredicated(node: AstNode): Closure | undefined {
  const { predicate, ...rest } = node;
  const filters = compileStages(predicate);
  if (filters === undefined) return undefined;
  const procedure = asNode(rest.procedure)?.value;
  const plainResult =
    rest.type === 'block' ||
    rest.type === 'condition' ||
    rest.type === 'binary' ||
    rest.type === 'string' ||
    rest.type === 'number' ||
    rest.type === 'value' ||
    (rest.type === 'unary' && rest.value !== '-') ||
    (rest.type === 'function' &&
      typeof procedure === 'string' &&
      procedure !== 'keys' &&
      procedure !== 'map' &&
      procedure !== 'filter');
  if (!plainResult) return undefined;
  const inner = compileNode(rest);
  if (inner === undefined) return undefined;
  return (ctx, env) => {
    let result: Value = inner(ctx, env);
    for (const filter of filters) result = applyFilter(filter, result, env);
    return normalize(result);
  };
}

function compileLiteral(node: AstNode): Closure | undefined {
  const literal = node.value;
  if (!hasOnly(node, ['value']) || !isScalarLiteral(literal)) return undefined;
  return () => literal;
}

function compileVariable(name: unknown): Closure | undefined {
  const slot = typeof name === 'string' ? lexicalSlot(name) : undefined;
  if (slot !== undefined) {
    const { depth, index } = slot;
    return (_ctx, env) => {
      let frame = env.frame as Frame;
      for (let d = 0; d < depth; d++) frame = frame.parent as Frame;
      return normalize(frame.values[index]);
    };
  }
  switch (name) {
    case '':
      readsContext = true;
      return (ctx) => normalize(contextValue(ctx));
    case '$':
      readsContext = true;
      return (_ctx, env) => normalize(env.root);
    case 'input':
      return (_ctx, env) => normalize(env.scope.input);
    case 'nodes':
      // Only as the head of `$nodes.<id>`, which compilePath reads through
      // compileNodesPath; the expression module refuses any other use.
      return (_ctx, env) => env.scope.nodes as Json;
    default:
      // Other variables are jsonata's functions or bindings Weft does not make.
      return undefined;
  }
}

// ---------------------------------------------------------------------------
// Paths

function compilePath(node: AstNode): Closure | undefined {
  if (!hasOnly(node, ['steps']) || !Array.isArray(node.steps) || node.steps.length === 0) {
    return undefined;
  }
  const steps = node.steps as unknown[];
  let head: Closure | undefined;
  // A first step that is an expression (`$sort(x)[0].sku`) maps over an array context; a variable does not.
  let headMaps = false;
  const names: string[] = [];
  const filters: (Filter[] | undefined)[] = [];
  for (let i = 0; i < steps.length; i++) {
    const step = asNode(steps[i]);
    if (step === undefined) return undefined;
    if (step.type === 'variable' && i === 0 && steps.length > 1 && hasOnly(step, ['value'])) {
      head = compileVariable(step.value);
      if (head === undefined) return undefined;
    } else if (
      step.type === 'name' &&
      typeof step.value === 'string' &&
      hasOnly(step, ['value', 'stages'])
    ) {
      names.push(step.value);
      if (step.stages === undefined) {
        filters.push(undefined);
      } else {
        const stageFilters = compileStages(step.stages);
        if (stageFilters === undefined) return undefined;
        filters.push(stageFilters);
      }
    } else if (
      i === 0 &&
      steps.length > 1 &&
      step.type !== 'name' &&
      step.type !== 'variable' &&
      step.type !== 'path' &&
      step.stages === undefined
    ) {
      head = compileNode(step);
      if (head === undefined) return undefined;
      headMaps = true;
    } else {
      return undefined;
    }
  }
  if (head === undefined || headMaps) readsContext = true;
  const first = asNode(steps[0]);
  if (first?.type === 'variable' && first.value === 'nodes' && names.length > 0) {
    return compileNodesPath(names, filters);
  }
  return compileSteps(head, headMaps, names, filters);
}

/**
 * `$nodes.<id>...`: the first step reads the node's output straight from the
 * run (through the expression's slots), without an object of every output.
 */
function compileNodesPath(
  names: readonly string[],
  filters: readonly (Filter[] | undefined)[],
): Closure | undefined {
  const id = names[0] as string;
  const ref = references === undefined ? -1 : references.indexOf(id);
  // Compiled for a known reference list, every reference must be on it.
  if (references !== undefined && ref < 0) return undefined;
  // Compiled for a reference list, the closure knows the node only by its
  // index in it (the id comes from Env.refs), so that expressions differing
  // only in the nodes they read can share one compiled form (see
  // `FastEvaluator.specialize`).
  const key = ref >= 0 ? ONE_KEY : id;
  const read = (env: Env): Value => {
    const nodes = env.scope.nodes;
    if (ref >= 0) {
      const slots = env.slots;
      if (slots !== undefined) return outputAt(env.scope, slots[ref] as number);
      const name = env.refs?.[ref];
      return name !== undefined && Object.prototype.hasOwnProperty.call(nodes, name)
        ? nodes[name]
        : undefined;
    }
    return Object.prototype.hasOwnProperty.call(nodes, id) ? nodes[id] : undefined;
  };
  // jsonata's algorithm, when it is needed, runs over a one-key `$nodes`.
  const oneKey: Closure = (_ctx, env) => {
    const nodes = Object.create(null) as Record<string, Value>;
    const value = read(env);
    if (value !== undefined) nodes[key] = value;
    return nodes as Json;
  };
  const general = generalPath(oneKey, false, [key, ...names.slice(1)], filters);
  if (filters[0] !== undefined) return general;
  if (names.length === 1 && ref >= 0) {
    // `$nodes.<id>` alone, the commonest form: one array read through the run.
    return (ctx, env) => {
      const slots = env.slots;
      if (slots === undefined) return general(ctx, env);
      const value = outputAt(env.scope, slots[ref] as number);
      return Array.isArray(value) && isSequence(value) ? general(ctx, env) : value;
    };
  }
  return compileSteps((_ctx, env) => read(env), false, names.slice(1), filters.slice(1), general);
}

/** The key of the one-key `$nodes` a path compiled for a reference list reads through. */
const ONE_KEY = 'node';

/** The output at run position k: an array read when the scope has the array (EvalScope.values). */
function outputAt(scope: EvalScope, k: number): Value {
  const values = scope.values;
  if (values !== undefined) {
    const value = values[k];
    if (value !== scope.pending) return value;
  }
  const output = scope.output;
  return output === undefined ? undefined : output(k);
}

/**
 * A path of an optional head and names: property reads while the values are
 * objects, jsonata's algorithm otherwise. `whole`, when given, evaluates the
 * same path as written (used when the fast reads meet an array).
 */
function compileSteps(
  head: Closure | undefined,
  headMaps: boolean,
  names: readonly string[],
  filters: readonly (Filter[] | undefined)[],
  whole?: Closure,
): Closure {
  const general = whole ?? generalPath(head, headMaps, names, filters);
  // Filters make a path a query over arrays: jsonata's algorithm throughout.
  if (headMaps || filters.some((f) => f !== undefined)) return general;
  const start = head;

  // Names Object.prototype also answers (`constructor`, `toString`, ...) need
  // the own-property test; for every other name a plain read of JSON data
  // (prototype Object.prototype or null) finds only own properties.
  const inherited = names.map((name) => name in Object.prototype);

  // The common case, objects all the way down, is a chain of property reads.
  // On meeting an array anywhere, start again with jsonata's full algorithm.
  // Reads come first: a missing field costs one read, and the two rarer tests
  // (own property, jsonata's function marks) only run on a hit. On the
  // megamorphic objects a workflow passes around, each read of a key an
  // object lacks costs tens of nanoseconds.
  return (ctx, env) => {
    let value = start === undefined ? ctx : start(ctx, env);
    for (let i = 0; i < names.length; i++) {
      if (value === null || typeof value !== 'object') return undefined;
      if (Array.isArray(value)) return general(ctx, env);
      const name = names[i] as string;
      const next: Value = value[name];
      if (next === undefined) return undefined;
      if (inherited[i] === true && !Object.prototype.hasOwnProperty.call(value, name)) {
        return undefined;
      }
      if (isFunctionLike(value)) return undefined;
      value = next;
    }
    // A JSON array at the end of the path is returned whole; a sequence is not.
    if (Array.isArray(value) && isSequence(value)) return general(ctx, env);
    return value;
  };
}

/** A `[...]` filter stage: a constant index, or a predicate per item. */
type Filter = { index: number } | { predicate: Closure };

function compileStages(value: unknown): Filter[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const result: Filter[] = [];
  for (const item of value as unknown[]) {
    const stage = asNode(item);
    // Other stage types (`#$i` index bindings) carry tuple streams: jsonata's.
    if (stage === undefined || stage.type !== 'filter' || !hasOnly(stage, ['expr'])) {
      return undefined;
    }
    const expr = asNode(stage.expr);
    if (expr?.type === 'number' && typeof expr.value === 'number' && hasOnly(expr, ['value'])) {
      result.push({ index: expr.value });
    } else {
      const predicate = compileNode(stage.expr);
      if (predicate === undefined) return undefined;
      result.push({ predicate });
    }
  }
  return result;
}

/** evaluateFilter: keep the items a predicate holds for, or the item at an index. */
function applyFilter(filter: Filter, input: Value, env: Env): Json[] {
  let results = createSequence();
  const items: Value[] = Array.isArray(input) ? input : singletonSequence(input);
  spend(env, items.length);
  if ('index' in filter) {
    let index = Math.floor(filter.index);
    if (index < 0) index = items.length + index;
    const item = items[index];
    if (item !== undefined) {
      if (Array.isArray(item)) results = item;
      else results.push(item);
    }
    return results;
  }
  for (let index = 0; index < items.length; index++) {
    const item = items[index];
    let res = filter.predicate(item, env);
    if (isNumeric(res)) res = [res];
    if (isArrayOfNumbers(res)) {
      // A number (or numbers) from the predicate selects by position.
      for (const n of res) {
        let at = Math.floor(n as number);
        if (at < 0) at = items.length + at;
        if (at === index) results.push(item as Json);
      }
    } else if (toBoolean(res)) {
      results.push(item as Json);
    }
  }
  return results;
}

/** evaluatePath and evaluateStep, for a path of an optional variable and then names. */
function generalPath(
  head: Closure | undefined,
  headMaps: boolean,
  names: readonly string[],
  filters: readonly (Filter[] | undefined)[],
): Closure {
  const stepCount = names.length + (head === undefined ? 0 : 1);
  return (ctx, env) => {
    let input: Json[] =
      (head === undefined || headMaps) && Array.isArray(ctx) ? ctx : singletonSequence(ctx);
    let result: Json[] = input;
    for (let i = 0; i < stepCount; i++) {
      const matches: Json[] = [];
      const at = head === undefined ? i : i - 1;
      const stepFilters = at >= 0 ? filters[at] : undefined;
      spend(env, input.length);
      for (const item of input) {
        if (Array.isArray(item)) spend(env, item.length);
        let res: Value =
          head !== undefined && i === 0
            ? head(item, env)
            : normalize(lookup(item, names[at] as string));
        if (stepFilters !== undefined) {
          for (const filter of stepFilters) res = applyFilter(filter, res, env);
        }
        if (res !== undefined) matches.push(res);
      }
      const only = matches[0];
      if (i === stepCount - 1 && matches.length === 1 && Array.isArray(only) && !isSequence(only)) {
        result = only;
      } else {
        result = createSequence();
        for (const res of matches) {
          if (!Array.isArray(res) || isCons(res)) {
            result.push(res);
          } else {
            for (const item of res) result.push(item);
          }
        }
      }
      if (result.length === 0) break;
      input = result;
    }
    return normalize(result);
  };
}

// ---------------------------------------------------------------------------
// Operators

function compileBinary(node: AstNode): Closure | undefined {
  if (!hasOnly(node, ['value', 'lhs', 'rhs'])) return undefined;
  const lhs = compileNode(node.lhs);
  const rhs = compileNode(node.rhs);
  if (lhs === undefined || rhs === undefined) return undefined;
  switch (node.value) {
    case '+':
      return (ctx, env) => {
        const l = lhs(ctx, env);
        const r = rhs(ctx, env);
        // x - x === 0 holds exactly for finite numbers: the hot path skips isNumeric.
        if (typeof l === 'number' && typeof r === 'number' && l - l === 0 && r - r === 0) {
          return l + r;
        }
        return arithmetic(l, r, (a, b) => a + b);
      };
    case '-':
      return (ctx, env) => arithmetic(lhs(ctx, env), rhs(ctx, env), (a, b) => a - b);
    case '*':
      return (ctx, env) => arithmetic(lhs(ctx, env), rhs(ctx, env), (a, b) => a * b);
    case '/':
      return (ctx, env) => arithmetic(lhs(ctx, env), rhs(ctx, env), (a, b) => a / b);
    case '%':
      return (ctx, env) => arithmetic(lhs(ctx, env), rhs(ctx, env), (a, b) => a % b);
    case '=':
      return (ctx, env) => equality(lhs(ctx, env), rhs(ctx, env));
    case '!=': {
      return (ctx, env) => {
        const l = lhs(ctx, env);
        const r = rhs(ctx, env);
        return l === undefined || r === undefined ? false : !isDeepEqual(l, r);
      };
    }
    case '<':
      return (ctx, env) => compare(lhs(ctx, env), rhs(ctx, env), (a, b) => a < b);
    case '<=':
      return (ctx, env) => compare(lhs(ctx, env), rhs(ctx, env), (a, b) => a <= b);
    case '>':
      return (ctx, env) => compare(lhs(ctx, env), rhs(ctx, env), (a, b) => a > b);
    case '>=':
      return (ctx, env) => compare(lhs(ctx, env), rhs(ctx, env), (a, b) => a >= b);
    case 'and':
      return (ctx, env) => boolize(lhs(ctx, env)) && boolize(rhs(ctx, env));
    case 'or':
      return (ctx, env) => boolize(lhs(ctx, env)) || boolize(rhs(ctx, env));
    case '&':
      return (ctx, env) =>
        (toJsonataString(lhs(ctx, env)) ?? '') + (toJsonataString(rhs(ctx, env)) ?? '');
    case 'in':
      return (ctx, env) => includes(lhs(ctx, env), rhs(ctx, env));
    default:
      return undefined;
  }
}

/** evaluateNumericExpression: non-numbers are T2001/T2002, undefined propagates. */
function arithmetic(l: Value, r: Value, op: (a: number, b: number) => number): Value {
  if (l !== undefined && !isNumeric(l)) bail();
  if (r !== undefined && !isNumeric(r)) bail();
  if (l === undefined || r === undefined) return undefined;
  return op(l, r);
}

/** evaluateEqualityExpression: an undefined side makes `=` false. */
function equality(l: Value, r: Value): boolean {
  return l === undefined || r === undefined ? false : isDeepEqual(l, r);
}

/** evaluateComparisonExpression: strings with strings, numbers with numbers. */
function compare(
  l: Value,
  r: Value,
  op: <T extends number | string>(a: T, b: T) => boolean,
): Value {
  const lt = typeof l;
  const rt = typeof r;
  const lok = lt === 'undefined' || lt === 'string' || lt === 'number';
  const rok = rt === 'undefined' || rt === 'string' || rt === 'number';
  if (!lok || !rok) bail(); // T2010
  if (l === undefined || r === undefined) return undefined;
  if (lt !== rt) bail(); // T2009
  return op(l as number | string, r as number | string);
}

/** evaluateIncludesExpression: strict equality against each item. */
function includes(l: Value, r: Value): boolean {
  if (l === undefined || r === undefined) return false;
  if (!Array.isArray(r)) return r === l;
  for (const item of r) {
    if (item === l) return true;
  }
  return false;
}

function compileUnary(node: AstNode): Closure | undefined {
  switch (node.value) {
    case '-': {
      if (!hasOnly(node, ['value', 'expression'])) return undefined;
      const operand = compileNode(node.expression);
      if (operand === undefined) return undefined;
      return (ctx, env) => {
        const v = operand(ctx, env);
        if (v === undefined) return undefined;
        if (isNumeric(v)) return -v;
        return bail(); // D1002
      };
    }
    case '[':
      return compileArray(node);
    case '{':
      return compileObject(node);
    default:
      return undefined;
  }
}

// ---------------------------------------------------------------------------
// Constructors

function compileArray(node: AstNode): Closure | undefined {
  if (!hasOnly(node, ['value', 'expressions']) || !Array.isArray(node.expressions)) {
    return undefined;
  }
  const items: { closure: Closure; nested: boolean }[] = [];
  for (const item of node.expressions as unknown[]) {
    const closure = compileNode(item);
    if (closure === undefined) return undefined;
    // jsonata keeps a value whole when its expression is itself `[...]`.
    items.push({ closure, nested: asNode(item)?.value === '[' });
  }
  return (ctx, env) => {
    const result: Json[] = [];
    for (const { closure, nested } of items) {
      const value = closure(ctx, env);
      if (value === undefined) continue;
      if (nested || !Array.isArray(value)) {
        result.push(value);
      } else {
        for (const v of value) result.push(v);
      }
    }
    return result;
  };
}

interface Pair {
  key: Closure;
  value: Closure;
  /** The key when it is a string literal. */
  literal: string | undefined;
}

function compileObject(node: AstNode): Closure | undefined {
  if (!hasOnly(node, ['value', 'lhs']) || !Array.isArray(node.lhs)) return undefined;
  const pairs: Pair[] = [];
  for (const entry of node.lhs as unknown[]) {
    if (!Array.isArray(entry) || entry.length !== 2) return undefined;
    const key = compileNode(entry[0]);
    const value = compileNode(entry[1]);
    if (key === undefined || value === undefined) return undefined;
    const keyNode = asNode(entry[0]);
    const literal =
      keyNode?.type === 'string' && typeof keyNode.value === 'string' ? keyNode.value : undefined;
    pairs.push({ key, value, literal });
  }
  // Over an array context an object constructor groups: it reads its context.
  readsContext = true;
  const general = generalObject(pairs);
  const literalKeys = pairs.map((pair) => pair.literal);
  const simple =
    literalKeys.every((key) => key !== undefined && !isReservedKey(key)) &&
    new Set(literalKeys).size === literalKeys.length;
  if (!simple) return general;

  // Literal, distinct keys over a single (non-array) context: no grouping to do.
  // A plain object orders its keys as jsonata's does (integer-like keys first).
  return (ctx, env) => {
    if (Array.isArray(ctx)) return general(ctx, env);
    const result: Record<string, Json> = {};
    for (const pair of pairs) {
      const value = pair.value(ctx, env);
      if (value !== undefined) result[pair.literal as string] = value;
    }
    return result;
  };
}

// `_jsonata_*` keys are jsonata error D1013; `__proto__` would set a plain
// object's prototype, so jsonata (which builds null-prototype objects) handles it.
function isReservedKey(key: string): boolean {
  return key === '_jsonata_lambda' || key === '_jsonata_function' || key === '__proto__';
}

/** evaluateGroupExpression: group the context's items by key, then evaluate each value. */
function generalObject(pairs: readonly Pair[]): Closure {
  return (ctx, env) => {
    // On an empty array, jsonata pushes `undefined` into it (mutating the
    // data it was given) and reads it back later: not reproduced, so jsonata's.
    if (Array.isArray(ctx) && ctx.length === 0) bail();
    const items: Value[] = Array.isArray(ctx) ? ctx : [ctx];
    const groups = Object.create(null) as Record<string, { data: Value; pair: Pair }>;
    spend(env, items.length * pairs.length);
    for (const item of items) {
      for (const pair of pairs) {
        const key = pair.key(item, env);
        if (key === undefined) continue;
        if (typeof key !== 'string' || isReservedKey(key)) bail(); // T1003, D1013
        const group = groups[key];
        if (group === undefined) {
          groups[key] = { data: item, pair };
        } else {
          if (group.pair !== pair) bail(); // D1009
          group.data = append(group.data, item);
        }
      }
    }
    const result: Record<string, Json> = {};
    for (const key of Object.keys(groups)) {
      const group = groups[key] as { data: Value; pair: Pair };
      const value = group.pair.value(group.data, env);
      if (value !== undefined) result[key] = value;
    }
    return result;
  };
}

// ---------------------------------------------------------------------------
// Functions, conditions, blocks

function compileCall(node: AstNode): Closure | undefined {
  // `name` is copied from the parser's token and never read by evaluateFunction.
  if (
    !hasOnly(node, ['value', 'name', 'arguments', 'procedure']) ||
    !Array.isArray(node.arguments)
  ) {
    return undefined;
  }
  const procedure = asNode(node.procedure);
  if (
    procedure === undefined ||
    procedure.type !== 'variable' ||
    !hasOnly(procedure, ['value']) ||
    typeof procedure.value !== 'string'
  ) {
    return undefined;
  }
  // A lambda parameter of the same name would be called instead of the built-in.
  if (lexicalSlot(procedure.value) !== undefined) return undefined;
  const argNodes = node.arguments as unknown[];
  const hof = HIGHER_ORDER.get(procedure.value);
  if (hof !== undefined) return hof(argNodes);
  const fn = FAST_FUNCTIONS.get(procedure.value);
  if (fn === undefined || argNodes.length < fn.minArgs || argNodes.length > fn.maxArgs) {
    return undefined;
  }
  const args: Closure[] = [];
  for (const argNode of argNodes) {
    const arg = compileNode(argNode);
    if (arg === undefined) return undefined;
    args.push(arg);
  }
  if (args.length === 1) {
    const only = args[0] as Closure;
    return (ctx, env) => {
      const value = only(ctx, env);
      // jsonata would pass such an object on as one of its own functions.
      if (isFunctionLike(value)) bail();
      return normalize(fn.call([value]));
    };
  }
  return (ctx, env) => {
    const values = args.map((arg) => arg(ctx, env));
    if (values.some(isFunctionLike)) bail();
    return normalize(fn.call(values));
  };
}

// ---------------------------------------------------------------------------
// Lambdas, as arguments of $map, $filter and $sort

interface Lambda {
  /** Number of declared parameters (jsonata's arity, which decides what $map passes). */
  arity: number;
  /** Applies the lambda: its body runs with `$` = the call site's context. */
  call(args: readonly Value[], ctx: Value, env: Env): Value;
}

/** A `function($a, $b) { body }` without a signature, or undefined. */
function compileLambda(value: unknown): Lambda | undefined {
  const node = asNode(value);
  if (
    node === undefined ||
    node.type !== 'lambda' ||
    !hasOnly(node, ['arguments', 'body', 'signature']) ||
    // A declared signature (`function($x)<n:n>`) validates and coerces arguments: jsonata's.
    node.signature !== undefined ||
    !Array.isArray(node.arguments)
  ) {
    return undefined;
  }
  const params: string[] = [];
  for (const arg of node.arguments as unknown[]) {
    const param = asNode(arg);
    if (
      param === undefined ||
      param.type !== 'variable' ||
      !hasOnly(param, ['value']) ||
      typeof param.value !== 'string' ||
      params.includes(param.value)
    ) {
      return undefined;
    }
    params.push(param.value);
  }
  const tail = tailCallOf(node.body);
  if (tail === null) return undefined;
  const bodyNode = tail ?? node.body;
  lexical.push(params);
  let body: Closure | undefined;
  try {
    body = compileNode(bodyNode);
  } finally {
    lexical.pop();
  }
  if (body === undefined) return undefined;
  const run = body;
  return {
    arity: params.length,
    call: (args, ctx, env) =>
      run(ctx, {
        root: env.root,
        scope: env.scope,
        frame: { values: args, parent: env.frame },
        budget: env.budget,
        slots: env.slots,
        refs: env.refs,
      }),
  };
}

/**
 * A body that is a function call is wrapped by the parser in a thunk, which
 * jsonata trampolines (tail calls). The value is the call's, except that it
 * skips evaluate()'s singleton unwrapping, so calls that can return a
 * sequence ($keys, $map, $filter, $sort) stay with jsonata: null. Not a thunk:
 * undefined.
 */
function tailCallOf(value: unknown): unknown {
  const node = asNode(value);
  if (node?.type !== 'lambda' || node.thunk !== true) return undefined;
  if (
    !hasOnly(node, ['thunk', 'arguments', 'body']) ||
    !Array.isArray(node.arguments) ||
    node.arguments.length !== 0
  ) {
    return null;
  }
  const call = asNode(node.body);
  const name = asNode(call?.procedure)?.value;
  if (call?.type !== 'function' || typeof name !== 'string') return null;
  if (name === 'keys' || HIGHER_ORDER.has(name)) return null;
  return node.body;
}

/** A higher-order function's first argument, after its `a` signature: undefined stays, a value becomes [value]. */
function arrayArgument(value: Value): Json[] | undefined {
  if (isFunctionLike(value)) bail();
  if (value === undefined) return undefined;
  return Array.isArray(value) ? value : [value];
}

/** hofFuncArgs: the item, then its index and the array if the lambda declares them. */
function itemArgs(lambda: Lambda, list: Json[], i: number): Value[] {
  const args: Value[] = [list[i]];
  if (lambda.arity >= 2) args.push(i);
  if (lambda.arity >= 3) args.push(list);
  return args;
}

function compileMapOrFilter(keep: 'result' | 'item'): (argNodes: unknown[]) => Closure | undefined {
  return (argNodes) => {
    if (argNodes.length !== 2) return undefined;
    const source = compileNode(argNodes[0]);
    const lambda = compileLambda(argNodes[1]);
    if (source === undefined || lambda === undefined) return undefined;
    return (ctx, env) => {
      const list = arrayArgument(source(ctx, env));
      if (list === undefined) return undefined;
      const result = createSequence();
      spend(env, list.length);
      for (let i = 0; i < list.length; i++) {
        const res = lambda.call(itemArgs(lambda, list, i), ctx, env);
        if (keep === 'result') {
          if (res !== undefined) result.push(res);
        } else if (toBoolean(res)) {
          result.push(list[i] as Json);
        }
      }
      return normalize(result);
    };
  };
}

/** fn.sort: jsonata's merge sort, swapping where the comparator returns a truthy JS value. */
function mergeSort(list: Json[], swap: (a: Json, b: Json) => boolean): Json[] {
  if (list.length <= 1) return list;
  const middle = Math.floor(list.length / 2);
  const left = mergeSort(list.slice(0, middle), swap);
  const right = mergeSort(list.slice(middle), swap);
  const merged: Json[] = [];
  let l = 0;
  let r = 0;
  while (l < left.length && r < right.length) {
    if (swap(left[l] as Json, right[r] as Json)) merged.push(right[r++] as Json);
    else merged.push(left[l++] as Json);
  }
  while (l < left.length) merged.push(left[l++] as Json);
  while (r < right.length) merged.push(right[r++] as Json);
  return merged;
}

function compileSort(argNodes: unknown[]): Closure | undefined {
  if (argNodes.length !== 1 && argNodes.length !== 2) return undefined;
  const source = compileNode(argNodes[0]);
  const lambda = argNodes.length === 2 ? compileLambda(argNodes[1]) : undefined;
  if (source === undefined || (argNodes.length === 2 && lambda === undefined)) return undefined;
  return (ctx, env) => {
    const list = arrayArgument(source(ctx, env));
    if (list === undefined) return undefined;
    if (list.length <= 1) return normalize(list);
    spend(env, list.length * Math.ceil(Math.log2(list.length)));
    if (lambda === undefined) {
      // Without a comparator: numbers or strings only (else D3070), ascending.
      if (!isArrayOfNumbers(list) && !list.every((item) => typeof item === 'string')) bail();
      return mergeSort(list, (a, b) => (a as number | string) > (b as number | string));
    }
    // jsonata tests the comparator's result with JavaScript truthiness, not $boolean.
    return mergeSort(list, (a, b) => Boolean(lambda.call([a, b], ctx, env)));
  };
}

/**
 * fn.foldLeft (`$reduce(array, function($acc, $v[, $i[, $a]]) {...}[, init])`):
 * without `init` the first item starts the fold. A lambda of fewer than two
 * parameters is error D3050, and an `init` jsonata would take for one of its
 * functions fails its `j` signature: both go to jsonata.
 */
function compileReduce(argNodes: unknown[]): Closure | undefined {
  if (argNodes.length !== 2 && argNodes.length !== 3) return undefined;
  const source = compileNode(argNodes[0]);
  const lambda = compileLambda(argNodes[1]);
  const start = argNodes.length === 3 ? compileNode(argNodes[2]) : undefined;
  if (source === undefined || lambda === undefined || lambda.arity < 2) return undefined;
  if (argNodes.length === 3 && start === undefined) return undefined;
  return (ctx, env) => {
    const list = arrayArgument(source(ctx, env));
    const init = start === undefined ? undefined : start(ctx, env);
    if (isFunctionLike(init)) bail();
    if (list === undefined) return undefined;
    spend(env, list.length);
    let result: Value;
    let index: number;
    if (init === undefined && list.length > 0) {
      result = list[0];
      index = 1;
    } else {
      result = init;
      index = 0;
    }
    for (; index < list.length; index++) {
      const args: Value[] = [result, list[index]];
      if (lambda.arity >= 3) args.push(index);
      if (lambda.arity >= 4) args.push(list);
      result = lambda.call(args, ctx, env);
    }
    return result;
  };
}

const HIGHER_ORDER: ReadonlyMap<string, (argNodes: unknown[]) => Closure | undefined> = new Map([
  ['map', compileMapOrFilter('result')],
  ['reduce', compileReduce],
  ['filter', compileMapOrFilter('item')],
  ['sort', compileSort],
]);

function compileCondition(node: AstNode): Closure | undefined {
  if (!hasOnly(node, ['condition', 'then', 'else'])) return undefined;
  const condition = compileNode(node.condition);
  const then = compileNode(node.then);
  if (condition === undefined || then === undefined) return undefined;
  if (node.else === undefined) {
    return (ctx, env) => (toBoolean(condition(ctx, env)) ? then(ctx, env) : undefined);
  }
  const otherwise = compileNode(node.else);
  if (otherwise === undefined) return undefined;
  return (ctx, env) => (toBoolean(condition(ctx, env)) ? then(ctx, env) : otherwise(ctx, env));
}

function compileBlock(node: AstNode): Closure | undefined {
  if (!hasOnly(node, ['expressions']) || !Array.isArray(node.expressions)) return undefined;
  const parts: Closure[] = [];
  for (const part of node.expressions as unknown[]) {
    const closure = compileNode(part);
    if (closure === undefined) return undefined;
    parts.push(closure);
  }
  if (parts.length === 1) return parts[0];
  return (ctx, env) => {
    let result: Value;
    for (const part of parts) result = part(ctx, env);
    return result;
  };
}
