// The quick tier of the fast path: for the simplest expressions (literals,
// `$nodes.<id>`, `$input` and field paths over objects, arithmetic,
// comparisons, `and`/`or`, `&`, `? :` and object constructors with literal
// keys), a closure that evaluates only the happy path, where every value is
// what the operation expects: numbers for arithmetic, booleans for a
// condition, objects along a path. It needs no Env, no step budget (nothing
// here loops over data, so its cost is bounded by the expression's size) and
// no jsonata semantics for arrays, sequences or errors: at the first value off
// the happy path it returns MISS, and the fast path's closure evaluates the
// expression from the start (nothing here has side effects). So it can never
// give another answer than the fast path; it only answers sooner.
//
// Leaves are read in place: an operator whose operands are literals or
// `$nodes.<id>` reads them itself instead of calling a closure per operand
// (closure calls there are megamorphic, and were most of a simple node's
// evaluation cost).
//
// The top of the expression is fused with the evaluation's entry
// (`QuickEntry`): one closure per binding of the `$nodes` references reads the
// top operator's operands, combines them and hands a miss to the fast path,
// with each `$nodes` operand read at the position the binding gives.

import type { Json } from '../../types.ts';
import type { EvalScope } from '../api.ts';
import { type AstNode, asNode, hasOnly, isScalarLiteral } from './ast.ts';
import { type Value, isFunctionLike } from './semantics.ts';

/** Returned inside the quick tier when a value is off its happy path: run the fast path. */
export const MISS: unique symbol = Symbol('weft.fast.MISS');

type Result = Value | typeof MISS;

/**
 * Evaluates a sub-expression on its happy path, `$` = input (as given, not
 * wrapped), `$nodes` read through `slots` from `scope.values`; MISS when any
 * value is off it.
 */
type Quick = (input: Json, scope: EvalScope, slots: Int32Array | undefined) => Result;

/**
 * An expression's quick tier as the entry of its evaluation, made for one
 * binding of its `$nodes` references (`slots`, as FastEvaluator.specialize
 * takes them). The evaluation it returns answers on the happy path, passing a
 * value other than a finite number, a boolean or null through `finish`, and
 * hands every other input to `miss` (the fast path, then jsonata), which
 * evaluates the expression from the start. The top operator reads and
 * combines its operands in that one closure, a `$nodes` operand at the
 * position the binding gives: on dag-500 this was a fifth of a run, against
 * an entry that called the operator's closure and looked up the slot.
 */
export type QuickEntry = <R>(
  slots: Int32Array | undefined,
  miss: (input: Json, scope: EvalScope) => R,
  finish: (value: Json | undefined) => R,
) => (input: Json, scope: EvalScope) => R;

// How an operator reads an operand (see `readAt`).
const CONSTANT = 0;
const SLOT = 1;
const CLOSURE = 2;

interface Operand {
  readonly kind: number;
  readonly constant: Value;
  /** For SLOT: the index of the reference in the expression's reference list. */
  readonly slot: number;
  readonly closure: Quick | undefined;
}

/** The expression's `$nodes.<id>` references, in the order `slots` follows (set per compile). */
let references: readonly string[] = [];

/**
 * The quick entry for an expression's AST, or undefined when it is outside
 * the quick subset, or too deep for the compiler's recursion (the quick tier
 * is an optimisation on top of the fast path: without it, the fast path runs).
 */
export function compileQuick(ast: unknown, nodeRefs: readonly string[]): QuickEntry | undefined {
  references = nodeRefs;
  try {
    const node = asNode(ast);
    if (node?.type === 'binary') {
      // Outside the quick subset, it is outside as an operand too.
      const binary = binaryOf(node);
      return binary === undefined ? undefined : binaryEntry(binary, nodeRefs.length > 0);
    }
    const operand = operandOf(ast);
    return operand === undefined ? undefined : operandEntry(operand, nodeRefs.length > 0);
  } catch {
    return undefined;
  } finally {
    references = [];
  }
}

