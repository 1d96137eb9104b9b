// Pure helpers over workflow documents: ids, edges, reachability, paste
// remapping. They take data and return data; the store applies the results.

import type {
  EdgeDefinition,
  Json,
  JsonObject,
  NodeDefinition,
  Position,
  WorkflowDefinition,
} from '../engine/client.ts';
import type { ClipboardPayload } from './types.ts';

const ID_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The key the editor uses for an edge: its `id`, else `source:port->target:port`. */
export function edgeKey(edge: EdgeDefinition): string {
  return (
    edge.id ??
    `${edge.source}:${edge.sourcePort ?? 'out'}->${edge.target}:${edge.targetPort ?? 'in'}`
  );
}

/** The first free id `<base><n>` (n from 1), or `<base>` itself when free and `bare` is allowed. */
export function freshId(base: string, taken: ReadonlySet<string>, bare = false): string {
  const stem = ID_PATTERN.test(base) ? base.replace(/\d+$/, '') || base : 'node';
  if (bare && !taken.has(stem)) return stem;
  for (let n = 1; ; n += 1) {
    const candidate = `${stem}${n}`;
    if (!taken.has(candidate)) return candidate;
  }
}

/** True when `to` can be reached from `from` along edges (or they are the same node). */
export function reaches(edges: readonly EdgeDefinition[], from: string, to: string): boolean {
  if (from === to) return true;
  const next = new Map<string, string[]>();
  for (const e of edges) {
    const list = next.get(e.source);
    if (list) list.push(e.target);
    else next.set(e.source, [e.target]);
  }
  const seen = new Set<string>([from]);
  const stack = [from];
  while (stack.length > 0) {
    const id = stack.pop() as string;
    for (const target of next.get(id) ?? []) {
      if (target === to) return true;
      if (!seen.has(target)) {
        seen.add(target);
        stack.push(target);
      }
    }
  }
  return false;
}

/** Rewrites `$nodes.<old>` references in every string inside a config. */
function renameRefs(value: Json, renames: ReadonlyMap<string, string>): Json {
  if (typeof value === 'string') {
    if (!value.includes('$nodes.')) return value;
    return value.replace(/\$nodes\.([A-Za-z_][A-Za-z0-9_]*)/g, (whole, id: string) => {
      const renamed = renames.get(id);
      return renamed ? `$nodes.${renamed}` : whole;
    });
  }
  if (Array.isArray(value)) return value.map((v) => renameRefs(v, renames));
  if (value && typeof value === 'object') {
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(value)) out[k] = renameRefs(v, renames);
    return out;
  }
  return value;
}

/**
 * Places a clipboard payload into a document: every node gets a fresh id (and
 * `$nodes.<id>` references between pasted nodes follow), positions shift by
 * `offset`, and edges whose ends were not both copied are dropped. A trigger is
 * not pasted into a document that already has one (exactly one is allowed).
 */
export function pastePayload(
  document: WorkflowDefinition,
  payload: ClipboardPayload,
  offset: Position,
): { document: WorkflowDefinition; pastedIds: string[] } {
  const taken = new Set(document.nodes.map((n) => n.id));
  const hasTrigger = document.nodes.some((n) => n.kind === 'trigger');
  const renames = new Map<string, string>();
  const sources = payload.nodes.filter((n) => !(hasTrigger && n.kind === 'trigger'));
  for (const node of sources) {
    const id = freshId(node.id, taken);
    taken.add(id);
    renames.set(node.id, id);
  }
  const nodes: NodeDefinition[] = sources.map((node) => {
    const copy: NodeDefinition = { ...node, id: renames.get(node.id) as string };
    const at = node.position ?? { x: 0, y: 0 };
    copy.position = { x: at.x + offset.x, y: at.y + offset.y };
    if (node.config) copy.config = renameRefs(node.config, renames) as JsonObject;
    return copy;
  });
  const edges: EdgeDefinition[] = [];
  for (const edge of payload.edges) {
    const source = renames.get(edge.source);
    const target = renames.get(edge.target);
    if (!source || !target) continue;
    const copy: EdgeDefinition = { ...edge, source, target };
    delete copy.id;
    edges.push(copy);
  }
  return {
    document: {
      ...document,
      nodes: [...document.nodes, ...nodes],
      edges: [...document.edges, ...edges],
    },
    pastedIds: nodes.map((n) => n.id),
  };
}

