// compileWorkflow: from a definition (any JSON) to diagnostics, or to a plan
// the runner executes without parsing anything. Runs on every edit, in the
// worker; it never throws.

import {
  structuralEdgeSchema,
  structuralNodeSchema,
  structuralSchema,
  structuralTopSchema,
} from './definition/workflowSchema.ts';
import type { CompiledExpression } from './expression/api.ts';
import { compileExpression } from './expression/index.ts';
import type { DirectRun, NodeModule, PrepareInput } from './nodes/kind.ts';
import { portsOf } from './kinds.ts';
import { nodeModuleOf } from './nodes/registry.ts';
import type {
  CompiledWorkflow,
  CompileOptions,
  CompileResult,
  Diagnostic,
  DiagnosticCode,
  EdgeDefinition,
  Json,
  JsonObject,
  NodeKindName,
  WorkflowDefinition,
} from './types.ts';
import { pointer } from './util/jsonPointer.ts';
import type { CompiledSchema } from './util/schema.ts';
import { compileSchema, compileTrustedSchema, formatErrors } from './util/schema.ts';

/** One node as the runner sees it. Indices are positions in topological order. */
export interface PlanNode {
  readonly id: string;
  readonly kind: NodeKindName;
  readonly module: NodeModule;
  /** What the kind's `prepare` built from the config. */
  readonly data: unknown;
  /** Out ports, `error` last. */
  readonly ports: readonly string[];
  /** Position of this node in `definition.nodes`. */
  readonly definitionIndex: number;
  /** Incoming edges: source node (plan index) and the source port (index into its `ports`). */
  readonly inSources: Int32Array;
  readonly inPorts: Int32Array;
  /**
   * The nodes whose outputs it reads (plan indices, each once): its sources,
   * and the nodes its expressions read through `$nodes.<id>`, which are
   * upstream but not always sources. A re-run reuses the node only when all
   * of these are unchanged (see `Run.mayReuse`).
   */
  readonly reads: Int32Array;
  /**
   * What a run where every node so far succeeded on its first out port
   * knows of this node's sources without looking (see `Run.clean`), when
   * every incoming edge leaves a first out port (not `error`): for a node
   * with one source, that source's position; for a merge, ALL_SOURCES (all
   * active). Otherwise NO_CLEAN_SOURCE: the run looks at each.
   */
  readonly cleanSource: number;
  /** The port a node called directly emits on: 0, or -1 when its kind has none but `error`. */
  readonly emitPort: number;
  /** Whether a wired `error` port handles this node's failures. */
  readonly handlesErrors: boolean;
  readonly isMerge: boolean;
  readonly isTrigger: boolean;
  readonly isOutput: boolean;
  /** False when the node's run never looks at its input (NodeModule.readsInput). */
  readonly readsInput: boolean;
  /** Timed in groups with its neighbours rather than alone (NodeModule.light). */
  readonly light: boolean;
  /** The node's run as a plain function, when its kind offers one (NodeModule.direct). */
  readonly direct: DirectRun | undefined;
  /**
   * What the node's result depends on besides its sources' outputs: kind,
   * config, incoming wiring, whether its error port is wired (and the input
   * schema, for the trigger). Equal
   * signatures with reused sources mean an equal result (see RunOptions.previous).
   */
  readonly signature: string;
  /** Incoming edges as `source.port`, in edge order (part of the signature). */
  readonly wiring: readonly string[];
  /**
   * The node's compiled expressions by config pointer, not bound to run
   * positions: a later compile given this plan as `previous` takes them for
   * the same node object instead of compiling its config again.
   */
  readonly expressions: ReadonlyMap<string, CompiledExpression>;
  /**
   * Merge nodes whose sources are distinct nodes: an object with a key per
   * source, in edge order, to copy when every source is active. A copy of an
   * object of known shape costs a fraction of adding the keys one by one.
   */
  readonly mergeTemplate: JsonObject | undefined;
}

/** PlanNode.cleanSource of a merge: every source is active. */
export const ALL_SOURCES = -1;
/** PlanNode.cleanSource of a node whose sources must be looked at. */
export const NO_CLEAN_SOURCE = -2;

/**
 * PlanNode.reads: its sources and the nodes its expressions read through
 * `$nodes` (a source may come twice, from two of its ports; checking it twice
 * is harmless). The sources themselves when the expressions read no other.
 */
function readsOf(
  draft: NodeDraft,
  inSources: Int32Array,
  positionOf: ((id: string) => number | undefined) | undefined,
): Int32Array {
  let more: Set<number> | undefined;
  for (const expression of draft.expressions.values()) {
    for (const ref of expression.nodeRefs) {
      const at = positionOf?.(ref);
      if (at !== undefined && !inSources.includes(at)) (more ??= new Set()).add(at);
    }
  }
  return more === undefined ? inSources : Int32Array.from([...inSources, ...more]);
}

/** PlanNode.cleanSource for a node with these incoming edges (`inSources`: their run positions). */
function cleanSourceOf(
  kind: NodeKindName,
  incoming: readonly ValidEdge[],
  drafts: readonly (NodeDraft | undefined)[],
  inSources: Int32Array,
): number {
  const firstPorts = incoming.every(
    (edge) => edge.sourcePort === 0 && (drafts[edge.source] as NodeDraft).ports.length > 1,
  );
  if (!firstPorts) return NO_CLEAN_SOURCE;
  if (kind === 'merge') return ALL_SOURCES;
  return incoming.length === 1 ? (inSources[0] as number) : NO_CLEAN_SOURCE;
}

