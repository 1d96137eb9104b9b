// Compile-time checks on an expression's text: parse with jsonata 2.2 (what we
// run), re-parse with 2.0.6 (what AWS Step Functions runs), and walk the AST
// for what the engine must know statically (`$nodes.<id>` references) or must
// refuse (`$eval`, dynamic `$nodes` access).

import jsonata from 'jsonata';
import jsonata206 from 'jsonata206';
import type { ExpressionProblem, NodeRefSite } from './api.ts';

/** The fields of a jsonata error object this module reads. */
export interface JsonataErrorLike {
  code?: unknown;
  message?: unknown;
  position?: unknown;
  token?: unknown;
}

/** A node of jsonata's AST, as far as this module reads it. */
interface AstNode {
  type?: unknown;
  value?: unknown;
  position?: unknown;
  steps?: unknown;
  arguments?: unknown;
  lhs?: unknown;
  predicate?: unknown;
  stages?: unknown;
  group?: unknown;
  focus?: unknown;
  index?: unknown;
  tuple?: unknown;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/**
 * jsonata reports `position` as the index just after the offending token. Turn
 * it into the 0-based offset of the token's first character; at the end of the
 * text, the offset is the text's length. Unterminated literals point at their
 * opening delimiter.
 */
export function errorOffset(source: string, err: JsonataErrorLike): number | undefined {
  if (typeof err.position !== 'number' || !Number.isFinite(err.position)) return undefined;
  const after = Math.min(Math.max(0, err.position), source.length);
  const code = typeof err.code === 'string' ? err.code : '';
  if (code === 'S0101' || code === 'S0105' || code === 'S0106' || code === 'S0302') {
    const opening = unterminatedOpening(source);
    if (opening !== undefined) return opening;
  }
  if (typeof err.token === 'string' && err.token !== '(end)' && err.token.length > 0) {
    // The token usually ends at `after`; a function's ends just before its `(`
    // and a quoted name's before its closing backquote. Look a few characters back.
    const latest = after - err.token.length;
    const found = source.lastIndexOf(err.token, latest);
    const start = found >= 0 && found >= latest - TOKEN_SLACK ? found : Math.max(0, latest);
    const before = start > 0 ? source[start - 1] : undefined;
    // A variable or function name: point at its `$`.
    if (before === '$') return start - 1;
    // A string or quoted name (the token is its text): point at the opening quote.
    const quoted = before === '"' || before === "'" || before === '`';
    if (quoted && source[start + err.token.length] === before) return start - 1;
    return start;
  }
  return after;
}

/** How far before jsonata's position a token may end (a `(`, a quote, spaces). */
const TOKEN_SLACK = 4;

/** Where an unterminated string, quoted name, comment or regex opens. */
function unterminatedOpening(source: string): number | undefined {
  let open: { char: string; at: number } | undefined;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (open === undefined) {
      if (c === '"' || c === "'" || c === '`') open = { char: c, at: i };
      else if (c === '/' && source[i + 1] === '*') {
        open = { char: '*/', at: i };
        i++;
      }
    } else if (open.char === '*/') {
      if (c === '*' && source[i + 1] === '/') {
        open = undefined;
        i++;
      }
    } else if (c === '\\' && open.char !== '`') {
      i++;
    } else if (c === open.char) {
      open = undefined;
    }
  }
  if (open !== undefined) return open.at;
  // Nothing open among quotes and comments: an unterminated regex starts at the last `/`.
  const slash = source.lastIndexOf('/');
  return slash >= 0 ? slash : undefined;
}

function readableMessage(err: JsonataErrorLike): string {
  return typeof err.message === 'string' && err.message.length > 0
    ? err.message
    : 'the expression does not parse';
}

export type ParseResult =
  { ok: true; parsed: jsonata.Expression } | { ok: false; problem: ExpressionProblem };

/** Parses with jsonata 2.2 and checks 2.0.6 accepts the same text. */
export function parseExpression(source: string, options: jsonata.JsonataOptions): ParseResult {
  let parsed: jsonata.Expression;
  try {
    parsed = jsonata(source, options);
  } catch (err) {
    if (err instanceof RangeError) {
      // jsonata's parser recurses once per nesting level.
      return {
        ok: false,
        problem: {
          code: 'EXPRESSION_SYNTAX',
          message: 'the expression is nested too deeply to parse',
        },
      };
    }
    const e: JsonataErrorLike = isRecord(err) ? err : {};
    return { ok: false, problem: withPosition('EXPRESSION_SYNTAX', readableMessage(e), source, e) };
  }
  try {
    jsonata206(source);
  } catch (err) {
    const e: JsonataErrorLike = isRecord(err) ? err : {};
    const newOperator = e.token === '?' || e.token === ':';
    const message = newOperator
      ? 'the ?? and ?: operators are new in JSONata 2.1; AWS Step Functions runs JSONata 2.0.6, which does not accept them: use a condition (a ? b : c) or $exists instead'
      : `JSONata 2.0.6 (what AWS Step Functions runs) does not accept this expression: ${readableMessage(e)}`;
    const problem = withPosition('EXPRESSION_UNSUPPORTED', message, source, e);
    if (newOperator && problem.position !== undefined) {
      // Point at the operator's first character, not its second.
      const at = Math.max(
        source.lastIndexOf('??', problem.position),
        source.lastIndexOf('?:', problem.position),
      );
      if (at >= 0) problem.position = at;
    }
    return { ok: false, problem };
  }
  return { ok: true, parsed };
}

