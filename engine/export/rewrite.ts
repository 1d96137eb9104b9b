// Rewrites a Weft expression into one that Step Functions can evaluate.
//
// In Weft an expression's context (`$`, bare field names) is the node's input,
// `$input` is the workflow input and `$nodes.<id>` an upstream node's output.
// In a JSONata-mode state machine the context is not bound: the state's input
// is `$states.input` and other values travel in variables. So the rewrite
//   - prefixes context references at the expression's top level with
//     `$states.input` (`amount > 1` -> `$states.input.amount > 1`, `$` ->
//     `$states.input`); references inside predicates, later path steps, sort
//     terms and the like keep their own context and are left alone;
//   - turns `$nodes.<id>` into the variable `$n_<id>` (see `nodeVariable`);
//   - leaves `$input` alone: the start state assigns the variable `input`.
// Edits are made on the source text at positions taken from jsonata's AST, so
// string literals, regexes and comments are never touched by a pattern match.
// The result is flattened to one line (the `{% ... %}` form asks for that).

import jsonata from 'jsonata';

export interface RewriteOk {
  ok: true;
  /** One-line JSONata text, without the `{% %}` delimiters. */
  text: string;
  /** Node ids read through `$nodes.<id>`. */
  nodeRefs: string[];
}

export interface RewriteFailure {
  ok: false;
  message: string;
  position?: number;
}

export type RewriteResult = RewriteOk | RewriteFailure;

/** The ASL variable that holds node `id`'s output. */
export function nodeVariable(id: string): string {
  return `n_${id}`;
}

/** What the state's input is called in the rewritten text. */
const INPUT_REF = '$states.input';

type AstNode = { type: string; value?: unknown; position?: number } & Record<string, unknown>;

interface Edit {
  start: number;
  end: number;
  text: string;
}

class Unsupported extends Error {
  constructor(
    message: string,
    readonly position?: number,
  ) {
    super(message);
  }
}

function isNode(value: unknown): value is AstNode {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    typeof (value as { type?: unknown }).type === 'string'
  );
}

// Keys under which a child is evaluated against a different context than its
// parent's (each item of a path step, a group, a transform target).
const NEW_CONTEXT_KEYS = new Set([
  'stages',
  'predicate',
  'group',
  'terms',
  'pattern',
  'update',
  'delete',
]);

/** Start offset of a quoted token ('…' or "…") that ends at `end`. */
function quotedStart(source: string, end: number): number {
  const quote = source[end - 1];
  for (let i = end - 2; i >= 0; i--) {
    if (source[i] !== quote) continue;
    let backslashes = 0;
    while (source[i - 1 - backslashes] === '\\') backslashes++;
    if (backslashes % 2 === 0) return i;
  }
  throw new Unsupported('could not locate a quoted name in the expression', end);
}

/** The source range of a name token: plain, `backticked` or "quoted". */
function nameRange(source: string, node: AstNode): [number, number] {
  const end = node.position ?? -1;
  const value = String(node.value);
  const last = source[end - 1];
  let start: number;
  if (last === '`') start = end - value.length - 2;
  else if (last === '"' || last === "'") start = quotedStart(source, end);
  else start = end - value.length;
  if (start < 0 || (last !== '"' && last !== "'" && !source.slice(start, end).includes(value))) {
    throw new Unsupported(`could not locate the name "${value}" in the expression`, end);
  }
  return [start, end];
}

function variableRange(source: string, node: AstNode): [number, number] {
  const end = node.position ?? -1;
  const start = end - String(node.value).length - 1;
  if (start < 0 || source.slice(start, end) !== `$${String(node.value)}`) {
    throw new Unsupported(`could not locate the variable $${String(node.value)}`, end);
  }
  return [start, end];
}

function tokenRange(source: string, node: AstNode, text: string): [number, number] {
  const end = node.position ?? -1;
  const start = end - text.length;
  if (start < 0 || source.slice(start, end) !== text) {
    throw new Unsupported(`could not locate "${text}" in the expression`, end);
  }
  return [start, end];
}

class Rewriter {
  readonly edits: Edit[] = [];
  readonly nodeRefs = new Set<string>();

  constructor(readonly source: string) {}

