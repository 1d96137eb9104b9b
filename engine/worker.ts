// The preview worker: compiles and runs workflows off the main thread for the
// editor. The only engine file that knows about comlink and `self`.
//
// It keeps the compiled workflow and recompiles only when the definition's
// meaning changed (not when nodes merely moved), keeps the last run so the
// editor can fetch one node's full input/output on demand, and answers with
// compact per-node summaries: only those that changed since the reply the
// editor says it holds (PreviewRequest.base), on a BroadcastChannel when the
// editor gave it one (see setReplyChannel).

import { expose } from 'comlink';
import { compileWorkflow, exportToAsl, runWorkflow } from './index.ts';
import type {
  AslExportResult,
  CompiledWorkflow,
  CompileResult,
  Diagnostic,
  Json,
  JsonObject,
  NodeDefinition,
  NodeDetail,
  NodeSummary,
  PreviewReply,
  PreviewRequest,
  RunResult,
  WorkflowDefinition,
} from './index.ts';
import { replyMailbox, type ReplyMailbox } from './replyMailbox.ts';
import { nodeEntries, nodeResultOf, notReused } from './run.ts';
import { setMember } from './util/jsonMember.ts';
import type { DefinitionPatch } from './types.ts';

/** One line of output on a canvas card. */
export const PREVIEW_CHARS = 80;
/** Arrays longer than this are cut in node details and marked. */
export const DETAIL_ARRAY_LIMIT = 100;

/** The definition as the engine sees it: positions are layout, not meaning. */
export function meaningKey(definition: WorkflowDefinition): string {
  try {
    return JSON.stringify({
      ...definition,
      nodes: definition.nodes.map(({ position: _position, ...rest }) => rest),
    });
  } catch {
    // Too deep to serialize (an imported schema or sample 100,000 levels
    // deep): a key that matches nothing, so the definition is compiled and
    // compileWorkflow reports the problem as a diagnostic.
    unkeyable += 1;
    return `\u0000unkeyable ${unkeyable}`;
  }
}
let unkeyable = 0;

/** Whether `after` differs from `before` in anything but its position. */
function nodeMeaningChanged(before: NodeDefinition, after: NodeDefinition): boolean {
  if (before === after) return false;
  const { position: _before, ...a } = before;
  const { position: _after, ...b } = after;
  try {
    return JSON.stringify(a) !== JSON.stringify(b);
  } catch {
    return true;
  }
}

/**
 * Whether applying `patch` to `held` changes what the engine would compile.
 * Runs on every keystroke: it looks only at the nodes the patch carries (one,
 * when a field is edited), where the whole definition's `meaningKey` would
 * serialize every node; a patch that only moves nodes (a drag) is not a change.
 */
export function patchChangesMeaning(held: WorkflowDefinition, patch: DefinitionPatch): boolean {
  if (patch.order || patch.edges || patch.edgeSplice || patch.rest) return true;
  if (patch.nodes.length === 0) return false;
  // One pass that indexes the patch's few nodes, not the definition's many.
  const carried = new Map(patch.nodes.map((n) => [n.id, n]));
  let found = 0;
  for (const before of held.nodes) {
    const node = carried.get(before.id);
    if (node === undefined) continue;
    if (nodeMeaningChanged(before, node)) return true;
    found++;
  }
  // A node the held definition lacks is new.
  return found < carried.size;
}

/** Values nested deeper than this are cut in previews and details (results are capped at 100). */
export const DETAIL_DEPTH_LIMIT = 200;
const TOO_DEEP = '… nested too deep to show';

/** Object keys quoted as JSON, with their colon: keys repeat across nodes and runs. */
const quotedKeys = new Map<string, string>();

function quotedKey(key: string): string {
  let quoted = quotedKeys.get(key);
  if (quoted === undefined) {
    if (quotedKeys.size >= 10_000) quotedKeys.clear();
    quoted = `${JSON.stringify(key)}:`;
    quotedKeys.set(key, quoted);
  }
  return quoted;
}

/**
 * JSON text of a primitive, without `JSON.stringify` where the text is plain
 * (a number's is `String`'s). A string longer than `room` is cut to it first:
 * its JSON text would be cut anyway, and a long one cost its whole length.
 */