/**
 * Where a top operand reads: for a slot, its position in `scope.values` under
 * the binding (an entry with slot operands is made only for a binding).
 */
function positionOf(operand: Operand, slots: Int32Array | undefined): number {
  return operand.kind === SLOT ? ((slots as Int32Array)[operand.slot] as number) : -1;
}

/**
 * An operand's value as stored, for a slot the value at position `at` of
 * `scope.values`: a pending marker, an array or undefined included. An
 * operator that takes only numbers, strings or booleans reads its operands
 * with this alone, since its type check turns each of those into MISS anyway
 * (so does equality, which refuses objects and undefined); the others check
 * the value (`checked`). Small and monomorphic, so the optimizing compiler
 * inlines it into each operator's closure. A sub-expression too deep for the
 * stack throws; an entry hands that evaluation to the fast path, which meets
 * the depth its own way.
 */
function readAt(
  kind: number,
  constant: Value,
  at: number,
  closure: Quick | undefined,
  input: Json,
  scope: EvalScope,
  slots: Int32Array | undefined,
): unknown {
  if (kind === SLOT) {
    const values = scope.values;
    return values === undefined || at < 0 ? MISS : values[at];
  }
  if (kind === CONSTANT) return constant;
  return (closure as Quick)(input, scope, slots);
}

/** An operand's value, MISS for a slot's value off the happy path: not run, not built yet (`pending`), or an array (jsonata's sequence rules). */
function checked(kind: number, value: unknown, scope: EvalScope): Result {
  return kind === SLOT && (value === undefined || value === scope.pending || Array.isArray(value))
    ? MISS
    : (value as Result);
}

/** A value an evaluation returned: a finite number, a boolean or null needs no check (`finish`). */
export function finished<R>(value: Value, finish: (value: Json | undefined) => R): R {
  const plain =
    typeof value === 'number' ? value - value === 0 : typeof value === 'boolean' || value === null;
  return plain ? (value as R) : finish(value as Json | undefined);
}

function binaryEntry(binary: Binary, bound: boolean): QuickEntry {
  const { op, combine, lhs, rhs } = binary;
  const { kind: lk, constant: lc, closure: lf } = lhs;
  const { kind: rk, constant: rc, closure: rf } = rhs;
  return <R>(
    slots: Int32Array | undefined,
    miss: (input: Json, scope: EvalScope) => R,
    finish: (value: Json | undefined) => R,
  ) => {
    // Unbound, `$nodes` is read by id: the fast path does that.
    if (bound && slots === undefined) return miss;
    const la = positionOf(lhs, slots);
    const ra = positionOf(rhs, slots);
    if (lk !== CLOSURE && rk !== CLOSURE) {
      // Literals and `$nodes.<id>` only: nothing here can throw.
      return (input: Json, scope: EvalScope): R => {
        const values = scope.values;
        const value = combine(
          op,
          lk === SLOT ? (values === undefined ? undefined : values[la]) : lc,
          rk === SLOT ? (values === undefined ? undefined : values[ra]) : rc,
        );
        return value === MISS ? miss(input, scope) : finished(value, finish);
      };
    }
    return (input: Json, scope: EvalScope): R => {
      let value: Result;
      try {
        value = combine(
          op,
          readAt(lk, lc, la, lf, input, scope, slots),
          readAt(rk, rc, ra, rf, input, scope, slots),
        );
      } catch {
        value = MISS;
      }
      return value === MISS ? miss(input, scope) : finished(value, finish);
    };
  };
}

function operandEntry(operand: Operand, bound: boolean): QuickEntry {
  const { kind, constant, closure } = operand;
  return <R>(
    slots: Int32Array | undefined,
    miss: (input: Json, scope: EvalScope) => R,
    finish: (value: Json | undefined) => R,
  ) => {
    if (bound && slots === undefined) return miss;
    const at = positionOf(operand, slots);
    return (input: Json, scope: EvalScope): R => {
      let value: Result;
      try {
        value = checked(kind, readAt(kind, constant, at, closure, input, scope, slots), scope);
      } catch {
        value = MISS;
      }
      return value === MISS ? miss(input, scope) : finished(value, finish);
    };
  };
}

