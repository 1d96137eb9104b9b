// Exports a workflow to Amazon States Language in JSONata mode, so that it can
// run on AWS Step Functions unchanged in meaning. Pure: data in, data out.
//
// The graph becomes a state machine node by node (docs/export-asl.md has the
// table). What needs care:
//   - Weft's edges are data flow, ASL's `Next` is control flow. Exclusive
//     branches (condition, switch, validate, approval, error ports) re-join
//     freely, as several states may name the same `Next`. A port wired to
//     several nodes runs them all: that becomes a Parallel state whose
//     branches must re-join in one merge node (or end); anything else is
//     reported, naming the nodes.
//   - A merge outputs `{ <source id>: value }` per active edge: each edge into
//     a merge passes through a small Pass that wraps the value under its source
//     id, and a Parallel merges its branches' objects.
//   - Expressions are rewritten by ./rewrite.ts: the node input becomes
//     `$states.input`, `$nodes.<id>` the variable `$n_<id>` (assigned by that
//     node's state only when some expression reads it), `$input` the variable
//     `input` that the start state assigns.
//   - Text the user typed that is not an expression is emitted so that Step
//     Functions can never read it as one (see `literal`).

import type {
  EdgeDefinition,
  Json,
  JsonObject,
  JsonSchema,
  NodeDefinition,
  WorkflowDefinition,
} from '../types.ts';
import { compileWorkflow } from '../compile.ts';
import { nodeVariable, rewriteExpression } from './rewrite.ts';
import { translateSchema } from './schema.ts';

/** Resources only the user knows. Anything missing becomes a placeholder, listed in the warnings. */
export interface AslExportOptions {
  /** EventBridge connection ARN for http nodes (all of them). */
  httpConnectionArn?: string;
  /** Per http node id, overriding `httpConnectionArn`. */
  httpConnectionArns?: Record<string, string>;
  /** SQS queue URL that approval requests (with their task token) are sent to. */
  approvalQueueUrl?: string;
  /** Bedrock model id for llm nodes (an Anthropic Messages model, e.g. `anthropic.claude-3-haiku-20240307-v1:0`). */
  bedrockModelId?: string;
  /** State machine ARN per sub-workflow id. */
  stateMachineArns?: Record<string, string>;
  /** Map states' MaxConcurrency (Step Functions' default, 0, means as many as it allows). */
  mapMaxConcurrency?: number;
}

/** A reason the export is refused (`problems`) or a note about it (`warnings`). */
export interface AslExportIssue {
  node?: string;
  /** JSON Pointer into the definition. */
  path: string;
  code: string;
  message: string;
}

export type AslExportResult =
  | {
      ok: true;
      machine: JsonObject;
      warnings: AslExportIssue[];
      /** Node id -> the name of the state that runs it (first state, when several). */
      stateNames: Record<string, string>;
    }
  | { ok: false; problems: AslExportIssue[]; warnings: AslExportIssue[] };

/** ASL's limit on state names, in characters. */
export const STATE_NAME_LIMIT = 80;

const LINE_BREAK = /[\n\r\u2028\u2029]/;