function primitiveText(v: string | number | boolean | null, room: number): string {
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : 'null';
  if (typeof v === 'string') return JSON.stringify(v.length > room ? v.slice(0, room) : v);
  return v === null ? 'null' : v ? 'true' : 'false';
}

/**
 * JSON text of a value, stopping once `limit` characters are written, so a
 * node that outputs 100,000 items costs no more to preview than one with ten.
 * Every node's preview is written again when the input changes (all of
 * big-1000's on each keystroke in its sample), so this is kept cheap.
 */
export function previewText(value: Json | undefined, limit = PREVIEW_CHARS): string {
  if (value === undefined) return '';
  let out = '';
  const write = (text: string): boolean => {
    out += text;
    return out.length <= limit;
  };
  const walk = (v: Json, depth: number): boolean => {
    // Two characters to spare: a string cut there still overruns the limit.
    if (v === null || typeof v !== 'object') return write(primitiveText(v, limit - out.length + 2));
    if (depth > DETAIL_DEPTH_LIMIT) return write(TOO_DEEP) && false;
    if (Array.isArray(v)) {
      if (!write('[')) return false;
      for (let i = 0; i < v.length; i++) {
        if (i > 0 && !write(',')) return false;
        if (!walk(v[i] as Json, depth + 1)) return false;
      }
      return write(']');
    }
    if (!write('{')) return false;
    let first = true;
    for (const key in v) {
      if (!first && !write(',')) return false;
      first = false;
      if (!write(quotedKey(key))) return false;
      if (!walk(v[key] as Json, depth + 1)) return false;
    }
    return write('}');
  };
  return walk(value, 0) ? out : `${out.slice(0, limit - 1)}…`;
}

/** Cuts arrays longer than `limit`, ending each with a `"… N more items"` marker. */
export function truncateValue(
  value: Json,
  limit = DETAIL_ARRAY_LIMIT,
): { value: Json; truncated: boolean } {
  let truncated = false;
  const walk = (v: Json, depth: number): Json => {
    if (v === null || typeof v !== 'object') return v;
    if (depth > DETAIL_DEPTH_LIMIT) {
      truncated = true;
      return TOO_DEEP;
    }
    if (Array.isArray(v)) {
      const kept = v.length > limit ? v.slice(0, limit) : v;
      const out: Json[] = kept.map((item) => walk(item, depth + 1));
      if (v.length > limit) {
        truncated = true;
        out.push(`… ${v.length - limit} more items`);
      }
      return out;
    }
    const out: JsonObject = {};
    for (const key in v) setMember(out, key, walk(v[key] as Json, depth + 1));
    return out;
  };
  return { value: walk(value, 0), truncated };
}

/**
 * A change of a node's time smaller than this is clock noise: in a browser
 * that is not cross-origin isolated the worker's clock reads in steps of
 * 0.1 ms, so a node near a step reads 0.1 and 0.2 ms on alternate runs.
 */
const DURATION_NOISE_MS = 0.25;

/**
 * Durations jitter from run to run; a change under half, or within two clock
 * steps, is not news to the canvas. Each summary sent re-renders its card:
 * jitter alone sent about 9 of realistic-100's cards per keystroke.
 */
function similarDuration(a: number, b: number): boolean {
  const change = Math.abs(a - b);
  return change <= DURATION_NOISE_MS || change <= 0.5 * Math.max(a, b);
}

/**
 * Whether a node's summary changed in anything the editor shows: status,
 * port, preview, error, the reused mark, or a duration that really moved.
 * A reply leaves out the summaries that did not (see `PreviewRequest.base`).
 */
export function sameSummary(a: NodeSummary, b: NodeSummary): boolean {
  return (
    a === b ||
    (a.status === b.status &&
      a.port === b.port &&
      a.preview === b.preview &&
      a.reused === b.reused &&
      a.error?.code === b.error?.code &&
      a.error?.message === b.error?.message &&
      similarDuration(a.durationMs, b.durationMs))
  );
}

/**
 * The last run and the summaries made of it, as the client holds them once it
 * has applied the reply. The next run updates `nodes` in place (see
 * `summarise`): on a keystroke in a big workflow, copying every node's summary
 * cost more than the run.
 */
interface SummarisedRun {
  generation: number;
  result: RunResult;
  nodes: Record<string, NodeSummary>;
  /** How many summaries `nodes` holds. */
  count: number;
  /** The ids whose summary lacks the `reused` mark. */
  unmarked: readonly string[];
}