/** A fast-properties object with these keys (values null), or undefined when ids repeat. */
function mergeTemplateOf(ids: readonly string[]): JsonObject | undefined {
  if (new Set(ids).size !== ids.length || ids.includes('__proto__')) return undefined;
  const keys: JsonObject = {};
  for (const id of ids) keys[id] = null;
  // Parsed, not built: the parser gives the object a fast layout even where
  // adding many keys one by one would turn it into a dictionary.
  return JSON.parse(JSON.stringify(keys)) as JsonObject;
}

/**
 * What compile learned about a valid definition's graph, kept with its plan so
 * that an edit to one node's config can be compiled alone (see `recompileOne`).
 */
interface PlanGraph {
  /** Definition index by node id. */
  readonly indexById: ReadonlyMap<string, number>;
  /** Whether `candidate` is upstream of `of` (definition indexes). */
  readonly isUpstream: (of: number, candidate: number) => boolean;
  /** Run position of a node id. */
  readonly positionOf: (id: string) => number | undefined;
  readonly inputSchema: CompiledSchema | undefined;
  readonly warnings: readonly Diagnostic[];
}

/** WorkflowPlan.cleanSteps: a node the clean loop does not run. */
export const NOT_CLEAN = 0;
/** A merge whose sources are all active in a clean run. */
export const CLEAN_MERGE = 1;
/** Called directly on its source's output (a source that is not a merge). */
export const CLEAN_FROM_SOURCE = 2;
/** Called directly without its input: it never reads it, and its source is a merge. */
export const CLEAN_NO_INPUT = 3;
/** Called directly on its source merge's object, built for it. */
export const CLEAN_FROM_MERGE = 4;

/** WorkflowPlan.cleanSteps for one node of a plan. */
function cleanStepOf(node: PlanNode, nodes: readonly PlanNode[]): number {
  if (node.isMerge) {
    return node.cleanSource === ALL_SOURCES && node.inSources.length > 0 ? CLEAN_MERGE : NOT_CLEAN;
  }
  if (node.cleanSource < 0 || !node.light || node.direct === undefined) return NOT_CLEAN;
  if (!(nodes[node.cleanSource] as PlanNode).isMerge) return CLEAN_FROM_SOURCE;
  return node.readsInput ? CLEAN_FROM_MERGE : CLEAN_NO_INPUT;
}

/** The engine's compiled form; see CompiledWorkflow in types.ts. */
export class WorkflowPlan implements CompiledWorkflow {
  /** Plan index of each node, in definition order (results are reported in that order). */
  readonly byDefinition: Int32Array;
  /** Plan index of each output node, in definition order. */
  readonly outputs: Int32Array;
  /**
   * How the runner's clean loop runs each node (see `advanceClean` in
   * run.ts), by position: NOT_CLEAN, or one of the CLEAN_ kinds for a merge
   * with sources, and for a light node called directly (NodeModule.direct)
   * whose one incoming edge leaves a first port.
   */
  readonly cleanSteps: Uint8Array;
  /**
   * For each clean step called directly: its source's position, its run and
   * its emit port, by position. Beside each other in arrays, so the loop
   * reads no node object.
   */
  readonly cleanSources: Int32Array;
  readonly directs: readonly (DirectRun | undefined)[];
  readonly emitPorts: Int32Array;

  constructor(
    readonly definition: WorkflowDefinition,
    readonly order: readonly string[],
    readonly nodes: readonly PlanNode[],
    readonly graph: PlanGraph,
  ) {
    // Plain loops: built on every keystroke (a one-node recompile makes a new
    // plan), and `TypedArray.from` with a mapping function costs several
    // times as much per node (0.6 ms of a big-1000 keystroke in the worker).
    const count = nodes.length;
    const byDefinition = new Int32Array(count);
    const cleanSteps = new Uint8Array(count);
    const cleanSources = new Int32Array(count);
    const emitPorts = new Int32Array(count);
    // Pushed, not preallocated: the clean loop reads it per node, and a
    // preallocated array is holey (each read checks for a hole).
    const directs: (DirectRun | undefined)[] = [];
    for (let k = 0; k < count; k++) {
      const node = nodes[k] as PlanNode;
      byDefinition[node.definitionIndex] = k;
      cleanSteps[k] = cleanStepOf(node, nodes);
      cleanSources[k] = node.cleanSource;
      emitPorts[k] = node.emitPort;
      directs.push(node.direct);
    }
    this.byDefinition = byDefinition;
    this.outputs = byDefinition.filter((k) => (nodes[k] as PlanNode).isOutput);
    this.cleanSteps = cleanSteps;
    this.cleanSources = cleanSources;
    this.directs = directs;
    this.emitPorts = emitPorts;
  }

  /** The run position of a node, by id. */
  positionOf(id: string): number | undefined {
    return this.graph.positionOf(id);
  }
}

/** What a node's result depends on besides its sources' outputs (see PlanNode.signature). */
function signatureOf(
  kind: NodeKindName,
  config: JsonObject,
  wiring: readonly string[],
  inputSchema: Json | undefined,
  handled: boolean,
): string {
  return JSON.stringify([
    kind,
    config,
    wiring,
    kind === 'trigger' ? (inputSchema ?? null) : null,
    // Wiring the error port turns a failure into output on that port.
    handled,
  ]);
}