/** `readAt` inside an expression, where a slot is found through the binding's `slots`. */
function readScalar(
  kind: number,
  constant: Value,
  slot: number,
  closure: Quick | undefined,
  input: Json,
  scope: EvalScope,
  slots: Int32Array | undefined,
): unknown {
  const at = kind === SLOT && slots !== undefined ? (slots[slot] as number) : -1;
  return readAt(kind, constant, at, closure, input, scope, slots);
}

function operandOf(value: unknown): Operand | undefined {
  const node = asNode(value);
  if (node === undefined) return undefined;
  switch (node.type) {
    case 'string':
    case 'number':
    case 'value': {
      const literal = node.value;
      if (!hasOnly(node, ['value']) || !isScalarLiteral(literal)) return undefined;
      return { kind: CONSTANT, constant: literal, slot: -1, closure: undefined };
    }
    case 'block': {
      // `( e )`: one expression in parentheses.
      if (!hasOnly(node, ['expressions']) || !Array.isArray(node.expressions)) return undefined;
      return node.expressions.length === 1 ? operandOf(node.expressions[0]) : undefined;
    }
    case 'path': {
      const slot = nodesReference(node);
      if (slot !== undefined) return { kind: SLOT, constant: undefined, slot, closure: undefined };
      return closureOperand(compilePath(node));
    }
    case 'binary': {
      const binary = binaryOf(node);
      return binary === undefined ? undefined : closureOperand(binaryClosure(binary));
    }
    case 'unary':
      return closureOperand(
        node.value === '-'
          ? compileNegation(node)
          : node.value === '{'
            ? compileObject(node)
            : undefined,
      );
    case 'condition':
      return closureOperand(compileCondition(node));
    default:
      return undefined;
  }
}

function closureOperand(closure: Quick | undefined): Operand | undefined {
  return closure === undefined
    ? undefined
    : { kind: CLOSURE, constant: undefined, slot: -1, closure };
}

/** A name step with nothing but its name. */
function plainName(value: unknown): string | undefined {
  const step = asNode(value);
  return step?.type === 'name' && typeof step.value === 'string' && hasOnly(step, ['value'])
    ? step.value
    : undefined;
}

function isVariable(value: unknown, name: string): boolean {
  const step = asNode(value);
  return step?.type === 'variable' && step.value === name && hasOnly(step, ['value']);
}

/** For a path that is exactly `$nodes.<id>`: the reference's index. */
function nodesReference(node: AstNode): number | undefined {
  if (!hasOnly(node, ['steps']) || !Array.isArray(node.steps) || node.steps.length !== 2) {
    return undefined;
  }
  if (!isVariable(node.steps[0], 'nodes')) return undefined;
  const id = plainName(node.steps[1]);
  const index = id === undefined ? -1 : references.indexOf(id);
  return index < 0 ? undefined : index;
}

/**
 * A path of field names over objects, from `$` (a relative path), `$input` or
 * `$nodes.<id>`. Off the happy path: an array anywhere (jsonata maps over
 * it), a missing field, a name only Object.prototype answers, an object
 * carrying jsonata's function marks.
 */
function compilePath(node: AstNode): Quick | undefined {
  if (!hasOnly(node, ['steps']) || !Array.isArray(node.steps) || node.steps.length === 0) {
    return undefined;
  }
  const steps = node.steps as unknown[];
  let head: Operand;
  let first = 0;
  if (isVariable(steps[0], 'nodes')) {
    const id = plainName(steps[1]);
    const index = id === undefined ? -1 : references.indexOf(id);
    if (index < 0) return undefined;
    head = { kind: SLOT, constant: undefined, slot: index, closure: undefined };
    first = 2;
  } else if (isVariable(steps[0], 'input') && steps.length > 1) {
    head = {
      kind: CLOSURE,
      constant: undefined,
      slot: -1,
      closure: (_input, scope) => scope.input,
    };
    first = 1;
  } else {
    head = { kind: CLOSURE, constant: undefined, slot: -1, closure: (input) => input };
  }
  const names: string[] = [];
  for (let i = first; i < steps.length; i++) {
    const name = plainName(steps[i]);
    // `__proto__` and the like: names a plain read would find on the prototype.
    if (name === undefined || name in Object.prototype) return undefined;
    names.push(name);
  }
  const { kind, constant, slot, closure } = head;
  return (input, scope, slots) => {
    let value = checked(
      kind,
      readScalar(kind, constant, slot, closure, input, scope, slots),
      scope,
    );
    for (let i = 0; i < names.length; i++) {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) return MISS;
      if (isFunctionLike(value)) return MISS;
      value = value[names[i] as string];
    }
    return value === undefined || Array.isArray(value) ? MISS : value;
  };
}