/**
 * Summaries made of a run: `previous.nodes` updated in place or a new record,
 * with, when there was a previous run, `changed` the summaries that differ
 * from what it held (by `sameSummary`) and `removed` the ids it held that
 * this run has not. An unchanged summary is the previous one's object.
 */
interface Summarised {
  run: RunResult;
  nodes: Record<string, NodeSummary>;
  changed: Record<string, NodeSummary> | undefined;
  removed: string[];
  count: number;
  unmarked: string[];
}

function summaryOf(r: RunResult['nodes'][string]): NodeSummary {
  const summary: NodeSummary = { status: r.status, durationMs: r.durationMs };
  if (r.port !== undefined) summary.port = r.port;
  if (r.error !== undefined) summary.error = r.error;
  if (r.status === 'succeeded' && r.output !== undefined) summary.preview = previewText(r.output);
  if (r.reused) summary.reused = true;
  return summary;
}

/**
 * Whether a run of `count` nodes, among them `listed`, has the very nodes the
 * previous summaries are of: as many, and each listed one among them.
 */
function sameNodes(
  previous: SummarisedRun,
  count: number,
  listed: readonly (readonly [id: string, result: unknown])[],
): boolean {
  return count === previous.count && listed.every(([id]) => Object.hasOwn(previous.nodes, id));
}

/**
 * Every node's summary. A node whose result the engine took from `previous`
 * (`reused`, the same output object) keeps the summary made of it then: its
 * preview is not written again, and the object stays the same, so the reply
 * leaves it out. When the run has the previous run's nodes and reused some,
 * only the others are looked at (`notReused`), as far as the edit's change
 * reached, and `previous.nodes` is updated in place, not copied: the cost of
 * a keystroke does not grow with the nodes it did not touch.
 */
function summarise(result: RunResult, previous: SummarisedRun | null): Summarised {
  // Per-node results travel as `nodes` summaries only, not twice.
  const run: RunResult = {
    status: result.status,
    output: truncateValue(result.output).value,
    nodes: {},
  };
  if (result.error !== undefined) run.error = result.error;
  if (result.durationMs !== undefined) run.durationMs = result.durationMs;
  const fresh = previous ? notReused(result) : undefined;
  if (previous && fresh && sameNodes(previous, fresh.count, fresh.nodes)) {
    // The same nodes as last time (reused ones are among them by definition,
    // the others checked just above, and as many): each keeps its summary
    // unless it ran again, or was reused now and not then (it gets the mark).
    const nodes = previous.nodes;
    const changed: Record<string, NodeSummary> = {};
    const ran = new Set<string>();
    for (const [id, r] of fresh.nodes) {
      ran.add(id);
      const now = summaryOf(r);
      const before = nodes[id];
      if (before !== undefined && sameSummary(before, now)) continue;
      nodes[id] = now;
      changed[id] = now;
    }
    for (const id of previous.unmarked) {
      const before = nodes[id];
      if (ran.has(id) || before === undefined || before.reused) continue;
      const marked = { ...before, reused: true };
      nodes[id] = marked;
      changed[id] = marked;
    }
    // What ran again is not reused: its summaries have no mark.
    return { run, nodes, changed, removed: [], count: fresh.count, unmarked: [...ran] };
  }
  // Nothing reused (an input edit runs them all) or another set of nodes: each
  // summary is made and compared with the previous one's as it is made. The
  // run's nodes in order, without building `result.nodes` (a keyed record of
  // every node) only to walk it once.
  const entries = nodeEntries(result) ?? Object.entries(result.nodes);
  // The same nodes as last time: the previous record is updated in place, as
  // above, where a summary changed. A new record of every node, each key
  // added anew, cost about 2 M of a big-1000 input edit's 53 M instructions.
  const inPlace = previous !== null && sameNodes(previous, entries.length, entries);
  const nodes: Record<string, NodeSummary> = inPlace ? previous.nodes : {};
  const changed: Record<string, NodeSummary> | undefined = previous ? {} : undefined;
  const unmarked: string[] = [];
  let count = 0;
  let held = 0;
  for (const [id, r] of entries) {
    const before = previous?.nodes[id];
    let summary: NodeSummary;
    if (
      r.reused &&
      before !== undefined &&
      before.status === r.status &&
      before.port === r.port &&
      previous !== null &&
      nodeResultOf(previous.result, id)?.output === r.output
    ) {
      summary = before.reused ? before : { ...before, reused: true };
    } else {
      summary = summaryOf(r);
    }
    if (before !== undefined) held++;
    if (before !== undefined && sameSummary(before, summary)) summary = before;
    else if (changed) changed[id] = summary;
    if (summary !== before || !inPlace) nodes[id] = summary;
    if (!summary.reused) unmarked.push(id);
    count++;
  }
  // Ids the previous run had and this one has not; when this run has every
  // one of them, none, and the previous record (every node's, on an input
  // edit) is not walked for them.
  const removed: string[] = [];
  if (previous && held < previous.count) {
    for (const id in previous.nodes) if (!(id in nodes)) removed.push(id);
  }
  return { run, nodes, changed, removed, count, unmarked };
}