/** How the runner treats a node: whether it reads its input, is timed in groups, and is called directly. */
function runTraits(
  kind: NodeKindName,
  module: NodeModule,
  data: unknown,
): Pick<PlanNode, 'readsInput' | 'light' | 'direct'> {
  return {
    readsInput: module.readsInput?.(data) ?? true,
    light: kind === 'merge' || (module.light?.(data) ?? false),
    direct: module.direct?.(data),
  };
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The out ports of a node, `error` included, as edges may name them. */
function expressionSites(module: NodeModule, config: JsonObject) {
  if (module.expressions) return module.expressions(config);
  const sites: { pointer: string; source: string }[] = [];
  for (const field of module.info.expressionFields) {
    const source = config[field];
    if (typeof source === 'string') sites.push({ pointer: pointer(field), source });
  }
  return sites;
}

/** Finds one cycle among nodes Kahn's algorithm could not order; returns it in order. */
function findCycle(successors: readonly number[][], remaining: ReadonlySet<number>): number[] {
  const state = new Map<number, 'open' | 'done'>();
  const stack: number[] = [];
  const visit = (node: number): number[] | undefined => {
    state.set(node, 'open');
    stack.push(node);
    for (const next of successors[node] ?? []) {
      if (!remaining.has(next)) continue;
      const seen = state.get(next);
      if (seen === 'open') return stack.slice(stack.indexOf(next));
      if (seen === undefined) {
        const found = visit(next);
        if (found) return found;
      }
    }
    stack.pop();
    state.set(node, 'done');
    return undefined;
  };
  for (const start of remaining) {
    if (state.has(start)) continue;
    const found = visit(start);
    if (found) return found;
  }
  return [...remaining];
}

// Kinds' config schemas are our own constants: compile each once per module.
const configValidators = new WeakMap<NodeModule, CompiledSchema>();
function configValidatorOf(module: NodeModule): CompiledSchema {
  let validator = configValidators.get(module);
  if (!validator) {
    validator = compileTrustedSchema(module.info.configSchema);
    configValidators.set(module, validator);
  }
  return validator;
}

interface NodeDraft {
  id: string;
  kind: NodeKindName;
  module: NodeModule;
  config: JsonObject;
  configOk: boolean;
  ports: readonly string[];
  expressions: ReadonlyMap<string, CompiledExpression>;
}

/** What a kind's `prepare` sees of one node. A class, not closures: compile runs per edit. */
class Preparation implements PrepareInput {
  readonly id: string;
  readonly config: JsonObject;

  constructor(
    private readonly draft: NodeDraft,
    private readonly index: number,
    readonly inputSchema: CompiledSchema | undefined,
    private readonly errors: Diagnostic[],
    /** Run position of a node id; undefined while the graph has errors. */
    private readonly positionOf: ((id: string) => number | undefined) | undefined,
  ) {
    this.id = draft.id;
    this.config = draft.config;
  }

  /** The expression, bound to the run positions of the nodes it reads. */
  expression(at: string): CompiledExpression | undefined {
    const expression = this.draft.expressions.get(at);
    const positionOf = this.positionOf;
    if (expression === undefined || expression.nodeRefs.length === 0 || !positionOf) {
      return expression;
    }
    const slots = new Int32Array(expression.nodeRefs.length);
    for (let i = 0; i < slots.length; i++) {
      const at = positionOf(expression.nodeRefs[i] as string);
      // An unknown reference is already an error: no plan is built.
      if (at === undefined) return expression;
      slots[i] = at;
    }
    return expression.bind(slots);
  }

  schema(at: string, schema: Json, code: DiagnosticCode): CompiledSchema | undefined {
    if (typeof schema !== 'boolean' && !isObject(schema)) return undefined;
    const compiled = compileSchema(schema);
    if (compiled.ok) return compiled.schema;
    this.report(
      at,
      code,
      `${this.draft.module.info.label} node "${this.id}": the schema does not compile: ${compiled.message}`,
    );
    return undefined;
  }

  report(at: string, code: DiagnosticCode, message: string): void {
    this.errors.push({
      code,
      message,
      path: pointer('nodes', this.index, 'config') + at,
      severity: 'error',
      node: this.id,
    });
  }
}

interface ValidEdge {
  index: number;
  source: number;
  sourcePort: number;
  target: number;
}

type ReportError = (
  code: DiagnosticCode,
  path: string,
  message: string,
  extra?: Partial<Diagnostic>,
) => void;

/**
 * Compiles node `i`'s expressions into its draft, reporting what does not
 * parse and `$nodes.<id>` reads of nodes that are not upstream. Shared by the
 * whole compile and the one-node recompile, so both say the same.
 */
function compileSites(
  draft: NodeDraft,
  i: number,
  indexOf: (id: string) => number | undefined,
  isUpstream: ((of: number, candidate: number) => boolean) | undefined,
  error: ReportError,
): void {
  const expressions = new Map<string, CompiledExpression>();
  draft.expressions = expressions;
  for (const site of expressionSites(draft.module, draft.config)) {
    const compiled = compileExpression(site.source);
    if (!compiled.ok) {
      const { problem } = compiled;
      const code = problem.code === 'EXPRESSION_UNSUPPORTED' ? problem.code : 'EXPRESSION_SYNTAX';
      error(
        code,
        pointer('nodes', i, 'config') + site.pointer,
        `${draft.module.info.label} node "${draft.id}", config${site.pointer}: ${problem.message}`,
        {
          node: draft.id,
          ...(problem.position !== undefined ? { position: problem.position } : {}),
        },
      );
      continue;
    }
    expressions.set(site.pointer, compiled.expression);
    checkReferences(draft, i, site.pointer, compiled.expression, indexOf, isUpstream, error);
  }
}

/**
 * Reports the `$nodes.<id>` reads of node `i`'s expression at `at` that name
 * no node, or a node not upstream of it. Also run on the expressions a whole
 * compile takes from the previous plan: the graph around them may have changed.
 */
function checkReferences(
  draft: NodeDraft,
  i: number,
  at: string,
  expression: CompiledExpression,
  indexOf: (id: string) => number | undefined,
  isUpstream: ((of: number, candidate: number) => boolean) | undefined,
  error: ReportError,
): void {
  for (const ref of expression.nodeRefs) {
    const target = indexOf(ref);
    if (target !== undefined && (!isUpstream || isUpstream(i, target))) continue;
    const position = expression.nodeRefSites?.find((site) => site.node === ref)?.position;
    const where = position === undefined ? { node: draft.id } : { node: draft.id, position };
    const path = pointer('nodes', i, 'config') + at;
    if (target === undefined) {
      error(
        'NODE_REFERENCE',
        path,
        `Node "${draft.id}" reads $nodes.${ref}, but no node has the id "${ref}".`,
        where,
      );
    } else {
      error(
        'NODE_REFERENCE',
        path,
        target === i
          ? `Node "${draft.id}" reads its own output ($nodes.${ref}); use $ for its input.`
          : `Node "${draft.id}" reads $nodes.${ref}, but "${ref}" is not upstream of it: connect it, or read a node that runs before.`,
        where,
      );
    }
  }
}

/**
 * The previous plan's nodes by their definition object: what a whole compile
 * given `previous` may take for a node that is the very same object (its
 * config checked, its ports and expressions compiled).
 */
function reusableNodes(previous: WorkflowPlan): Map<unknown, PlanNode> {
  const byObject = new Map<unknown, PlanNode>();
  const before = previous.definition.nodes;
  for (const node of previous.nodes) byObject.set(before[node.definitionIndex], node);
  return byObject;
}

/**
 * The structural problems of a document. With the previous plan's nodes, the
 * top level and only the nodes and edges that are not the previous
 * definition's very objects are checked (each already passed); any problem
 * there, and the whole document is checked again, so that the problems are
 * reported as a whole check reports them.
 */
function shapeErrorsOf(
  input: unknown,
  previous: WorkflowPlan | undefined,
  reusable: ReadonlyMap<unknown, PlanNode> | undefined,
) {
  if (previous && reusable && isObject(input)) {
    const { nodes, edges } = input;
    const known = new Set<unknown>(previous.definition.edges);
    if (
      Array.isArray(nodes) &&
      Array.isArray(edges) &&
      structuralTopSchema().validate(input).length === 0 &&
      nodes.every(
        (node) => reusable.has(node) || structuralNodeSchema().validate(node).length === 0,
      ) &&
      edges.every((edge) => known.has(edge) || structuralEdgeSchema().validate(edge).length === 0)
    ) {
      return [];
    }
  }
  return structuralSchema().validate(input);
}

/**
 * The whole compile. With `previous` (a plan of an earlier version of the
 * definition), a node that is the very object of the previous definition
 * keeps what the previous plan made of it: its config's check, its ports, its
 * compiled expressions (their references are checked again), its prepared
 * data when the nodes it reads keep their run positions and the input schema
 * is the same, and its signature when its incoming wiring is the same. An
 * edit of the graph (an edge, a port, a node added or removed) on a big
 * workflow otherwise compiled every node's config again.
 */
function compileUnsafe(input: unknown, previous?: WorkflowPlan): CompileResult {
  const errors: Diagnostic[] = [];
  const warnings: Diagnostic[] = [];
  const error = (
    code: DiagnosticCode,
    path: string,
    message: string,
    extra?: Partial<Diagnostic>,
  ) => {
    errors.push({ code, message, path, severity: 'error', ...extra });
  };

  // 1. The document's shape. Nothing else is safe to read until it holds.
  const reusable = previous ? reusableNodes(previous) : undefined;
  const shapeErrors = shapeErrorsOf(input, previous, reusable);
  if (shapeErrors.length > 0) {
    for (const e of shapeErrors) {
      error('SCHEMA_INVALID', e.path, `${e.path === '' ? 'The document' : e.path} ${e.message}.`);
    }
    return { ok: false, errors, warnings };
  }
  const definition = input as WorkflowDefinition;

  // 2. Nodes: unique ids, configs their kind accepts, ports.
  const indexById = new Map<string, number>();
  const drafts: NodeDraft[] = [];
  const triggers: number[] = [];
  const reused: (PlanNode | undefined)[] = [];
  definition.nodes.forEach((node, i) => {
    const module = nodeModuleOf(node.kind) as NodeModule;
    const config = node.config ?? {};
    const old = reusable?.get(node);
    reused.push(old);
    if (indexById.has(node.id)) {
      error(
        'DUPLICATE_ID',
        pointer('nodes', i, 'id'),
        `Two nodes have the id "${node.id}" (nodes ${indexById.get(node.id)} and ${i}); ids must be unique.`,
        { node: node.id },
      );
    } else {
      indexById.set(node.id, i);
    }
    if (node.kind === 'trigger') triggers.push(i);
    if (old) {
      drafts.push({
        id: node.id,
        kind: node.kind,
        module,
        config,
        configOk: true,
        ports: old.ports,
        expressions: old.expressions,
      });
      return;
    }
    const configErrors = configValidatorOf(module).validate(config);
    for (const e of configErrors) {
      error(
        'CONFIG_INVALID',
        pointer('nodes', i, 'config') + e.path,
        `${module.info.label} node "${node.id}": config${e.path} ${e.message}.`,
        { node: node.id },
      );
    }
    const configOk = configErrors.length === 0;
    drafts.push({
      id: node.id,
      kind: node.kind,
      module,
      config,
      configOk,
      ports: configOk ? portsOf(module, config) : [...module.info.outPorts, 'error'],
      expressions: new Map(),
    });
  });

  if (triggers.length === 0) {
    error('TRIGGER_COUNT', '/nodes', 'The workflow has no trigger; it needs exactly one to start.');
  }
  for (const extra of triggers.slice(1)) {
    const id = definition.nodes[extra]?.id ?? '';
    error(
      'TRIGGER_COUNT',
      pointer('nodes', extra),
      `The workflow has ${triggers.length} triggers ("${id}" is one too many); it needs exactly one.`,
      { node: id },
    );
  }

  // 3. Edges: known nodes and ports, no duplicates.
  const edges: ValidEdge[] = [];
  const edgeKeys = new Set<string>();
  definition.edges.forEach((edge: EdgeDefinition, i) => {
    const source = indexById.get(edge.source);
    const target = indexById.get(edge.target);
    if (source === undefined) {
      error(
        'UNKNOWN_NODE',
        pointer('edges', i, 'source'),
        `Edge ${i} starts at "${edge.source}", but no node has that id.`,
      );
    }
    if (target === undefined) {
      error(
        'UNKNOWN_NODE',
        pointer('edges', i, 'target'),
        `Edge ${i} ends at "${edge.target}", but no node has that id.`,
      );
    }
    if (source === undefined || target === undefined) return;
    const from = drafts[source] as NodeDraft;
    const to = drafts[target] as NodeDraft;
    const sourcePort = edge.sourcePort ?? 'out';
    const portIndex = from.ports.indexOf(sourcePort);
    let ok = true;
    if (portIndex < 0) {
      error(
        'UNKNOWN_PORT',
        pointer('edges', i, edge.sourcePort === undefined ? 'source' : 'sourcePort'),
        `Edge ${i} leaves "${from.id}" by port "${sourcePort}", but a ${from.module.info.label} node has only ${from.ports.map((p) => `"${p}"`).join(', ')}.`,
        { node: from.id },
      );
      ok = false;
    }
    const targetPort = edge.targetPort ?? 'in';
    if (!to.module.info.hasInput || targetPort !== 'in') {
      error(
        'UNKNOWN_PORT',
        pointer('edges', i, edge.targetPort === undefined ? 'target' : 'targetPort'),
        to.module.info.hasInput
          ? `Edge ${i} enters "${to.id}" by port "${targetPort}", but nodes have only the port "in".`
          : `Edge ${i} enters "${to.id}", but a ${to.module.info.label} node has no input.`,
        { node: to.id },
      );
      ok = false;
    }
    if (!ok) return;
    const key = `${source}\u0000${portIndex}\u0000${target}`;
    if (edgeKeys.has(key)) {
      error(
        'DUPLICATE_EDGE',
        pointer('edges', i),
        `Edge ${i} repeats another edge from "${from.id}" port "${sourcePort}" to "${to.id}".`,
        { node: to.id },
      );
      return;
    }
    edgeKeys.add(key);
    edges.push({ index: i, source, sourcePort: portIndex, target });
  });

  // 4. Order: Kahn's algorithm, stable by definition order; what is left over holds a cycle.
  const count = drafts.length;
  const successors: number[][] = Array.from({ length: count }, () => []);
  const predecessors: ValidEdge[][] = Array.from({ length: count }, () => []);
  const inDegree = new Int32Array(count);
  for (const edge of edges) {
    successors[edge.source]?.push(edge.target);
    predecessors[edge.target]?.push(edge);
    inDegree[edge.target] = (inDegree[edge.target] ?? 0) + 1;
  }
  const order: number[] = [];
  for (let i = 0; i < count; i++) if (inDegree[i] === 0) order.push(i);
  for (let head = 0; head < order.length; head++) {
    for (const next of successors[order[head] as number] ?? []) {
      inDegree[next] = (inDegree[next] ?? 0) - 1;
      if (inDegree[next] === 0) order.push(next);
    }
  }
  const acyclic = order.length === count;
  if (!acyclic) {
    const placed = new Set(order);
    const remaining = new Set<number>();
    for (let i = 0; i < count; i++) if (!placed.has(i)) remaining.add(i);
    const cycle = findCycle(successors, remaining);
    const names = cycle.map((i) => drafts[i]?.id ?? '?');
    const first = cycle[0] ?? 0;
    error(
      'CYCLE',
      pointer('nodes', first),
      `The graph has a cycle: ${[...names, names[0]].map((n) => `"${n}"`).join(' -> ')}. Workflows must be acyclic.`,
      { node: names[0] ?? '' },
    );
  }

  // Upstream sets as bitsets, in topological order: one OR per edge per word.
  const words = (count + 31) >>> 5;
  const upstream = new Uint32Array(acyclic ? count * words : 0);
  if (acyclic) {
    for (const node of order) {
      for (const edge of predecessors[node] ?? []) {
        const s = edge.source;
        upstream[node * words + (s >>> 5)] =
          (upstream[node * words + (s >>> 5)] ?? 0) | (1 << (s & 31));
        for (let w = 0; w < words; w++) {
          upstream[node * words + w] =
            (upstream[node * words + w] ?? 0) | (upstream[s * words + w] ?? 0);
        }
      }
    }
  }
  const isUpstream = (of: number, candidate: number) =>
    ((upstream[of * words + (candidate >>> 5)] ?? 0) & (1 << (candidate & 31))) !== 0;

  // 5. Expressions: compiled once here, references checked against the graph.
  const indexOf = (id: string) => indexById.get(id);
  drafts.forEach((draft, i) => {
    if (!draft.configOk) return;
    if (!reused[i]) {
      compileSites(draft, i, indexOf, acyclic ? isUpstream : undefined, error);
      return;
    }
    for (const [at, expression] of draft.expressions) {
      checkReferences(draft, i, at, expression, indexOf, acyclic ? isUpstream : undefined, error);
    }
  });

  // 6. Schemas: the input's, and its samples.
  let inputSchema: CompiledSchema | undefined;
  const inputSchemaSource = definition.input?.schema;
  if (inputSchemaSource !== undefined) {
    const compiled = compileSchema(inputSchemaSource);
    if (compiled.ok) inputSchema = compiled.schema;
    else {
      error(
        'INPUT_SCHEMA_INVALID',
        '/input/schema',
        `The input schema does not compile: ${compiled.message}`,
      );
    }
  }
  if (inputSchema) warnings.push(...sampleWarnings(definition, inputSchema));

  // 7. Each kind prepares what it runs with (and may report more, like a
  // validate schema). Expressions come bound to the run positions of the
  // nodes they read, so `$nodes.<id>` is an array read at run time.
  const position = new Int32Array(count);
  order.forEach((node, k) => {
    position[node] = k;
  });
  const positionOf = acyclic
    ? (id: string) => {
        const i = indexById.get(id);
        return i === undefined ? undefined : position[i];
      }
    : undefined;
  // A reused node's data stays when what prepare read is the same: its config
  // (the same object), the input schema and the run positions of the nodes
  // its expressions read.
  const samePositions = (draft: NodeDraft) => {
    if (!previous || !positionOf) return false;
    for (const expression of draft.expressions.values()) {
      for (const ref of expression.nodeRefs) {
        if (positionOf(ref) !== previous.graph.positionOf(ref)) return false;
      }
    }
    return true;
  };
  const keptData = new Uint8Array(count);
  const prepared: unknown[] = drafts.map((draft, i) => {
    if (!draft.configOk) return undefined;
    const old = reused[i];
    if (old && inputSchema === previous?.graph.inputSchema && samePositions(draft)) {
      keptData[i] = 1;
      return old.data;
    }
    return draft.module.prepare(new Preparation(draft, i, inputSchema, errors, positionOf));
  });

  // 8. Unreachable nodes: a warning, they are skipped on every run.
  const trigger = triggers[0];
  if (trigger !== undefined) {
    const reached = new Uint8Array(count);
    reached[trigger] = 1;
    const queue = [trigger];
    for (let head = 0; head < queue.length; head++) {
      for (const next of successors[queue[head] as number] ?? []) {
        if (!reached[next]) {
          reached[next] = 1;
          queue.push(next);
        }
      }
    }
    drafts.forEach((draft, i) => {
      if (!reached[i]) {
        warnings.push({
          code: 'UNREACHABLE',
          severity: 'warning',
          path: pointer('nodes', i),
          node: draft.id,
          message: `Node "${draft.id}" cannot be reached from the trigger, so it never runs.`,
        });
      }
    });
  }

  if (errors.length > 0) return { ok: false, errors, warnings };

  // 9. The plan: everything the runner needs, as arrays in run order.
  const handled = new Uint8Array(count);
  for (const edge of edges) {
    if (edge.sourcePort === (drafts[edge.source]?.ports.length ?? 0) - 1) handled[edge.source] = 1;
  }
  const nodes: PlanNode[] = order.map((i) => {
    const draft = drafts[i] as NodeDraft;
    const incoming = predecessors[i] ?? [];
    const old = reused[i];
    // The previous plan's node itself, when nothing it holds has changed: its
    // data kept (for the trigger, that is the same input schema), at the same
    // index, wired from the same positions and ports of the same names (a
    // renamed port changes its signature). Its reads, clean source and merge
    // template follow from those.
    if (
      old &&
      keptData[i] === 1 &&
      old.definitionIndex === i &&
      old.handlesErrors === (handled[i] === 1) &&
      sameIncoming(old, incoming, position, drafts)
    ) {
      return old;
    }
    const inSources = new Int32Array(incoming.length);
    const inPorts = new Int32Array(incoming.length);
    incoming.forEach((edge, j) => {
      inSources[j] = position[edge.source] ?? 0;
      inPorts[j] = edge.sourcePort;
    });
    // In edge order, not sorted: a merge's keys and an AMBIGUOUS_INPUT
    // message follow it, so reordering the edges changes the result.
    const wiring = incoming.map((edge) => {
      const source = drafts[edge.source] as NodeDraft;
      return `${source.id}.${source.ports[edge.sourcePort] ?? ''}`;
    });
    const signature =
      old &&
      draft.kind !== 'trigger' &&
      old.handlesErrors === (handled[i] === 1) &&
      sameList(old.wiring, wiring)
        ? old.signature
        : signatureOf(draft.kind, draft.config, wiring, definition.input?.schema, handled[i] === 1);
    return {
      id: draft.id,
      signature,
      wiring,
      expressions: draft.expressions,
      kind: draft.kind,
      module: draft.module,
      data: prepared[i],
      ports: draft.ports,
      definitionIndex: i,
      inSources,
      inPorts,
      reads: readsOf(draft, inSources, positionOf),
      cleanSource: cleanSourceOf(draft.kind, incoming, drafts, inSources),
      emitPort: draft.ports.length > 1 ? 0 : -1,
      handlesErrors: handled[i] === 1,
      isMerge: draft.kind === 'merge',
      isTrigger: draft.kind === 'trigger',
      isOutput: draft.kind === 'output',
      ...runTraits(draft.kind, draft.module, prepared[i]),
      mergeTemplate:
        draft.kind === 'merge'
          ? mergeTemplateOf(incoming.map((edge) => (drafts[edge.source] as NodeDraft).id))
          : undefined,
    };
  });
  const plan = new WorkflowPlan(
    definition,
    nodes.map((n) => n.id),
    nodes,
    { indexById, isUpstream, positionOf: positionOf ?? (() => undefined), inputSchema, warnings },
  );
  return { ok: true, workflow: plan, errors: [], warnings };
}

/**
 * Whether a plan node's incoming edges are `incoming`: the same sources at the
 * same run positions (`position`), the same port indexes and the same
 * `source.port` wiring, compared without building its strings.
 */
function sameIncoming(
  old: PlanNode,
  incoming: readonly ValidEdge[],
  position: Int32Array,
  drafts: readonly NodeDraft[],
): boolean {
  if (incoming.length !== old.inSources.length) return false;
  for (let j = 0; j < incoming.length; j++) {
    const edge = incoming[j] as ValidEdge;
    if (position[edge.source] !== old.inSources[j] || edge.sourcePort !== old.inPorts[j]) {
      return false;
    }
    const source = drafts[edge.source] as NodeDraft;
    const port = source.ports[edge.sourcePort] ?? '';
    const wire = old.wiring[j] as string;
    if (
      wire.length !== source.id.length + 1 + port.length ||
      !wire.startsWith(source.id) ||
      wire.charCodeAt(source.id.length) !== 46 || // '.'
      !wire.endsWith(port)
    ) {
      return false;
    }
  }
  return true;
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** SAMPLE_INVALID for each input sample the input schema refuses, in sample order. */
function sampleWarnings(definition: WorkflowDefinition, inputSchema: CompiledSchema): Diagnostic[] {
  const warnings: Diagnostic[] = [];
  definition.input?.samples?.forEach((sample, i) => {
    const problems = inputSchema.validate(sample.data);
    if (problems.length > 0) {
      warnings.push({
        code: 'SAMPLE_INVALID',
        severity: 'warning',
        path: pointer('input', 'samples', i, 'data'),
        message: `Sample "${sample.name}" does not match the input schema: ${formatErrors(problems)}`,
      });
    }
  });
  return warnings;
}

/** Top-level members whose change leaves the plan as it is (their checks aside). */
const PLAN_FREE = new Set(['name', 'description']);

/**
 * The JSON text of an `input` member's schema: '' when it has none (no JSON
 * text is empty), undefined when it cannot be written (too deep).
 */
function schemaText(input: JsonObject): string | undefined {
  if (input['schema'] === undefined) return '';
  try {
    return JSON.stringify(input['schema']);
  } catch {
    return undefined;
  }
}

/**
 * Compiles `input` from `previous` when the two differ only in their top
 * level: the name, the description, the input samples (the editor types into
 * a sample on every keystroke; a big workflow took a whole compile each time)
 * or the input schema. Each node and edge must be the very object of the
 * previous definition, and every other member equal. The new top level is
 * checked, the samples against the input schema again, and a new input schema
 * is compiled and given to the trigger, the one node that reads it, as a
 * whole compile would. Otherwise (a schema that does not compile included)
 * undefined.
 */
function recompileTopLevel(previous: WorkflowPlan, input: unknown): CompileResult | undefined {
  if (!isObject(input)) return undefined;
  const before = previous.definition as unknown as JsonObject;
  const after = input;
  if (!sameItems(before['nodes'], after['nodes']) || !sameItems(before['edges'], after['edges'])) {
    return undefined;
  }
  let schemaChanged = false;
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (key === 'nodes' || key === 'edges' || before[key] === after[key]) continue;
    if (PLAN_FREE.has(key)) continue;
    if (key !== 'input') return undefined;
    const was = before[key];
    const now = after[key];
    if (!isObject(was) || !isObject(now)) return undefined;
    const schemaWas = schemaText(was);
    const schemaNow = schemaText(now);
    if (schemaWas === undefined || schemaNow === undefined) return undefined;
    schemaChanged = schemaWas !== schemaNow;
  }
  if (structuralTopSchema().validate(after).length > 0) return undefined;
  const definition = input as unknown as WorkflowDefinition;
  const { graph } = previous;
  let nodes: readonly PlanNode[] = previous.nodes;
  let inputSchema = graph.inputSchema;
  if (schemaChanged) {
    const source = definition.input?.schema;
    const compiled = source === undefined ? undefined : compileSchema(source);
    if (compiled && !compiled.ok) return undefined;
    inputSchema = compiled?.schema;
    const k = nodes.findIndex((n) => n.isTrigger);
    const trigger = nodes[k];
    if (!trigger) return undefined;
    const config = definition.nodes[trigger.definitionIndex]?.config ?? {};
    const replaced = nodes.slice();
    replaced[k] = {
      ...trigger,
      data: inputSchema,
      signature: signatureOf('trigger', config, trigger.wiring, source, trigger.handlesErrors),
      ...runTraits('trigger', trigger.module, inputSchema),
    };
    nodes = replaced;
  }
  // A whole compile lists the samples' warnings first, then the others.
  const warnings = [
    ...(inputSchema ? sampleWarnings(definition, inputSchema) : []),
    ...graph.warnings.filter((w) => w.code !== 'SAMPLE_INVALID'),
  ];
  const plan = new WorkflowPlan(definition, previous.order, nodes, {
    ...graph,
    inputSchema,
    warnings,
  });
  return { ok: true, workflow: plan, errors: [], warnings: [...warnings] };
}

/** Whether two values are arrays of the very same items. */
function sameItems(a: unknown, b: unknown): boolean {
  return (
    Array.isArray(a) &&
    Array.isArray(b) &&
    a.length === b.length &&
    a.every((item, i) => item === b[i])
  );
}

/**
 * Compiles `input` from `previous` when the two differ only in one node's
 * config, label or position (the edit of a field): that node is checked and
 * prepared again, every other node is taken from the previous plan. Anything
 * else, or any problem with the edited node, returns undefined and the caller
 * compiles the whole definition (which reports the problems as usual).
 *
 * Unchanged parts are recognised by identity: nodes, edges and the other
 * top-level values must be the very objects of the previous definition. A
 * caller must therefore not change a definition in place between compiles.
 */
function recompileOne(previous: WorkflowPlan, input: unknown): CompileResult | undefined {
  if (!isObject(input)) return undefined;
  const before = previous.definition as unknown as JsonObject;
  const after = input;
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (key !== 'nodes' && key !== 'edges' && before[key] !== after[key]) return undefined;
  }
  if (!sameItems(before['edges'], after['edges'])) return undefined;
  const beforeNodes = before['nodes'];
  const afterNodes = after['nodes'];
  if (
    !Array.isArray(beforeNodes) ||
    !Array.isArray(afterNodes) ||
    beforeNodes.length !== afterNodes.length
  ) {
    return undefined;
  }
  let edited = -1;
  for (let i = 0; i < afterNodes.length; i++) {
    if (afterNodes[i] === beforeNodes[i]) continue;
    if (edited >= 0) return undefined;
    edited = i;
  }
  if (edited < 0) return undefined;

  // Everything but the edited node is the previous plan's, already checked:
  // only that node's shape, not the whole document's (a pass over every node
  // of a big workflow on each keystroke).
  if (structuralNodeSchema().validate(afterNodes[edited]).length > 0) return undefined;
  const definition = input as unknown as WorkflowDefinition;
  const node = definition.nodes[edited] as WorkflowDefinition['nodes'][number];
  const { graph } = previous;
  const k = graph.positionOf(node.id);
  const old = k === undefined ? undefined : previous.nodes[k];
  if (k === undefined || !old || old.id !== node.id || old.kind !== node.kind) return undefined;
  const module = old.module;
  const config = node.config ?? {};
  if (configValidatorOf(module).validate(config).length > 0) return undefined;
  const ports = portsOf(module, config);
  if (!sameList(ports, old.ports)) return undefined;
  const draft: NodeDraft = {
    id: node.id,
    kind: node.kind,
    module,
    config,
    configOk: true,
    ports,
    expressions: new Map(),
  };
  // Its problems are the whole compile's: the rest of the definition is the
  // previous plan's, which had none (an operator typed before its operand, on
  // a big workflow, compiled every node again to say so).
  const errors: Diagnostic[] = [];
  const error: ReportError = (code, path, message, extra) => {
    errors.push({ code, message, path, severity: 'error', ...extra });
  };
  const indexOf = (id: string) => graph.indexById.get(id);
  compileSites(draft, edited, indexOf, (of, candidate) => graph.isUpstream(of, candidate), error);
  const data = module.prepare(
    new Preparation(draft, edited, graph.inputSchema, errors, graph.positionOf),
  );
  if (errors.length > 0) return { ok: false, errors, warnings: [...graph.warnings] };
  const replacement: PlanNode = {
    ...old,
    data,
    ports,
    expressions: draft.expressions,
    reads: readsOf(draft, old.inSources, graph.positionOf),
    signature: signatureOf(
      node.kind,
      config,
      old.wiring,
      definition.input?.schema,
      old.handlesErrors,
    ),
    ...runTraits(node.kind, module, data),
  };
  const nodes = previous.nodes.slice();
  nodes[k] = replacement;
  const plan = new WorkflowPlan(definition, previous.order, nodes, graph);
  return { ok: true, workflow: plan, errors: [], warnings: [...graph.warnings] };
}

/**
 * Checks a definition and compiles it for `runWorkflow`. Never throws: every
 * problem comes back as a diagnostic with a stable code and a JSON Pointer.
 * With `options.previous`, an edit to one node's config is compiled alone
 * (the editor's worker, on every keystroke; see `recompileOne`), and any
 * other edit keeps what was compiled of the nodes it left alone (see
 * `compileUnsafe`).
 */
export function compileWorkflow(definition: unknown, options: CompileOptions = {}): CompileResult {
  try {
    const { previous } = options;
    if (previous instanceof WorkflowPlan) {
      const edited = recompileOne(previous, definition) ?? recompileTopLevel(previous, definition);
      return edited ?? compileUnsafe(definition, previous);
    }
    return compileUnsafe(definition);
  } catch (err) {
    // A bug of ours, not the author's; still a diagnostic, never a crash.
    return {
      ok: false,
      errors: [
        {
          code: 'SCHEMA_INVALID',
          severity: 'error',
          path: '',
          message: `The definition could not be compiled: ${err instanceof Error ? err.message : String(err)}`,
        },
      ],
      warnings: [],
    };
  }
}