/** A JSONata string literal for `text` (JSON's escapes are JSONata's). */
export function jsonataString(text: string): string {
  return JSON.stringify(text)
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/**
 * A user's literal string as an ASL field value that stays a literal: a string
 * that could read as `{% … %}`, or that ASL validators refuse as a template
 * value (empty, multi-line), is wrapped in an expression that yields it.
 */
export function literal(text: string): string {
  const trimmed = text.trim();
  if (text === '' || LINE_BREAK.test(text) || trimmed.startsWith('{%') || trimmed.endsWith('%}')) {
    return expr(jsonataString(text));
  }
  return text;
}

/** `literal` through a JSON value (object keys are never evaluated). */
export function literalJson(value: Json): Json {
  if (typeof value === 'string') return literal(value);
  if (Array.isArray(value)) return value.map(literalJson);
  if (value !== null && typeof value === 'object') {
    const out: JsonObject = {};
    for (const [key, item] of Object.entries(value)) out[key] = literalJson(item);
    return out;
  }
  return value;
}

function expr(text: string): string {
  return `{% ${text} %}`;
}

/** The value of `text`, with JSONata's "nothing" as null (the engine stores undefined as null). */
function orNull(text: string): string {
  return `($v := (${text}); $exists($v) ? $v : null)`;
}

// Step Functions' own error names, read back as the engine's codes so that an
// `error` port sees the same `{ code, message }` in both places.
const CATCH_OUTPUT = expr(
  '($e := $states.errorOutput.Error; $c := $states.errorOutput.Cause; ' +
    '{"error": {"code": $e = "States.Timeout" ? "TIMEOUT" : ' +
    '$e = "States.QueryEvaluationError" ? "EXPRESSION_ERROR" : ' +
    '$contains($e, "States.Http.StatusCode.") ? "HTTP_ERROR" : $e, ' +
    '"message": $exists($c) ? $c : $e}, "input": $states.input})',
);

const RESOURCES = {
  http: 'arn:aws:states:::http:invoke',
  llm: 'arn:aws:states:::bedrock:invokeModel',
  approval: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken',
  subworkflow: 'arn:aws:states:::states:startExecution.sync:2',
} as const;

export const PLACEHOLDERS = {
  httpConnectionArn: 'arn:aws:events:REGION:ACCOUNT:connection/REPLACE_WITH_CONNECTION_NAME/ID',
  approvalQueueUrl: 'https://sqs.REGION.amazonaws.com/ACCOUNT/REPLACE_WITH_APPROVAL_QUEUE',
  bedrockModelId: 'REPLACE_WITH_BEDROCK_MODEL_ID',
  stateMachineArn: (id: string) => `arn:aws:states:REGION:ACCOUNT:stateMachine:${id}`,
};

class Unexportable extends Error {}

/** Unique state names within ASL's length limit. */
class StateNames {
  private readonly used = new Set<string>();

  static clean(text: string): string {
    // Control characters would make a name unreadable in the console. Step
    // Functions never evaluates a state name, but a name that reads like a
    // JSONata template (`{% … %}`) would mislead whoever reads the machine, so
    // the markers are broken apart.
    return text
      .replace(/\p{Cc}/gu, ' ')
      .replace(/\{%/g, '{ %')
      .replace(/%\}/g, '% }')
      .replace(/\s+/g, ' ')
      .trim();
  }

  private static fit(text: string, limit = STATE_NAME_LIMIT): string {
    const chars = Array.from(text);
    return chars.length <= limit ? text : chars.slice(0, limit).join('').trimEnd();
  }

  take(base: string, alternative?: string): string {
    const first = StateNames.fit(StateNames.clean(base));
    if (first !== '' && !this.used.has(first)) return this.claim(first);
    if (alternative !== undefined) {
      const second = StateNames.fit(StateNames.clean(alternative));
      if (!this.used.has(second)) return this.claim(second);
    }
    for (let n = 2; ; n++) {
      const suffix = ` (${n})`;
      const name = StateNames.fit(first, STATE_NAME_LIMIT - suffix.length) + suffix;
      if (!this.used.has(name)) return this.claim(name);
    }
  }

  private claim(name: string): string {
    this.used.add(name);
    return name;
  }
}

/** One `States` map: the machine's, a Parallel branch's. */
class Scope {
  readonly states: Record<string, JsonObject> = {};
  endState: string | undefined;

  constructor(
    readonly parent: Scope | undefined,
    /** The merge node this branch flows into (its edges end the branch). */
    readonly join: string | undefined,
    /** For messages: the node whose fan-out opened this branch, and the branch's first node. */
    readonly origin: { from: string; to: string } | undefined,
    /**
     * A branch of a Parallel that never re-joins, at the top level: its output
     * nodes end the branch with `{ <id>: value }`, and the Parallel turns those
     * into the run's output (one value, or an object keyed by node id).
     */
    readonly collects: boolean = false,
  ) {}

  contains(other: Scope): boolean {
    for (let s: Scope | undefined = other; s; s = s.parent) if (s === this) return true;
    return false;
  }
}

interface Rewritten {
  text: string;
  nodeRefs: string[];
}

class Exporter {
  readonly problems: AslExportIssue[] = [];
  readonly warnings: AslExportIssue[] = [];
  private readonly nodes = new Map<string, NodeDefinition>();
  private readonly nodeIndex = new Map<string, number>();
  /** node -> port -> targets, in edge order. */
  private readonly outgoing = new Map<string, Map<string, string[]>>();
  private readonly order = new Map<string, number>();
  private readonly reachCache = new Map<string, Set<string>>();
  private readonly names = new StateNames();
  private readonly mainNames = new Map<string, string>();
  private readonly scopes = new Map<string, Scope>();
  private readonly expressions = new Map<string, Rewritten>();
  /** Nodes whose output some expression reads through `$nodes.<id>`. */
  private readonly referenced = new Set<string>();
  private readonly readers = new Map<string, Set<string>>();
  private readonly placeholders = new Set<string>();
  private readonly pending: Array<[Scope, string]> = [];

  constructor(
    private readonly definition: WorkflowDefinition,
    private readonly options: AslExportOptions,
  ) {}

  run(): AslExportResult {
    const shape = this.definition as Partial<WorkflowDefinition> | null;
    if (
      !shape ||
      typeof shape !== 'object' ||
      !Array.isArray(shape.nodes) ||
      !Array.isArray(shape.edges)
    ) {
      this.problem(
        undefined,
        '',
        'EXPORT_INVALID',
        'This is not a Weft workflow definition (it needs "nodes" and "edges" arrays).',
      );
      return this.failed();
    }
    const trigger = this.index();
    if (trigger === undefined) return this.failed();
    this.rewriteAll();
    if (this.problems.length > 0) return this.failed();
    for (const node of this.definition.nodes) {
      this.mainNames.set(
        node.id,
        this.names.take(node.label ?? node.id, `${node.label ?? ''} (${node.id})`),
      );
    }
    const top = new Scope(undefined, undefined, undefined);
    let startAt: string;
    try {
      startAt = this.ensureNode(top, trigger);
      for (let next = this.pending.shift(); next; next = this.pending.shift()) {
        this.emit(next[0], next[1]);
      }
    } catch (err) {
      if (err instanceof Unexportable) return this.failed();
      throw err;
    }
    this.checkVariableScopes();
    for (const node of this.definition.nodes) {
      if (!this.scopes.has(node.id)) {
        this.warn(
          node.id,
          this.nodePath(node.id),
          'UNREACHABLE',
          `Node "${node.id}" is not reachable from the trigger and is left out.`,
        );
      }
    }
    if (this.problems.length > 0) return this.failed();
    const comment = this.definition.description
      ? `${this.definition.name}: ${this.definition.description}`
      : this.definition.name;
    const machine: JsonObject = {
      Comment: `${comment} (exported from Weft workflow "${this.definition.id}")`,
      QueryLanguage: 'JSONata',
      StartAt: startAt,
      States: top.states,
    };
    const stateNames: Record<string, string> = {};
    for (const [id, name] of this.mainNames) if (this.scopes.has(id)) stateNames[id] = name;
    return { ok: true, machine, warnings: this.warnings, stateNames };
  }

  private failed(): AslExportResult {
    return { ok: false, problems: this.problems, warnings: this.warnings };
  }

  // ---- graph -------------------------------------------------------------

  private index(): string | undefined {
    const triggers: string[] = [];
    this.definition.nodes.forEach((node, i) => {
      this.nodes.set(node.id, node);
      this.nodeIndex.set(node.id, i);
      this.outgoing.set(node.id, new Map());
      if (node.kind === 'trigger') triggers.push(node.id);
    });
    this.definition.edges.forEach((edge: EdgeDefinition, i) => {
      if (!this.nodes.has(edge.source) || !this.nodes.has(edge.target)) {
        this.problem(
          undefined,
          `/edges/${i}`,
          'EXPORT_INVALID',
          'The edge names a node that does not exist.',
        );
        return;
      }
      const ports = this.outgoing.get(edge.source) as Map<string, string[]>;
      const port = edge.sourcePort ?? 'out';
      const list = ports.get(port) ?? [];
      if (!list.includes(edge.target)) list.push(edge.target);
      ports.set(port, list);
    });
    if (triggers.length !== 1) {
      this.problem(
        undefined,
        '/nodes',
        'EXPORT_INVALID',
        `A workflow needs exactly one trigger; this one has ${triggers.length}.`,
      );
      return undefined;
    }
    // Topological order (Kahn); a cycle leaves nodes out and is reported.
    const indegree = new Map<string, number>();
    for (const id of this.nodes.keys()) indegree.set(id, 0);
    for (const ports of this.outgoing.values()) {
      for (const targets of ports.values()) {
        for (const t of targets) indegree.set(t, (indegree.get(t) ?? 0) + 1);
      }
    }
    const ready = [...this.nodes.keys()].filter((id) => indegree.get(id) === 0);
    while (ready.length > 0) {
      const id = ready.shift() as string;
      this.order.set(id, this.order.size);
      for (const targets of (this.outgoing.get(id) as Map<string, string[]>).values()) {
        for (const t of targets) {
          const left = (indegree.get(t) ?? 0) - 1;
          indegree.set(t, left);
          if (left === 0) ready.push(t);
        }
      }
    }
    if (this.order.size !== this.nodes.size) {
      const stuck = [...this.nodes.keys()].filter((id) => !this.order.has(id));
      this.problem(
        undefined,
        '/edges',
        'EXPORT_INVALID',
        `The graph has a cycle through ${stuck.join(', ')}.`,
      );
      return undefined;
    }
    return triggers[0];
  }

  private targets(id: string, port: string): string[] {
    return this.outgoing.get(id)?.get(port) ?? [];
  }

  /** The nodes reachable from `id`, itself included (iterative: graphs may be long). */
  private reach(id: string): Set<string> {
    const hit = this.reachCache.get(id);
    if (hit) return hit;
    const set = new Set<string>([id]);
    const stack = [id];
    for (let at = stack.pop(); at !== undefined; at = stack.pop()) {
      for (const targets of (this.outgoing.get(at) ?? new Map<string, string[]>()).values()) {
        for (const t of targets) {
          if (set.has(t)) continue;
          set.add(t);
          stack.push(t);
        }
      }
    }
    this.reachCache.set(id, set);
    return set;
  }

  private node(id: string): NodeDefinition {
    return this.nodes.get(id) as NodeDefinition;
  }

  private nodePath(id: string): string {
    return `/nodes/${this.nodeIndex.get(id) ?? 0}`;
  }

  private name(id: string): string {
    return this.mainNames.get(id) as string;
  }

  // ---- issues ------------------------------------------------------------

  private problem(node: string | undefined, path: string, code: string, message: string): void {
    this.problems.push({ ...(node !== undefined ? { node } : {}), path, code, message });
  }

  private warn(node: string | undefined, path: string, code: string, message: string): void {
    this.warnings.push({ ...(node !== undefined ? { node } : {}), path, code, message });
  }

  private fatal(node: string | undefined, path: string, code: string, message: string): never {
    this.problem(node, path, code, message);
    throw new Unexportable(message);
  }

  // ---- expressions -------------------------------------------------------

  /** Expression fields of a node: config pointer -> source (defaults filled in). */
  private expressionSites(node: NodeDefinition): Array<[string, string]> {
    const config = node.config ?? {};
    const text = (key: string): string | undefined =>
      typeof config[key] === 'string' ? (config[key] as string) : undefined;
    const sites: Array<[string, string | undefined]> = [];
    switch (node.kind) {
      case 'transform':
      case 'condition':
        sites.push(['/expression', text('expression')]);
        break;
      case 'output':
        sites.push(['/expression', text('expression') ?? '$']);
        break;
      case 'map':
        sites.push(['/items', text('items') ?? '$'], ['/expression', text('expression')]);
        break;
      case 'switch': {
        const cases = Array.isArray(config.cases) ? config.cases : [];
        cases.forEach((c, i) => {
          const source =
            c !== null && typeof c === 'object' && !Array.isArray(c) ? c.expression : undefined;
          sites.push([`/cases/${i}/expression`, typeof source === 'string' ? source : undefined]);
        });
        break;
      }
      case 'http':
        sites.push(['/url', text('url')], ['/headers', text('headers')], ['/body', text('body')]);
        break;
      case 'llm':
        sites.push(['/prompt', text('prompt')], ['/system', text('system')]);
        break;
      case 'approval':
        sites.push(['/message', text('message')]);
        break;
      case 'delay':
        sites.push(['/seconds', text('seconds')]);
        break;
      case 'subworkflow':
        sites.push(['/input', text('input') ?? '$']);
        break;
      case 'fail':
        sites.push(['/cause', text('cause')]);
        break;
      default:
        break;
    }
    return sites.filter((site): site is [string, string] => site[1] !== undefined);
  }

  private rewriteAll(): void {
    for (const node of this.definition.nodes) {
      for (const [pointer, source] of this.expressionSites(node)) {
        const result = rewriteExpression(source);
        const path = `${this.nodePath(node.id)}/config${pointer}`;
        if (!result.ok) {
          this.problem(
            node.id,
            path,
            'EXPORT_EXPRESSION',
            `Node "${node.id}": the expression at ${pointer} cannot be exported: ${result.message}.`,
          );
          continue;
        }
        this.expressions.set(`${node.id}${pointer}`, result);
        for (const ref of result.nodeRefs) {
          this.referenced.add(ref);
          const readers = this.readers.get(ref) ?? new Set<string>();
          readers.add(node.id);
          this.readers.set(ref, readers);
        }
      }
    }
  }

  /** The rewritten text of a node's expression field, or undefined when it has none. */
  private expression(id: string, pointer: string): string | undefined {
    return this.expressions.get(`${id}${pointer}`)?.text;
  }

  private required(id: string, pointer: string): string {
    const text = this.expression(id, pointer);
    if (text === undefined) {
      this.fatal(
        id,
        `${this.nodePath(id)}/config${pointer}`,
        'EXPORT_INVALID',
        `Node "${id}" has no ${pointer.slice(1)} expression.`,
      );
    }
    return text;
  }

  /** The Assign block a node's state carries: its output as `$n_<id>`, when read. */
  private assign(id: string, value: string): JsonObject | undefined {
    return this.referenced.has(id) ? { [nodeVariable(id)]: expr(value) } : undefined;
  }

  private checkVariableScopes(): void {
    for (const [ref, readers] of this.readers) {
      const home = this.scopes.get(ref);
      for (const reader of readers) {
        const at = this.scopes.get(reader);
        if (!home || !at || home.contains(at)) continue;
        this.problem(
          reader,
          this.nodePath(reader),
          'EXPORT_SCOPE',
          `Node "${reader}" reads $nodes.${ref}, which runs inside a parallel branch (from "${home.origin?.from ?? '?'}" to "${home.origin?.to ?? '?'}"); Step Functions does not let a value assigned in a branch be read outside it. Pass it through the merge instead.`,
        );
      }
    }
  }

  // ---- control flow ------------------------------------------------------

  /** The state a node runs in, emitted into `scope` the first time. */
  private ensureNode(scope: Scope, id: string): string {
    const home = this.scopes.get(id);
    if (home) {
      if (home !== scope) {
        const where = (s: Scope) =>
          s.origin ? `the parallel branch "${s.origin.from}" -> "${s.origin.to}"` : 'the main flow';
        this.fatal(
          id,
          this.nodePath(id),
          'EXPORT_FAN_IN',
          `Node "${id}" is reached from ${where(home)} and from ${where(scope)}. Branches that run in parallel must re-join in a merge node before anything else joins them.`,
        );
      }
      return this.name(id);
    }
    // Emitted later, from a queue: recursing down the graph here would
    // overflow the stack on a long chain of nodes.
    this.scopes.set(id, scope);
    this.pending.push([scope, id]);
    return this.name(id);
  }

  /** Where a node's port leads: a state name in `scope`. */
  private dest(scope: Scope, from: string, port: string): string {
    const targets = this.targets(from, port);
    const [first] = targets;
    if (first === undefined) return this.scopeEnd(scope);
    if (targets.length === 1) return this.edgeDest(scope, from, first);
    return this.parallel(scope, from, port, targets);
  }

  private edgeDest(scope: Scope, from: string, to: string): string {
    const target = this.node(to);
    if (to === scope.join || target.kind === 'merge') {
      // A merge keys what arrives by the source node's id.
      const name = this.names.take(`${this.name(from)} → ${this.name(to)}`);
      const state: JsonObject = {
        Type: 'Pass',
        Comment: `Edge ${from} -> ${to} into a merge`,
        Output: expr(`{${jsonataString(from)}: $states.input}`),
      };
      scope.states[name] = state;
      if (to === scope.join) state.End = true;
      else state.Next = this.ensureNode(scope, to);
      return name;
    }
    return this.ensureNode(scope, to);
  }

  private scopeEnd(scope: Scope): string {
    if (scope.endState !== undefined) return scope.endState;
    const top = scope.parent === undefined;
    const name = this.names.take(
      top ? 'No output' : `Branch end (${scope.origin?.from ?? ''} → ${scope.origin?.to ?? ''})`,
    );
    scope.endState = name;
    scope.states[name] = {
      Type: 'Succeed',
      Comment: top
        ? 'The run ended without reaching an output node: its output is null.'
        : 'This branch ended without reaching the merge.',
      Output: expr(top ? 'null' : '{}'),
    };
    return name;
  }

  private parallel(scope: Scope, from: string, port: string, targets: string[]): string {
    // The join: the first merge (in topological order) that two or more
    // branches reach. Branches that never reach it simply end.
    const counts = new Map<string, number>();
    for (const t of targets) {
      for (const r of this.reach(t)) {
        if (this.node(r).kind === 'merge') counts.set(r, (counts.get(r) ?? 0) + 1);
      }
    }
    let join: string | undefined;
    for (const [id, count] of counts) {
      if (count < 2) continue;
      if (join === undefined || (this.order.get(id) ?? 0) < (this.order.get(join) ?? 0)) join = id;
    }
    // Inside a branch, a fan-out whose targets only reach the branch's own
    // merge (one of them, say) re-joins there: its results merge into it.
    if (join === undefined && scope.join !== undefined && counts.has(scope.join)) join = scope.join;
    const name = this.names.take(
      port === 'out'
        ? `${this.name(from)}: in parallel`
        : `${this.name(from)}: ${port}, in parallel`,
    );
    const collects = join === undefined && (scope.parent === undefined || scope.collects);
    const branches = targets.map((to) => {
      const branch = new Scope(scope, join, { from, to }, collects);
      const startAt = this.edgeDest(branch, from, to);
      return { StartAt: startAt, States: branch.states };
    });
    const state: JsonObject = {
      Type: 'Parallel',
      Comment: `"${from}" feeds ${targets.map((t) => `"${t}"`).join(', ')} at once`,
      Branches: branches,
      Output: expr('$merge($states.result)'),
    };
    scope.states[name] = state;
    if (collects && scope.parent === undefined) {
      state.Output = expr(
        '($o := $merge($states.result); $k := $keys($o); $count($k) = 0 ? null : $count($k) = 1 ? $lookup($o, $k[0]) : $o)',
      );
      state.End = true;
    } else if (collects) state.End = true;
    else if (join === undefined) state.Next = this.scopeEnd(scope);
    else if (join === scope.join) state.End = true;
    else {
      // A merge runs only when some edge into it is active: when no branch
      // reached it (they took other ports), it and all after it are skipped.
      const check = this.names.take(`${this.name(join)}: reached?`);
      scope.states[check] = {
        Type: 'Choice',
        Comment: `Skips "${join}" when no branch reached it`,
        Choices: [
          {
            Condition: expr('$count($keys($states.input)) > 0'),
            Next: this.ensureNode(scope, join),
          },
        ],
        Default: this.scopeEnd(scope),
      };
      state.Next = check;
    }
    return name;
  }

  /** Catch for a state whose node has its `error` port wired. */
  private catchOf(scope: Scope, id: string): JsonObject[] | undefined {
    if (this.targets(id, 'error').length === 0) return undefined;
    return [
      { ErrorEquals: ['States.ALL'], Output: CATCH_OUTPUT, Next: this.dest(scope, id, 'error') },
    ];
  }

  private hasErrorPort(id: string): boolean {
    return this.targets(id, 'error').length > 0;
  }

  // ---- node kinds --------------------------------------------------------

  private emit(scope: Scope, id: string): void {
    const node = this.node(id);
    const name = this.name(id);
    const config = node.config ?? {};
    // Stores the very object the emitters go on filling in (Next, Catch, …).
    const put = (state: JsonObject) => {
      state.Comment =
        node.label !== undefined ? `${node.kind} "${id}": ${node.label}` : `${node.kind} "${id}"`;
      scope.states[name] = state;
    };
    const withAssign = (state: JsonObject, value: string): JsonObject => {
      const a = this.assign(id, value);
      if (a) state.Assign = a;
      return state;
    };
    switch (node.kind) {
      case 'trigger':
        return this.emitTrigger(scope, id, put);
      case 'transform': {
        const value = orNull(this.required(id, '/expression'));
        if (this.hasErrorPort(id)) return this.guarded(scope, id, value, put);
        const state = withAssign({ Type: 'Pass', Output: expr(value) }, value);
        put(state);
        state.Next = this.dest(scope, id, 'out');
        return;
      }
      case 'merge': {
        const state = withAssign({ Type: 'Pass' }, '$states.input');
        put(state);
        state.Next = this.dest(scope, id, 'out');
        return;
      }
      case 'condition':
      case 'switch':
        return this.emitChoice(scope, id, put);
      case 'map':
        return this.emitMap(scope, id, put);
      case 'validate':
        return this.emitValidate(scope, id, put);
      case 'delay': {
        if (this.hasErrorPort(id)) {
          this.fatal(
            id,
            this.nodePath(id),
            'EXPORT_UNSUPPORTED',
            `Node "${id}": a Wait state cannot catch errors, so a delay's error port cannot be exported.`,
          );
        }
        const seconds = config.seconds;
        const state = withAssign({ Type: 'Wait' }, '$states.input');
        if (typeof seconds === 'number') {
          if (!Number.isInteger(seconds)) {
            this.warn(
              id,
              `${this.nodePath(id)}/config/seconds`,
              'EXPORT_ROUNDED',
              `Node "${id}": Step Functions waits whole seconds; ${seconds} is rounded up.`,
            );
          }
          state.Seconds = Math.ceil(seconds);
        } else {
          state.Seconds = expr(`$ceil(${this.required(id, '/seconds')})`);
        }
        put(state);
        state.Next = this.dest(scope, id, 'out');
        return;
      }
      case 'http':
        return this.emitHttp(scope, id, put);
      case 'llm':
        return this.emitLlm(scope, id, put);
      case 'approval':
        return this.emitApproval(scope, id, put);
      case 'subworkflow':
        return this.emitSubworkflow(scope, id, put);
      case 'fail':
        return this.emitFail(scope, id, put);
      case 'output': {
        if (scope.parent !== undefined && !scope.collects) {
          this.fatal(
            id,
            this.nodePath(id),
            'EXPORT_PARALLEL_OUTPUT',
            `Output node "${id}" sits inside a parallel branch (from "${scope.origin?.from ?? '?'}"); Step Functions ends a whole run only from its top level. Move the output after the merge.`,
          );
        }
        const computed = orNull(this.required(id, '/expression'));
        const value = scope.collects ? `{${jsonataString(id)}: ${computed}}` : computed;
        if (this.hasErrorPort(id)) return this.guarded(scope, id, value, put);
        put({ Type: 'Succeed', Output: expr(value) });
        return;
      }
    }
  }

  /**
   * A node whose state type cannot catch (Pass, Succeed) but whose error port
   * is wired: the value is computed in a one-branch Parallel, which can.
   */
  private guarded(scope: Scope, id: string, value: string, put: (s: JsonObject) => void): void {
    const node = this.node(id);
    const inner = this.names.take(`${this.name(id)}: evaluate`);
    const result = '$states.result[0].v';
    const state: JsonObject = {
      Type: 'Parallel',
      Branches: [
        {
          StartAt: inner,
          States: { [inner]: { Type: 'Pass', Output: expr(`{"v": ${value}}`), End: true } },
        },
      ],
      Output: expr(result),
    };
    const a = this.assign(id, result);
    if (a) state.Assign = a;
    put(state);
    state.Catch = this.catchOf(scope, id) as JsonObject[];
    if (node.kind === 'output') {
      const done = this.names.take(`${this.name(id)}: done`);
      scope.states[done] = { Type: 'Succeed' };
      state.Next = done;
    } else {
      state.Next = this.dest(scope, id, 'out');
    }
  }

  private emitTrigger(scope: Scope, id: string, put: (s: JsonObject) => void): void {
    const state: JsonObject = {
      Type: 'Pass',
      Assign: { input: expr('$states.input'), ...(this.assign(id, '$states.input') ?? {}) },
    };
    put(state);
    const schema = this.definition.input?.schema;
    const translation =
      schema === undefined
        ? undefined
        : translateSchema(schema as JsonSchema, '$states.input', '/input/schema');
    if (translation && !translation.ok) {
      this.warn(
        id,
        '/input/schema',
        'INPUT_SCHEMA_DROPPED',
        `The input schema is not checked by the export: ${translation.problems.map((p) => `${p.path} ${p.message}`).join('; ')}. Validate the input before starting the execution.`,
      );
    }
    if (!translation || !translation.ok) {
      state.Next = this.dest(scope, id, 'out');
      return;
    }
    const check = this.names.take('Check input');
    state.Next = check;
    const cause =
      `"The input does not match the workflow's input schema: " & ` +
      `$join((${translation.errors}).((path = "" ? "(root)" : path) & " " & message), "; ")`;
    const invalid = this.names.take('Input invalid');
    if (this.hasErrorPort(id)) {
      const state: JsonObject = {
        Type: 'Pass',
        Output: expr(
          `{"error": {"code": "INPUT_INVALID", "message": ${cause}}, "input": $states.input}`,
        ),
      };
      scope.states[invalid] = state;
      state.Next = this.dest(scope, id, 'error');
    } else {
      scope.states[invalid] = { Type: 'Fail', Error: 'INPUT_INVALID', Cause: expr(cause) };
    }
    const choice: JsonObject = {
      Type: 'Choice',
      Comment: "Checks the input against the workflow's input schema",
      Choices: [{ Condition: expr(translation.valid), Next: '' }],
      Default: invalid,
    };
    scope.states[check] = choice;
    ((choice.Choices as JsonObject[])[0] as JsonObject).Next = this.dest(scope, id, 'out');
  }

  private emitChoice(scope: Scope, id: string, put: (s: JsonObject) => void): void {
    const node = this.node(id);
    const config = node.config ?? {};
    // [condition text, port] in order, then the default port.
    const rules: Array<[string, string]> = [];
    let fallback: string;
    if (node.kind === 'condition') {
      rules.push([this.required(id, '/expression'), 'true']);
      fallback = 'false';
    } else {
      const cases = Array.isArray(config.cases) ? config.cases : [];
      cases.forEach((c, i) => {
        const port = c !== null && typeof c === 'object' && !Array.isArray(c) ? c.port : undefined;
        rules.push([
          this.required(id, `/cases/${i}/expression`),
          typeof port === 'string' ? port : `case${i}`,
        ]);
      });
      fallback = 'default';
    }
    if (this.hasErrorPort(id)) {
      // A Choice cannot catch: pick the rule inside a one-branch Parallel
      // (which can), then route on the rule's index.
      const inner = this.names.take(`${this.name(id)}: evaluate`);
      const pick = rules.reduceRight(
        (rest, [condition], i) => `($boolean(${condition}) = true ? ${i} : ${rest})`,
        '-1',
      );
      const variable = `rule_${id}`;
      const state: JsonObject = {
        Type: 'Parallel',
        Branches: [
          {
            StartAt: inner,
            States: { [inner]: { Type: 'Pass', Output: expr(`{"v": ${pick}}`), End: true } },
          },
        ],
        Output: expr('$states.input'),
        Assign: {
          [variable]: expr('$states.result[0].v'),
          ...(this.assign(id, '$states.input') ?? {}),
        },
      };
      put(state);
      state.Catch = this.catchOf(scope, id) as JsonObject[];
      const route = this.names.take(`${this.name(id)}: route`);
      state.Next = route;
      const choice: JsonObject = { Type: 'Choice', Choices: [] };
      scope.states[route] = choice;
      choice.Choices = rules.map(([, port], i) => ({
        Condition: expr(`$${variable} = ${i}`),
        Next: this.dest(scope, id, port),
      }));
      choice.Default = this.dest(scope, id, fallback);
      if (rules.length === 0) {
        scope.states[route] = { Type: 'Pass', Next: choice.Default };
      }
      return;
    }
    if (rules.length === 0) {
      const state: JsonObject = { Type: 'Pass' };
      const a = this.assign(id, '$states.input');
      if (a) state.Assign = a;
      put(state);
      state.Next = this.dest(scope, id, fallback);
      return;
    }
    const state: JsonObject = { Type: 'Choice', Choices: [] };
    const a = this.assign(id, '$states.input');
    if (a) state.Assign = a;
    put(state);
    state.Choices = rules.map(([condition, port]) => ({
      Condition: expr(`$boolean(${condition}) = true`),
      Next: this.dest(scope, id, port),
    }));
    state.Default = this.dest(scope, id, fallback);
  }

  private emitMap(scope: Scope, id: string, put: (s: JsonObject) => void): void {
    const items = this.required(id, '/items');
    const body = this.required(id, '/expression');
    const inner = this.names.take(`${this.name(id)}: each item`);
    // An item whose expression yields nothing leaves no hole (as JSONata's
    // $map); `[[$x]]` appends an array as one element, not its members.
    const collect =
      '$reduce($states.result, function($a, $r){ $exists($r.v) ? ' +
      '$append($a, $type($r.v) = "array" ? [[$r.v]] : [$r.v]) : $a }, [])';
    const state: JsonObject = {
      Type: 'Map',
      Items: expr(`($v := (${items}); $type($v) = "array" ? $v : $exists($v) ? [$v] : [])`),
      ItemProcessor: {
        ProcessorConfig: { Mode: 'INLINE' },
        StartAt: inner,
        States: { [inner]: { Type: 'Pass', Output: expr(`{"v": ${body}}`), End: true } },
      },
      Output: expr(collect),
    };
    if (this.options.mapMaxConcurrency !== undefined)
      state.MaxConcurrency = this.options.mapMaxConcurrency;
    const a = this.assign(id, collect);
    if (a) state.Assign = a;
    put(state);
    const c = this.catchOf(scope, id);
    if (c) state.Catch = c;
    state.Next = this.dest(scope, id, 'out');
  }

  private emitValidate(scope: Scope, id: string, put: (s: JsonObject) => void): void {
    const config = this.node(id).config ?? {};
    const schema = (config.schema ?? true) as JsonSchema;
    const at = `${this.nodePath(id)}/config/schema`;
    const translation = translateSchema(schema, '$states.input', at);
    if (!translation.ok) {
      for (const p of translation.problems) {
        this.problem(id, p.path, 'EXPORT_SCHEMA', `Node "${id}": ${p.message}.`);
      }
      throw new Unexportable('schema');
    }
    const invalidValue = `{"input": $states.input, "errors": ${translation.errors}}`;
    const invalid = this.names.take(`${this.name(id)}: invalid`);
    const rule: JsonObject = { Condition: expr(translation.valid), Next: '' };
    const a = this.assign(id, '$states.input');
    if (a) rule.Assign = a;
    const state: JsonObject = { Type: 'Choice', Choices: [rule], Default: invalid };
    put(state);
    const invalidState: JsonObject = { Type: 'Pass', Output: expr(invalidValue) };
    const ai = this.assign(id, invalidValue);
    if (ai) invalidState.Assign = ai;
    scope.states[invalid] = invalidState;
    rule.Next = this.dest(scope, id, 'valid');
    invalidState.Next = this.dest(scope, id, 'invalid');
  }

  private retryOf(id: string): JsonObject[] | undefined {
    const retry = this.node(id).config?.retry;
    if (retry === undefined || retry === null || typeof retry !== 'object' || Array.isArray(retry))
      return undefined;
    const errors = Array.isArray(retry.errors)
      ? retry.errors.filter((e): e is string => typeof e === 'string')
      : undefined;
    const aliases: Record<string, string[]> = {
      TIMEOUT: ['States.Timeout'],
      HTTP_ERROR: [
        'States.Http.StatusCode.408',
        'States.Http.StatusCode.429',
        'States.Http.StatusCode.500',
        'States.Http.StatusCode.502',
        'States.Http.StatusCode.503',
        'States.Http.StatusCode.504',
      ],
    };
    const equals = errors
      ? [...new Set(errors.flatMap((e) => [e, ...(aliases[e] ?? [])]))]
      : ['States.ALL'];
    return [
      {
        ErrorEquals: equals,
        MaxAttempts: typeof retry.maxAttempts === 'number' ? retry.maxAttempts : 3,
        IntervalSeconds:
          typeof retry.intervalSeconds === 'number'
            ? Math.max(1, Math.ceil(retry.intervalSeconds))
            : 1,
        BackoffRate: typeof retry.backoffRate === 'number' ? retry.backoffRate : 2,
      },
    ];
  }

  /** Retry, timeout and Catch shared by every Task state. */
  /**
   * Places a call node's Task: its output variable, its timeout, retry and
   * catch, and where it goes next. Keys are added in that order, so every
   * Task reads the same way in the exported file.
   */
  private putTask(
    scope: Scope,
    id: string,
    state: JsonObject,
    output: string,
    put: (s: JsonObject) => void,
  ): void {
    const a = this.assign(id, output);
    if (a) state.Assign = a;
    put(state);
    const config = this.node(id).config ?? {};
    if (typeof config.timeoutSeconds === 'number')
      state.TimeoutSeconds = Math.max(1, Math.ceil(config.timeoutSeconds));
    const retry = this.retryOf(id);
    if (retry) state.Retry = retry;
    const c = this.catchOf(scope, id);
    if (c) state.Catch = c;
    state.Next = this.dest(scope, id, 'out');
  }

  private placeholder(id: string, option: string, value: string): string {
    const key = `${option}:${value}`;
    if (!this.placeholders.has(key)) {
      this.placeholders.add(key);
      this.warn(
        id,
        this.nodePath(id),
        'PLACEHOLDER',
        `Node "${id}": no ${option} option was given; the export uses the placeholder ${value}. Replace it before deploying.`,
      );
    }
    return value;
  }

  private emitHttp(scope: Scope, id: string, put: (s: JsonObject) => void): void {
    const config = this.node(id).config ?? {};
    const connection =
      this.options.httpConnectionArns?.[id] ??
      this.options.httpConnectionArn ??
      this.placeholder(id, 'httpConnectionArn', PLACEHOLDERS.httpConnectionArn);
    const args: JsonObject = {
      ApiEndpoint: expr(this.required(id, '/url')),
      Method: typeof config.method === 'string' ? literal(config.method) : 'GET',
      Authentication: { ConnectionArn: literal(connection) },
    };
    const headers = this.expression(id, '/headers');
    if (headers !== undefined) args.Headers = expr(headers);
    const body = this.expression(id, '/body');
    if (body !== undefined) args.RequestBody = expr(body);
    const output =
      '{"status": $states.result.StatusCode, "headers": $states.result.Headers, "body": $states.result.ResponseBody}';
    const state: JsonObject = {
      Type: 'Task',
      Resource: RESOURCES.http,
      Arguments: args,
      Output: expr(output),
    };
    this.putTask(scope, id, state, output, put);
  }

  private emitLlm(scope: Scope, id: string, put: (s: JsonObject) => void): void {
    const config = this.node(id).config ?? {};
    const model =
      this.options.bedrockModelId ??
      this.placeholder(id, 'bedrockModelId', PLACEHOLDERS.bedrockModelId);
    const asText = (text: string) =>
      `($p := (${text}); $type($p) = "string" ? $p : $exists($p) and $p != null ? $string($p) : "")`;
    const body: JsonObject = {
      anthropic_version: 'bedrock-2023-05-31',
      max_tokens: 1024,
      messages: [{ role: 'user', content: expr(asText(this.required(id, '/prompt'))) }],
    };
    const system = this.expression(id, '/system');
    if (system !== undefined) body.system = expr(asText(system));
    if (typeof config.temperature === 'number') body.temperature = Math.min(1, config.temperature);
    const output = '{"text": $join($states.result.Body.content[type = "text"].text)}';
    const state: JsonObject = {
      Type: 'Task',
      Resource: RESOURCES.llm,
      Arguments: { ModelId: literal(model), Body: body },
      Output: expr(output),
    };
    this.putTask(scope, id, state, output, put);
  }

  private emitApproval(scope: Scope, id: string, put: (s: JsonObject) => void): void {
    const config = this.node(id).config ?? {};
    const queue =
      this.options.approvalQueueUrl ??
      this.placeholder(id, 'approvalQueueUrl', PLACEHOLDERS.approvalQueueUrl);
    const message = this.expression(id, '/message');
    const messageBody: JsonObject = {
      taskToken: expr('$states.context.Task.Token'),
      workflow: literal(this.definition.id),
      node: id,
      input: expr('$states.input'),
    };
    if (message !== undefined) messageBody.message = expr(message);
    if (typeof config.assignee === 'string') messageBody.assignee = literal(config.assignee);
    const decision = `decision_${id}`;
    const state: JsonObject = {
      Type: 'Task',
      Resource: RESOURCES.approval,
      Arguments: { QueueUrl: literal(queue), MessageBody: messageBody },
      Output: expr('$states.input'),
      Assign: {
        [decision]: expr('$states.result.decision'),
        ...(this.assign(id, '$states.input') ?? {}),
      },
    };
    if (typeof config.timeoutSeconds === 'number')
      state.TimeoutSeconds = Math.max(1, Math.ceil(config.timeoutSeconds));
    put(state);
    const c = this.catchOf(scope, id);
    if (c) state.Catch = c;
    const route = this.names.take(`${this.name(id)}: decision`);
    state.Next = route;
    const choice: JsonObject = {
      Type: 'Choice',
      Comment:
        'The approver answers with SendTaskSuccess and output {"decision": "approved" | "rejected"}',
      Choices: [{ Condition: expr(`$${decision} = "approved"`), Next: '' }],
    };
    scope.states[route] = choice;
    ((choice.Choices as JsonObject[])[0] as JsonObject).Next = this.dest(scope, id, 'approved');
    choice.Default = this.dest(scope, id, 'rejected');
  }

  private emitSubworkflow(scope: Scope, id: string, put: (s: JsonObject) => void): void {
    const config = this.node(id).config ?? {};
    const workflow = typeof config.workflow === 'string' ? config.workflow : '';
    const arn =
      this.options.stateMachineArns?.[workflow] ??
      this.placeholder(id, `stateMachineArns.${workflow}`, PLACEHOLDERS.stateMachineArn(workflow));
    const output = '$states.result.Output';
    const state: JsonObject = {
      Type: 'Task',
      Resource: RESOURCES.subworkflow,
      Arguments: {
        StateMachineArn: literal(arn),
        Input: expr(orNull(this.required(id, '/input'))),
      },
      Output: expr(output),
    };
    this.putTask(scope, id, state, output, put);
  }

  private emitFail(scope: Scope, id: string, put: (s: JsonObject) => void): void {
    const config = this.node(id).config ?? {};
    const code = typeof config.error === 'string' ? config.error : 'FAILED';
    const fallback = jsonataString(`The workflow failed at node "${id}".`);
    const source = this.expression(id, '/cause');
    const cause =
      source === undefined
        ? fallback
        : `($c := (${source}); $exists($c) and $c != null ? ($type($c) = "string" ? $c : $string($c)) : ${fallback})`;
    if (this.hasErrorPort(id)) {
      // Failing into its own error port: hand the error object straight on.
      const state: JsonObject = {
        Type: 'Pass',
        Output: expr(
          `{"error": {"code": ${jsonataString(code)}, "message": ${cause}}, "input": $states.input}`,
        ),
      };
      put(state);
      state.Next = this.dest(scope, id, 'error');
      return;
    }
    put({ Type: 'Fail', Error: literal(code), Cause: expr(cause) });
  }
}

/**
 * Exports a workflow definition to Amazon States Language (JSONata mode).
 * Pure and synchronous; never throws. Validates the definition first; `ok:
 * false` lists, per node, why it is invalid or cannot be expressed on Step
 * Functions.
 */
export function exportToAsl(
  definition: WorkflowDefinition,
  options: AslExportOptions = {},
): AslExportResult {
  // An invalid definition has no meaning to preserve: its diagnostics are the
  // reasons. (The CLI has already compiled; compiling twice costs little.)
  const compiled = compileWorkflow(definition);
  if (!compiled.ok) {
    return {
      ok: false,
      problems: compiled.errors.map((d) => ({
        ...(d.node !== undefined ? { node: d.node } : {}),
        path: d.path,
        code: d.code,
        message: d.message,
      })),
      warnings: [],
    };
  }
  return new Exporter(definition, options).run();
}