/** The definition after a patch; nodes keep their order unless the patch gives a new one. */
export function applyPatch(base: WorkflowDefinition, patch: DefinitionPatch): WorkflowDefinition {
  const changed = new Map(patch.nodes.map((n) => [n.id, n]));
  let nodes: WorkflowDefinition['nodes'];
  if (patch.order) {
    const old = new Map(base.nodes.map((n) => [n.id, n]));
    nodes = patch.order.flatMap((id) => {
      const node = changed.get(id) ?? old.get(id);
      return node ? [node] : [];
    });
  } else {
    nodes = base.nodes.map((n) => changed.get(n.id) ?? n);
  }
  let edges = patch.edges ?? base.edges;
  if (!patch.edges && patch.edgeSplice) {
    const { at, remove, insert } = patch.edgeSplice;
    // Every other edge stays the held object: compile knows those (see CompileOptions.previous).
    edges = [...base.edges.slice(0, at), ...insert, ...base.edges.slice(at + remove)];
  }
  return { ...(patch.rest ?? base), nodes, edges } as WorkflowDefinition;
}

type Fetcher = (url: string) => Promise<{ ok: boolean; json(): Promise<unknown> }>;

export interface PreviewServiceOptions {
  /** Finds sub-workflows by id; the browser worker fetches `samples/<id>.json`. */
  fetchJson?: Fetcher;
}

/** Asks the editor for a workflow of the user's workspace by definition id. */
export type WorkspaceLookup = (
  id: string,
) => WorkflowDefinition | undefined | Promise<WorkflowDefinition | undefined>;

/** Compile diagnostics of a definition, errors first; never throws. */
export function validateDefinition(definition: WorkflowDefinition): Diagnostic[] {
  try {
    const compiled = compileWorkflow(definition);
    return compiled.ok ? [...compiled.warnings] : [...compiled.errors, ...compiled.warnings];
  } catch (error) {
    return [
      {
        code: 'SCHEMA_INVALID',
        severity: 'error',
        path: '',
        message: `The engine could not read this definition: ${error instanceof Error ? error.message : String(error)}`,
      },
    ];
  }
}