  visit(value: unknown, top: boolean): void {
    if (Array.isArray(value)) {
      for (const item of value) this.visit(item, top);
      return;
    }
    if (!isNode(value)) {
      // Object constructors hold [key, value] pairs; sort terms hold plain objects.
      if (typeof value === 'object' && value !== null) {
        for (const child of Object.values(value)) this.visit(child, top);
      }
      return;
    }
    switch (value.type) {
      case 'path':
        this.path(value, top);
        return;
      case 'variable':
        this.variable(value, top);
        this.children(value, top);
        return;
      case 'name':
      case 'wildcard':
      case 'descendant':
        // A bare step outside a path only happens as a path's step, handled there.
        this.children(value, top);
        return;
      case 'parent':
        throw new Unsupported('the parent operator % cannot be exported', value.position);
      default:
        this.children(value, top);
    }
  }

  /** Visits a node's children, each against the context its key implies. */
  private children(node: AstNode, top: boolean): void {
    for (const [key, child] of Object.entries(node)) {
      if (key === 'type' || key === 'value' || key === 'position' || key === 'steps') continue;
      this.visit(child, NEW_CONTEXT_KEYS.has(key) ? false : top);
    }
  }

  private variable(node: AstNode, top: boolean): void {
    const name = String(node.value);
    if (name === '$') {
      // `$$` is the root input, which at every level is the node's input.
      const [start, end] = tokenRange(this.source, node, '$$');
      this.edits.push({ start, end, text: INPUT_REF });
    } else if (name === '' && top) {
      const [start, end] = variableRange(this.source, node);
      this.edits.push({ start, end, text: INPUT_REF });
    } else if (name === 'nodes') {
      throw new Unsupported(
        '$nodes can only be exported as $nodes.<id> (a fixed node id)',
        node.position,
      );
    } else if (name === 'states') {
      throw new Unsupported('$states is reserved by Step Functions', node.position);
    }
  }

  private path(node: AstNode, top: boolean): void {
    const steps = (node.steps as unknown[]).filter(isNode);
    const first = steps[0];
    let rest = 1;
    if (first && first.type === 'variable' && first.value === 'nodes') {
      const second = steps[1];
      if (!second || second.type !== 'name' || hasStages(first)) {
        throw new Unsupported(
          '$nodes can only be exported as $nodes.<id> (a fixed node id)',
          first.position,
        );
      }
      const id = String(second.value);
      const [start] = variableRange(this.source, first);
      const [, end] = nameRange(this.source, second);
      this.edits.push({ start, end, text: `$${nodeVariable(id)}` });
      this.nodeRefs.add(id);
      this.children(second, false);
      rest = 2;
    } else if (first && top && first.type === 'name') {
      const [start, end] = nameRange(this.source, first);
      this.edits.push({ start, end, text: `${INPUT_REF}.${this.source.slice(start, end)}` });
      this.children(first, top);
    } else if (first && top && first.type === 'wildcard') {
      const [start, end] = tokenRange(this.source, first, '*');
      this.edits.push({ start, end, text: `${INPUT_REF}.*` });
      this.children(first, top);
    } else if (first && top && first.type === 'descendant') {
      const [start, end] = tokenRange(this.source, first, '**');
      this.edits.push({ start, end, text: `${INPUT_REF}.**` });
      this.children(first, top);
    } else if (first) {
      this.visit(first, top);
    }
    for (const step of steps.slice(rest)) this.visit(step, false);
    this.children(node, top);
  }
}

function hasStages(node: AstNode): boolean {
  return Array.isArray(node.stages) && node.stages.length > 0;
}

/** Source ranges of string literals, quoted names and regexes: text never to touch. */
function literalRanges(source: string, ast: unknown): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) {
      for (const item of value) walk(item);
      return;
    }
    if (typeof value !== 'object' || value === null) return;
    if (isNode(value) && typeof value.position === 'number') {
      const end = value.position;
      const last = source[end - 1];
      if ((value.type === 'string' || value.type === 'name') && (last === '"' || last === "'")) {
        ranges.push([quotedStart(source, end), end]);
      } else if (value.type === 'name' && last === '`') {
        ranges.push([end - String(value.value).length - 2, end]);
      } else if (value.type === 'regex') {
        ranges.push(regexRange(source, end));
      }
    }
    if (value instanceof RegExp) return;
    for (const child of Object.values(value)) walk(child);
  };
  walk(ast);
  return ranges.sort((a, b) => a[0] - b[0]);
}

