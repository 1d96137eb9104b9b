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

import type { Json } from '../../types.ts';
import type { EvalScope } from '../api.ts';
import { type AstNode, asNode, hasOnly, isScalarLiteral } from './ast.ts';
import { type Value, isFunctionLike } from './semantics.ts';

/** Returned by a Quick closure when a value is off its happy path: run the fast path. */
export const MISS: unique symbol = Symbol('weft.fast.MISS');

type Result = Value | typeof MISS;

/**
 * Evaluates an expression on its happy path, `$` = input (as given, not
 * wrapped), `$nodes` read through `slots` from `scope.values`; MISS when any
 * value is off it.
 */
export type Quick = (input: Json, scope: EvalScope, slots: Int32Array | undefined) => Result;

// How an operator reads an operand (see `read`).
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
 * The quick closure for an expression's AST, or undefined when it is outside
 * the quick subset, or too deep for the compiler's recursion (the quick tier
 * is an optimisation on top of the fast path: without it, the fast path runs).
 */
export function compileQuick(ast: unknown, nodeRefs: readonly string[]): Quick | undefined {
  references = nodeRefs;
  try {
    const operand = operandOf(ast);
    if (operand === undefined) return undefined;
    if (operand.kind === CLOSURE) return operand.closure;
    const { kind, constant, slot } = operand;
    return (_input, scope, slots) => read(kind, constant, slot, undefined, _input, scope, slots);
  } catch {
    return undefined;
  } finally {
    references = [];
  }
}

/**
 * An operand's value as stored: for a slot, a pending marker, an array or
 * undefined included. An operator that takes only numbers, strings or
 * booleans reads its operands with this alone, since its type check turns
 * each of those into MISS anyway; the others use `read`. Small and
 * monomorphic, so the optimizing compiler inlines it into each operator's
 * closure.
 */
function readScalar(
  kind: number,
  constant: Value,
  slot: number,
  closure: Quick | undefined,
  input: Json,
  scope: EvalScope,
  slots: Int32Array | undefined,
): unknown {
  if (kind === SLOT) {
    const values = scope.values;
    return values === undefined || slots === undefined ? MISS : values[slots[slot] as number];
  }
  if (kind === CONSTANT) return constant;
  return (closure as Quick)(input, scope, slots);
}

/** An operand's value, or MISS for a slot's value off the happy path. */
function read(
  kind: number,
  constant: Value,
  slot: number,
  closure: Quick | undefined,
  input: Json,
  scope: EvalScope,
  slots: Int32Array | undefined,
): Result {
  const value = readScalar(kind, constant, slot, closure, input, scope, slots);
  // Not run, not built yet (`pending`), or an array (jsonata's sequence rules).
  return kind === SLOT && (value === undefined || value === scope.pending || Array.isArray(value))
    ? MISS
    : (value as Result);
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
    case 'binary':
      return closureOperand(compileBinary(node));
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
    let value = read(kind, constant, slot, closure, input, scope, slots);
    for (let i = 0; i < names.length; i++) {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) return MISS;
      if (isFunctionLike(value)) return MISS;
      value = value[names[i] as string];
    }
    return value === undefined || Array.isArray(value) ? MISS : value;
  };
}

function compileBinary(node: AstNode): Quick | undefined {
  if (!hasOnly(node, ['value', 'lhs', 'rhs'])) return undefined;
  const lhs = operandOf(node.lhs);
  const rhs = operandOf(node.rhs);
  if (lhs === undefined || rhs === undefined) return undefined;
  const { kind: lk, constant: lc, slot: ls, closure: lf } = lhs;
  const { kind: rk, constant: rc, slot: rs, closure: rf } = rhs;
  // Each operator reads its operands itself (`read` or `readScalar`,
  // inlined), and its happy path is written out: finite numbers for
  // arithmetic, two numbers or two strings for an order, two non-object
  // values for an equality.
  switch (node.value) {
    case '+':
    case '-':
    case '*':
    case '/':
    case '%': {
      const op = node.value;
      return (input, scope, slots) => {
        const l = readScalar(lk, lc, ls, lf, input, scope, slots);
        if (typeof l !== 'number' || l - l !== 0) return MISS;
        const r = readScalar(rk, rc, rs, rf, input, scope, slots);
        if (typeof r !== 'number' || r - r !== 0) return MISS;
        return op === '+'
          ? l + r
          : op === '-'
            ? l - r
            : op === '*'
              ? l * r
              : op === '/'
                ? l / r
                : l % r;
      };
    }
    case '<':
    case '<=':
    case '>':
    case '>=': {
      const op = node.value;
      return (input, scope, slots) => {
        const l = readScalar(lk, lc, ls, lf, input, scope, slots);
        const r = readScalar(rk, rc, rs, rf, input, scope, slots);
        if (!(
          (typeof l === 'number' && typeof r === 'number') ||
          (typeof l === 'string' && typeof r === 'string')
        )) {
          return MISS;
        }
        return op === '<' ? l < r : op === '<=' ? l <= r : op === '>' ? l > r : l >= r;
      };
    }
    case '=':
    case '!=': {
      const equal = node.value === '=';
      return (input, scope, slots) => {
        const l = read(lk, lc, ls, lf, input, scope, slots);
        const r = read(rk, rc, rs, rf, input, scope, slots);
        if (
          l === MISS ||
          r === MISS ||
          (typeof l === 'object' && l !== null) ||
          (typeof r === 'object' && r !== null)
        ) {
          return MISS;
        }
        return (l === r) === equal;
      };
    }
    case 'and':
      return (input, scope, slots) => {
        const l = readScalar(lk, lc, ls, lf, input, scope, slots);
        if (typeof l !== 'boolean') return MISS;
        if (!l) return false;
        const r = readScalar(rk, rc, rs, rf, input, scope, slots);
        return typeof r === 'boolean' ? r : MISS;
      };
    case 'or':
      return (input, scope, slots) => {
        const l = readScalar(lk, lc, ls, lf, input, scope, slots);
        if (typeof l !== 'boolean') return MISS;
        if (l) return true;
        const r = readScalar(rk, rc, rs, rf, input, scope, slots);
        return typeof r === 'boolean' ? r : MISS;
      };
    case '&':
      return (input, scope, slots) => {
        const l = readScalar(lk, lc, ls, lf, input, scope, slots);
        const r = readScalar(rk, rc, rs, rf, input, scope, slots);
        return typeof l === 'string' && typeof r === 'string' ? l + r : MISS;
      };
    default:
      return undefined;
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
      const value = read(kind, constant, slot, closure, input, scope, slots);
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
    const condition = read(kind, constant, slot, closure, input, scope, slots);
    if (typeof condition !== 'boolean') return MISS;
    const branch = condition ? then : otherwise;
    return read(branch.kind, branch.constant, branch.slot, branch.closure, input, scope, slots);
  };
}