export function createPreviewService(options: PreviewServiceOptions = {}) {
  let held: WorkflowDefinition | null = null;
  // The meaning key of `held`, computed only when a whole definition arrives
  // (the first request, a new worker, a change to most nodes at once).
  let cachedKey: string | null = null;
  let compiled: CompileResult | null = null;
  // The last plan that compiled. An edit that breaks the definition (an open
  // bracket, mid-typing) leaves it, and the edit that mends it compiles
  // against it: only the nodes changed since are prepared again.
  let lastPlan: CompiledWorkflow | undefined;
  // The last run, with the summaries the client holds once it applies its
  // reply: a request whose base is that reply's generation gets only what
  // changed since; any other, all of them.
  let lastRun: SummarisedRun | null = null;
  // The input of the last request that carried one (requests leave it out
  // while it is unchanged).
  let input: Json = null;
  const subworkflows = new Map<string, WorkflowDefinition | undefined>();
  let lookup: WorkspaceLookup | null = null;
  // The workspace's copy of each sub-workflow last seen, by id: an unchanged
  // one is handed to the engine as the same object, so its compile is cached.
  const fromWorkspace = new Map<string, { key: string; definition: WorkflowDefinition }>();

  async function fromUserWorkspace(id: string): Promise<WorkflowDefinition | undefined> {
    if (!lookup) return undefined;
    let found: WorkflowDefinition | undefined;
    try {
      found = await lookup(id);
    } catch {
      return undefined;
    }
    if (!found) {
      fromWorkspace.delete(id);
      return undefined;
    }
    const key = meaningKey(found);
    const seen = fromWorkspace.get(id);
    if (seen && seen.key === key) return seen.definition;
    fromWorkspace.set(id, { key, definition: found });
    return found;
  }

  /** A workflow of the user's workspace first, else the bundled sample of that id. */
  async function resolveWorkflow(id: string): Promise<WorkflowDefinition | undefined> {
    const own = await fromUserWorkspace(id);
    if (own) return own;
    if (subworkflows.has(id)) return subworkflows.get(id);
    let found: WorkflowDefinition | undefined;
    if (options.fetchJson && /^[A-Za-z0-9_-]+$/.test(id)) {
      try {
        const response = await options.fetchJson(`samples/${id}.json`);
        if (response.ok) found = (await response.json()) as WorkflowDefinition;
      } catch {
        found = undefined;
      }
    }
    subworkflows.set(id, found);
    return found;
  }

  return {
    async preview(request: PreviewRequest): Promise<PreviewReply> {
      let recompiled = false;
      const compile = (definition: WorkflowDefinition) => {
        // An edit to one node's field compiles that node alone: patches keep
        // every other node as the same object, and nothing here changes them.
        compiled = compileWorkflow(definition, lastPlan ? { previous: lastPlan } : {});
        if (compiled.ok) lastPlan = compiled.workflow;
        recompiled = true;
      };
      if (request.definition) {
        const definition = request.definition;
        const key = meaningKey(definition);
        const before = cachedKey ?? (held && compiled ? meaningKey(held) : null);
        held = definition;
        cachedKey = key;
        if (key !== before) compile(definition);
      } else if (request.patch && held) {
        const changed = patchChangesMeaning(held, request.patch);
        held = applyPatch(held, request.patch);
        if (changed) {
          cachedKey = null;
          compile(held);
        }
      }
      if (request.input !== undefined) input = request.input;
      if (!compiled || !compiled.ok) {
        // Not run. The last run stays: the client keeps showing its summaries,
        // and once the definition is valid again the run reuses what the
        // edits since left alone and replies with what changed (a mended
        // bracket re-ran and re-sent every node before).
        const diagnostics: Diagnostic[] = compiled
          ? [...compiled.errors, ...compiled.warnings]
          : [
              {
                code: 'SCHEMA_INVALID',
                severity: 'error',
                path: '',
                message: 'The preview worker has no workflow to run.',
              },
            ];
        return {
          generation: request.generation,
          ok: false,
          diagnostics,
          run: null,
          nodes: {},
          recompiled,
        };
      }
      // The last run lets the engine reuse every node whose definition and
      // whole upstream are unchanged (an edit re-runs only what it touched and
      // what lies downstream); the engine itself checks that input and
      // decisions are the same before reusing anything.
      const result = await runWorkflow(compiled.workflow, input, {
        mode: 'preview',
        ...(request.options.decisions ? { decisions: request.options.decisions } : {}),
        ...(lastRun ? { previous: lastRun.result } : {}),
        resolveWorkflow,
      });
      const previous = lastRun;
      const summarised = summarise(result, previous);
      const { run, nodes, count, unmarked } = summarised;
      const reply: PreviewReply = {
        generation: request.generation,
        ok: true,
        diagnostics: compiled.warnings,
        run,
        // A copy: the worker goes on updating its own record in place.
        nodes: {},
        recompiled,
      };
      // Against the summaries the client says it holds (the last reply's),
      // only what changed; otherwise (a new client or worker, a reply the
      // client did not apply) all of them.
      if (previous && summarised.changed && request.base === previous.generation) {
        reply.base = previous.generation;
        reply.nodes = summarised.changed;
        if (summarised.removed.length > 0) reply.removed = summarised.removed;
      } else {
        reply.nodes = { ...nodes };
      }
      lastRun = { generation: request.generation, result, nodes, count, unmarked };
      if (request.details && request.details.length > 0) {
        reply.details = request.details.flatMap((id) => {
          const detail = detailOf(request.generation, id);
          return detail ? [detail] : [];
        });
      }
      return reply;
    },

    /**
     * Where sub-workflow ids are looked up before the bundled samples (the
     * editor passes a comlink proxy to the workspace), or null for none.
     */
    setWorkspaceLookup(next: WorkspaceLookup | null): void {
      lookup = next;
      fromWorkspace.clear();
    },

    /** Compiles only: the definition's diagnostics. Leaves the preview's state alone. */
    validate(definition: WorkflowDefinition): Diagnostic[] {
      return validateDefinition(definition);
    },

    /** The definition as a Step Functions state machine, or why it cannot be one. */
    exportAsl(definition: WorkflowDefinition): AslExportResult {
      return exportToAsl(definition);
    },

    nodeDetail(generation: number, nodeId: string): NodeDetail | null {
      return detailOf(generation, nodeId);
    },
  };

  function detailOf(generation: number, nodeId: string): NodeDetail | null {
    if (!lastRun || lastRun.generation !== generation) return null;
    // The one node's record, not every node's (the selection's, on every keystroke).
    const result = nodeResultOf(lastRun.result, nodeId);
    if (!result) return null;
    const detail: NodeDetail = { generation, nodeId, truncated: false };
    if (result.input !== undefined) {
      const cut = truncateValue(result.input);
      detail.input = cut.value;
      detail.truncated ||= cut.truncated;
    }
    if (result.output !== undefined) {
      const cut = truncateValue(result.output);
      detail.output = cut.value;
      detail.truncated ||= cut.truncated;
    }
    return detail;
  }
}