/** The range of a regex literal ending (after its flags) at `end`, found as jsonata's lexer would scan it. */
function regexRange(source: string, end: number): [number, number] {
  let close = end - 1;
  while (close >= 0 && /[a-z]/i.test(source[close] ?? '')) close--;
  for (let open = close - 1; open >= 0; open--) {
    if (source[open] === '/' && scanRegexClose(source, open + 1) === close) return [open, end];
  }
  throw new Unsupported('could not locate a regex in the expression', end);
}

function scanRegexClose(source: string, from: number): number {
  let depth = 0;
  for (let i = from; i < source.length; i++) {
    const c = source[i];
    if (c === '/' && depth === 0) {
      let backslashes = 0;
      while (source[i - 1 - backslashes] === '\\') backslashes++;
      if (backslashes % 2 === 0) return i;
    }
    if ((c === '(' || c === '[' || c === '{') && source[i - 1] !== '\\') depth++;
    if ((c === ')' || c === ']' || c === '}') && source[i - 1] !== '\\') depth--;
  }
  return -1;
}

const LINE_BREAK = /[\n\r\u2028\u2029]/;

/**
 * Edits that put the expression on one line: comments become a space, line
 * breaks outside literals a space, and a string literal holding a raw line
 * break is re-written with escapes.
 */
function flattenEdits(source: string, ast: unknown): Edit[] {
  if (!LINE_BREAK.test(source) && !source.includes('/*')) return [];
  const literals = literalRanges(source, ast);
  const edits: Edit[] = [];
  let next = 0;
  let i = 0;
  while (i < source.length) {
    const literal = literals[next];
    if (literal && i === literal[0]) {
      const raw = source.slice(literal[0], literal[1]);
      if (LINE_BREAK.test(raw)) {
        if (raw[0] !== '"' && raw[0] !== "'") {
          throw new Unsupported('a name or regex that spans lines cannot be exported', i);
        }
        edits.push({ start: literal[0], end: literal[1], text: escapeLineBreaks(raw) });
      }
      i = literal[1];
      next++;
      continue;
    }
    if (literal && i > literal[0]) {
      next++;
      continue;
    }
    if (source.startsWith('/*', i)) {
      const close = source.indexOf('*/', i + 2);
      const end = close < 0 ? source.length : close + 2;
      edits.push({ start: i, end, text: ' ' });
      i = end;
      continue;
    }
    if (LINE_BREAK.test(source[i] ?? '')) edits.push({ start: i, end: i + 1, text: ' ' });
    i++;
  }
  return edits;
}

function escapeLineBreaks(raw: string): string {
  return raw
    .replace(/\r/g, '\\r')
    .replace(/\n/g, '\\n')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

function applyEdits(source: string, edits: Edit[]): string {
  const sorted = [...edits].sort((a, b) => b.start - a.start);
  let text = source;
  let limit = Infinity;
  for (const edit of sorted) {
    if (edit.end > limit) throw new Unsupported('overlapping rewrites', edit.start);
    text = text.slice(0, edit.start) + edit.text + text.slice(edit.end);
    limit = edit.start;
  }
  return text;
}

/** Rewrites one expression (see the module comment). Never throws. */
export function rewriteExpression(source: string): RewriteResult {
  let ast: unknown;
  try {
    ast = jsonata(source).ast();
  } catch (err) {
    const e = err as { message?: string; position?: number };
    return {
      ok: false,
      message: `does not parse: ${e.message ?? String(err)}`,
      ...(typeof e.position === 'number' ? { position: e.position } : {}),
    };
  }
  try {
    const rewriter = new Rewriter(source);
    rewriter.visit(ast, true);
    const edits = [...rewriter.edits, ...flattenEdits(source, ast)];
    const text = applyEdits(source, edits).trim();
    return { ok: true, text: text === '' ? 'null' : text, nodeRefs: [...rewriter.nodeRefs] };
  } catch (err) {
    if (err instanceof Unsupported) {
      return {
        ok: false,
        message: err.message,
        ...(err.position !== undefined ? { position: err.position } : {}),
      };
    }
    return { ok: false, message: err instanceof Error ? err.message : String(err) };
  }
}