/**
 * How a binary operator combines its operands' values, MISS off its happy
 * path: finite numbers for arithmetic, two numbers or two strings for an
 * order, two non-object values for an equality, booleans for `and` and `or`,
 * strings for `&`. Both operands are read first (they have no side effects),
 * so `and` and `or` look at the right one only when the left one is a boolean
 * that does not decide, as jsonata does.
 */
type Combine = (op: string, l: unknown, r: unknown) => Result;

interface Binary {
  readonly op: string;
  readonly combine: Combine;
  readonly lhs: Operand;
  readonly rhs: Operand;
}

function arithmetic(op: string, l: unknown, r: unknown): Result {
  if (typeof l !== 'number' || l - l !== 0 || typeof r !== 'number' || r - r !== 0) return MISS;
  return op === '+' ? l + r : op === '-' ? l - r : op === '*' ? l * r : op === '/' ? l / r : l % r;
}

function order(op: string, l: unknown, r: unknown): Result {
  if (!(
    (typeof l === 'number' && typeof r === 'number') ||
    (typeof l === 'string' && typeof r === 'string')
  )) {
    return MISS;
  }
  return op === '<' ? l < r : op === '<=' ? l <= r : op === '>' ? l > r : l >= r;
}

function equality(op: string, l: unknown, r: unknown): Result {
  if (
    l === MISS ||
    r === MISS ||
    l === undefined ||
    r === undefined ||
    (typeof l === 'object' && l !== null) ||
    (typeof r === 'object' && r !== null)
  ) {
    return MISS;
  }
  return (l === r) === (op === '=');
}

function logic(op: string, l: unknown, r: unknown): Result {
  if (typeof l !== 'boolean') return MISS;
  // `false and x` is false, `true or x` true, whatever x is.
  if (l === (op === 'or')) return l;
  return typeof r === 'boolean' ? r : MISS;
}

function concatenation(_op: string, l: unknown, r: unknown): Result {
  return typeof l === 'string' && typeof r === 'string' ? l + r : MISS;
}

const COMBINES: Readonly<Record<string, Combine>> = {
  '+': arithmetic,
  '-': arithmetic,
  '*': arithmetic,
  '/': arithmetic,
  '%': arithmetic,
  '<': order,
  '<=': order,
  '>': order,
  '>=': order,
  '=': equality,
  '!=': equality,
  and: logic,
  or: logic,
  '&': concatenation,
};

function binaryOf(node: AstNode): Binary | undefined {
  if (!hasOnly(node, ['value', 'lhs', 'rhs']) || typeof node.value !== 'string') return undefined;
  const op = node.value;
  const combine = Object.hasOwn(COMBINES, op) ? COMBINES[op] : undefined;
  if (combine === undefined) return undefined;
  const lhs = operandOf(node.lhs);
  const rhs = operandOf(node.rhs);
  if (lhs === undefined || rhs === undefined) return undefined;
  return { op, combine, lhs, rhs };
}

/**
 * A binary operator inside an expression. Each family has a closure of its
 * own that calls its combine directly, written out five times on purpose:
 * one shared closure calling whichever combine it was given made chain-20
 * about 15% slower (its call sites see every family, and the optimizing
 * compiler stops inlining them).
 */