export type PreviewService = ReturnType<typeof createPreviewService>;

/**
 * One message on the reply channel: a preview's reply, or why there is none,
 * or that it waits in the reply mailbox (`inMailbox`), where the page takes it.
 */
export type ChannelReply =
  | { generation: number; reply: PreviewReply }
  | { generation: number; error: string }
  | { generation: number; inMailbox: true };

// In a dedicated worker (not when a test imports this file), serve the editor.
const scope = globalThis as {
  postMessage?: unknown;
  document?: unknown;
  location?: { href: string };
};
if (typeof scope.postMessage === 'function' && scope.document === undefined && scope.location) {
  const root = new URL('/', scope.location.href);
  const service = createPreviewService({ fetchJson: (url) => fetch(new URL(url, root).href) });
  let channel: { postMessage(message: unknown): void; close(): void } | null = null;
  let mailbox: ReplyMailbox | null = null;
  expose({
    ...service,
    /**
     * Answers once this script has run, so the editor knows the worker has
     * started: a preview's time limit counts from then.
     */
    ready(): boolean {
      return true;
    },
    /**
     * Where `previewToChannel` posts its replies: a BroadcastChannel whose
     * name the editor made up for this worker alone. Chromium holds back a
     * page's posted-message tasks after a keystroke until the keystroke's
     * frame is drawn (its scheduler defers tasks after input), so a reply
     * through postMessage is never applied before that frame; a
     * BroadcastChannel message is not held back, so the preview can be
     * painted in the keystroke's own frame when the worker answers in time.
     */
    setReplyChannel(name: string): void {
      channel?.close();
      channel = new BroadcastChannel(name);
    },
    /**
     * Shared memory where `previewToChannel` also leaves each reply (see
     * engine/replyMailbox.ts): the page reads it at the start of the
     * keystroke's frame, before any message could reach it.
     */
    setReplyMailbox(buffer: SharedArrayBuffer): void {
      mailbox = replyMailbox(buffer);
    },
    /**
     * Runs a preview and posts the reply (or why there is none) on the reply
     * channel; without one, hands the reply back here instead.
     */
    async previewToChannel(request: PreviewRequest): Promise<PreviewReply | null> {
      if (!channel) return service.preview(request);
      let message: ChannelReply;
      try {
        message = { generation: request.generation, reply: await service.preview(request) };
      } catch (error) {
        message = {
          generation: request.generation,
          error: error instanceof Error ? error.message : String(error),
        };
      }
      let inMailbox = false;
      try {
        inMailbox = mailbox?.post(request.generation, message) ?? false;
      } catch {
        // The message below carries the reply instead.
      }
      // A reply in the mailbox is not copied into the message as well: on a
      // big graph that copy took about a millisecond, and the page's reading
      // of it half as much again.
      channel.postMessage(
        inMailbox ? { generation: request.generation, inMailbox: true } : message,
      );
      return null;
    },
  });
}