/** The selected nodes and the edges between them, as a clipboard payload. */
export function copyPayload(
  document: WorkflowDefinition,
  nodeIds: readonly string[],
): ClipboardPayload | null {
  const ids = new Set(nodeIds);
  const nodes = document.nodes.filter((n) => ids.has(n.id));
  if (nodes.length === 0) return null;
  const edges = document.edges.filter((e) => ids.has(e.source) && ids.has(e.target));
  return structuredClone({ format: 'weft/clipboard', nodes, edges });
}

/** Reads a clipboard payload from text (the system clipboard); null when it is not one. */
export function parseClipboard(text: string): ClipboardPayload | null {
  try {
    const value: unknown = JSON.parse(text);
    if (
      value &&
      typeof value === 'object' &&
      (value as { format?: unknown }).format === 'weft/clipboard' &&
      Array.isArray((value as { nodes?: unknown }).nodes) &&
      Array.isArray((value as { edges?: unknown }).edges)
    ) {
      return value as ClipboardPayload;
    }
  } catch {
    return null;
  }
  return null;
}

/** The input the preview runs on: the active sample's data, else the first sample's, else null. */
export function sampleInput(document: WorkflowDefinition, activeSample: string | null): Json {
  const samples = document.input?.samples ?? [];
  const sample = samples.find((s) => s.name === activeSample) ?? samples[0];
  return sample ? sample.data : null;
}

/**
 * Whether two documents mean the same to the engine. Runs on every document
 * change, including every pointer move of a drag, so it compares by identity:
 * structural sharing means an unchanged part is the same object. A node that
 * differs only in `position` counts as unchanged (positions are not part of the
 * engine's graph).
 */
export function sameMeaning(a: WorkflowDefinition, b: WorkflowDefinition): boolean {
  if (a === b) return true;
  if (
    a.edges !== b.edges ||
    a.input !== b.input ||
    a.id !== b.id ||
    a.format !== b.format ||
    a.nodes.length !== b.nodes.length
  ) {
    return false;
  }
  for (let i = 0; i < a.nodes.length; i += 1) {
    const x = a.nodes[i] as NodeDefinition;
    const y = b.nodes[i] as NodeDefinition;
    if (x === y) continue;
    if (x.id !== y.id || x.kind !== y.kind || x.label !== y.label || x.config !== y.config) {
      return false;
    }
  }
  return true;
}

/** The port names of a switch config's cases, by position (a malformed case is null). */
function casePorts(config: JsonObject | undefined): (string | null)[] {
  const cases = config?.['cases'];
  if (!Array.isArray(cases)) return [];
  return cases.map((c) =>
    typeof c === 'object' && c !== null && !Array.isArray(c) && typeof c['port'] === 'string'
      ? c['port']
      : null,
  );
}

/**
 * The edges after a switch node's cases changed from `before` to `after`:
 * with as many cases as before, a case whose port name changed takes its
 * edges along (by position; only between names no other case uses, so typing
 * through another case's name never moves that case's edges); with fewer
 * cases, the ports of the removed cases lose their edges. Returns `edges`
 * itself when nothing changed.
 */
export function followCasePorts(
  nodeId: string,
  before: JsonObject | undefined,
  after: JsonObject | undefined,
  edges: readonly EdgeDefinition[],
): readonly EdgeDefinition[] {
  const old = casePorts(before);
  const next = casePorts(after);
  const unique = (ports: (string | null)[], port: string) =>
    ports.indexOf(port) === ports.lastIndexOf(port);
  const renames = new Map<string, string>();
  const removed = new Set<string>();
  if (old.length === next.length) {
    old.forEach((port, i) => {
      const renamed = next[i];
      if (port === null || renamed === null || renamed === undefined || renamed === port) return;
      if (unique(old, port) && unique(next, renamed) && !old.includes(renamed)) {
        renames.set(port, renamed);
      }
    });
  } else if (next.length < old.length) {
    const kept = new Set(next);
    for (const port of old) if (port !== null && !kept.has(port)) removed.add(port);
  }
  if (renames.size === 0 && removed.size === 0) return edges;
  let changed = false;
  const out: EdgeDefinition[] = [];
  for (const edge of edges) {
    const port = edge.sourcePort;
    if (edge.source === nodeId && port !== undefined) {
      const renamed = renames.get(port);
      if (renamed !== undefined) {
        out.push({ ...edge, sourcePort: renamed });
        changed = true;
        continue;
      }
      if (removed.has(port)) {
        changed = true;
        continue;
      }
    }
    out.push(edge);
  }
  return changed ? out : edges;
}