function binaryClosure({ op, combine, lhs, rhs }: Binary): Quick {
  const { kind: lk, constant: lc, slot: ls, closure: lf } = lhs;
  const { kind: rk, constant: rc, slot: rs, closure: rf } = rhs;
  switch (combine) {
    case arithmetic:
      return (input, scope, slots) =>
        arithmetic(
          op,
          readScalar(lk, lc, ls, lf, input, scope, slots),
          readScalar(rk, rc, rs, rf, input, scope, slots),
        );
    case order:
      return (input, scope, slots) =>
        order(
          op,
          readScalar(lk, lc, ls, lf, input, scope, slots),
          readScalar(rk, rc, rs, rf, input, scope, slots),
        );
    case equality:
      return (input, scope, slots) =>
        equality(
          op,
          readScalar(lk, lc, ls, lf, input, scope, slots),
          readScalar(rk, rc, rs, rf, input, scope, slots),
        );
    case logic:
      return (input, scope, slots) =>
        logic(
          op,
          readScalar(lk, lc, ls, lf, input, scope, slots),
          readScalar(rk, rc, rs, rf, input, scope, slots),
        );
    default:
      return (input, scope, slots) =>
        concatenation(
          op,
          readScalar(lk, lc, ls, lf, input, scope, slots),
          readScalar(rk, rc, rs, rf, input, scope, slots),
        );
  }
}

function compileNegation(node: AstNode): Quick | undefined {
  if (!hasOnly(node, ['value', 'expression'])) return undefined;
  const operand = operandOf(node.expression);
  if (operand === undefined) return undefined;
  const { kind, constant, slot, closure } = operand;
  return (input, scope, slots) => {
    const v = readScalar(kind, constant, slot, closure, input, scope, slots);
    return typeof v === 'number' && v - v === 0 ? -v : MISS;
  };
}

/** `{ "key": value, ... }` with distinct literal keys, over a context that is not an array. */
function compileObject(node: AstNode): Quick | undefined {
  if (!hasOnly(node, ['value', 'lhs']) || !Array.isArray(node.lhs)) return undefined;
  const keys: string[] = [];
  const values: Operand[] = [];
  for (const entry of node.lhs as unknown[]) {
    if (!Array.isArray(entry) || entry.length !== 2) return undefined;
    const key = asNode(entry[0]);
    if (key?.type !== 'string' || typeof key.value !== 'string' || !hasOnly(key, ['value'])) {
      return undefined;
    }
    const name = key.value;
    if (keys.includes(name) || name === '__proto__' || name.startsWith('_jsonata_'))
      return undefined;
    const value = operandOf(entry[1]);
    if (value === undefined) return undefined;
    keys.push(name);
    values.push(value);
  }
  return (input, scope, slots) => {
    // Over an array, an object constructor groups.
    if (Array.isArray(input)) return MISS;
    const result: Record<string, Json> = {};
    for (let i = 0; i < keys.length; i++) {
      const { kind, constant, slot, closure } = values[i] as Operand;
      const value = checked(
        kind,
        readScalar(kind, constant, slot, closure, input, scope, slots),
        scope,
      );
      if (value === MISS) return MISS;
      result[keys[i] as string] = value as Json;
    }
    return result;
  };
}

function compileCondition(node: AstNode): Quick | undefined {
  if (!hasOnly(node, ['condition', 'then', 'else']) || node.else === undefined) return undefined;
  const test = operandOf(node.condition);
  const then = operandOf(node.then);
  const otherwise = operandOf(node.else);
  if (test === undefined || then === undefined || otherwise === undefined) return undefined;
  const { kind, constant, slot, closure } = test;
  return (input, scope, slots) => {
    const condition = checked(
      kind,
      readScalar(kind, constant, slot, closure, input, scope, slots),
      scope,
    );
    if (typeof condition !== 'boolean') return MISS;
    const branch = condition ? then : otherwise;
    const { kind: bk, constant: bc, slot: bs, closure: bf } = branch;
    return checked(bk, readScalar(bk, bc, bs, bf, input, scope, slots), scope);
  };
}