function withPosition(
  code: ExpressionProblem['code'],
  message: string,
  source: string,
  err: JsonataErrorLike,
): ExpressionProblem {
  const position = errorOffset(source, err);
  return position === undefined ? { code, message } : { code, message, position };
}

/** The 0-based offset where an AST node's own token starts, when known. */
function nodeOffset(source: string, node: AstNode): number | undefined {
  if (typeof node.position !== 'number') return undefined;
  const after = Math.min(node.position, source.length);
  if (node.type === 'variable' && typeof node.value === 'string') {
    const start = after - node.value.length - 1;
    if (start >= 0 && source[start] === '$') return start;
  }
  if (node.type === 'name' && typeof node.value === 'string') {
    const start = after - node.value.length;
    if (start >= 0 && source.startsWith(node.value, start)) return start;
    if (start - 1 >= 0 && source[start - 1] === '`') return start - 1;
  }
  return Math.max(0, after - 1);
}

export type AnalysisResult =
  | { ok: true; nodeRefs: string[]; nodeRefSites: NodeRefSite[] }
  | { ok: false; problem: ExpressionProblem };

class Unsupported {
  constructor(
    readonly message: string,
    readonly node: AstNode,
  ) {}
}

const NAME_THE_NODE =
  'read node outputs as $nodes.<id> (for example $nodes.fetch.body), so the engine can check the node is upstream';

/**
 * Collects `$nodes.<id>` references and refuses what cannot be checked
 * statically: any other use of `$nodes`, binding a name `$nodes`, and `$eval`
 * (which would run text the editor never saw).
 */
export function analyseExpression(source: string, ast: unknown): AnalysisResult {
  const refs = new Set<string>();
  const sites: NodeRefSite[] = [];
  const seen = new Set<object>();

  // Depth first, in source order, with a stack of its own: a long flat
  // expression (`a + a + ...`) is a tree thousands of levels deep.
  const pending: unknown[] = [];
  const visitAll = (root: unknown): void => {
    pending.push(root);
    while (pending.length > 0) visit(pending.pop());
  };
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) pending.push(value[i]);
      return;
    }
    if (!isRecord(value) || seen.has(value)) return;
    seen.add(value);
    const node = value as AstNode;
    if (node.type === 'path' && Array.isArray(node.steps)) {
      const [first, second] = node.steps as unknown[];
      if (isRecord(first) && first.type === 'variable' && first.value === 'nodes') {
        checkNodesStep(first as AstNode, second);
        const node = (second as AstNode).value as string;
        refs.add(node);
        sites.push({ node, position: nodeOffset(source, first as AstNode) ?? 0 });
        seen.add(first);
      }
    } else if (node.type === 'variable') {
      if (node.value === 'nodes') {
        throw new Unsupported(
          `$nodes cannot be used on its own or indexed dynamically: ${NAME_THE_NODE}`,
          node,
        );
      }
      if (node.value === 'eval') {
        throw new Unsupported(
          '$eval is not supported: it would run text that is not part of the workflow, and AWS Step Functions does not allow it',
          node,
        );
      }
    } else if (node.type === 'lambda' && Array.isArray(node.arguments)) {
      for (const arg of node.arguments as unknown[]) {
        if (isRecord(arg) && (arg.value === 'nodes' || arg.value === 'eval')) {
          throw new Unsupported(`$${arg.value} is reserved and cannot be a parameter name`, arg);
        }
      }
    } else if (node.type === 'bind' && isRecord(node.lhs)) {
      const name = node.lhs.value;
      if (name === 'nodes' || name === 'eval' || name === 'input') {
        throw new Unsupported(`$${name} is reserved and cannot be reassigned`, node.lhs);
      }
    }
    const keys = Object.keys(value);
    for (let i = keys.length - 1; i >= 0; i--) pending.push(value[keys[i] as string]);
  };

  const checkNodesStep = (first: AstNode, second: unknown): void => {
    const decorated =
      first.predicate !== undefined ||
      first.stages !== undefined ||
      first.group !== undefined ||
      first.focus !== undefined ||
      first.index !== undefined ||
      first.tuple !== undefined;
    if (decorated) {
      throw new Unsupported(`$nodes cannot be filtered or indexed: ${NAME_THE_NODE}`, first);
    }
    if (!isRecord(second) || second.type !== 'name' || typeof second.value !== 'string') {
      throw new Unsupported(`$nodes must be followed by a node id: ${NAME_THE_NODE}`, first);
    }
  };

  try {
    visitAll(ast);
  } catch (err) {
    if (err instanceof Unsupported) {
      const position = nodeOffset(source, err.node);
      const problem: ExpressionProblem = { code: 'EXPRESSION_UNSUPPORTED', message: err.message };
      if (position !== undefined) problem.position = position;
      return { ok: false, problem };
    }
    throw err;
  }
  sites.sort((a, b) => a.position - b.position);
  return { ok: true, nodeRefs: [...refs], nodeRefSites: sites };
}
