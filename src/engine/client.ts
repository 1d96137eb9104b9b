// The one module in the app that talks to the engine. It re-exports the
// engine's types and node-kind metadata, owns the preview worker and is where
// requests are coalesced, tagged with a generation and stale replies dropped.
// Nothing else in src/ imports from engine/.

import { proxy, wrap, type Remote } from 'comlink';
import type {
  ApprovalDecision,
  AslExportResult,
  Diagnostic,
  Json,
  NodeDefinition,
  NodeDetail,
  NodeKindInfo,
  NodeKindName,
  NodeSummary,
  PreviewReply,
  PreviewRequest,
  WorkflowDefinition,
} from '../../engine/index.ts';
import { nodeKinds } from '../../engine/kinds.ts';
import type { DefinitionPatch, EdgeDefinition, EdgeSplice } from '../../engine/types.ts';
import { MAILBOX_BYTES, replyMailbox, type ReplyMailbox } from '../../engine/replyMailbox.ts';
import type { ChannelReply } from '../../engine/worker.ts';

export type * from '../../engine/index.ts';
export type { DefinitionPatch };
// Kind metadata comes from the light entry, so the main bundle carries no compiler.
export { NODE_KINDS, nodeKinds, outPortsOf } from '../../engine/kinds.ts';
// Writes a JSON member, `__proto__` included, as the engine does (the store copies outputs).
export { setMember } from '../../engine/util/jsonMember.ts';

const kindIndex = new Map<NodeKindName, NodeKindInfo>(nodeKinds.map((k) => [k.kind, k]));

export function nodeKindInfo(kind: NodeKindName): NodeKindInfo | undefined {
  return kindIndex.get(kind);
}

/** What engine/worker.ts exposes through comlink. */
export interface PreviewWorkerApi {
  preview(request: PreviewRequest): Promise<PreviewReply>;
  nodeDetail(generation: number, nodeId: string): Promise<NodeDetail | null>;
  /** Compiles only; the preview's state is left alone. */
  validate(definition: WorkflowDefinition): Promise<Diagnostic[]>;
  exportAsl(definition: WorkflowDefinition): Promise<AslExportResult>;
  /** Where sub-workflow ids are looked up before the bundled samples. */
  setWorkspaceLookup(lookup: WorkspaceLookup | null): Promise<void> | void;
}

/** Finds a workflow of the user's workspace by its definition id. */
export type WorkspaceLookup = (id: string) => Promise<WorkflowDefinition | undefined>;

/** The answer to a one-off engine call: its value, or why there is none. */
export type EngineAnswer<T> = { ok: true; value: T } | { ok: false; reason: string };

export interface PreviewWorkerHandle {
  api: PreviewWorkerApi | Remote<PreviewWorkerApi>;
  /**
   * Settles once the worker has started and answers calls; a handle without
   * it counts as started at once.
   */
  ready?: Promise<unknown>;
  terminate(): void;
}

export interface PreviewJob {
  definition: WorkflowDefinition;
  input: Json;
  decisions: Record<string, ApprovalDecision>;
  /** Nodes whose full input/output should come back with the reply. */
  details?: string[];
}

/**
 * Which summaries may differ between two replies handed to `onReply`: every
 * id not in `ids` has the same summary object in both (the worker sent no new
 * one). Lets the page update what it derives from the summaries by the few
 * that changed instead of walking all of them on every keystroke.
 */
export interface SummaryChanges {
  /** The `nodes` of the reply handed on before this one (the same record, updated in place, while the worker is). */
  since: Record<string, NodeSummary>;
  /** Ids whose summary is new, added or removed since then. */
  ids: readonly string[];
}

export interface PreviewEvents {
  /**
   * A reply for the latest request (stale ones never get here), with every
   * node's summary in `nodes`: the client applies the worker's deltas, and an
   * unchanged summary is the same object as in the reply before. `nodes` is
   * the client's own record, which later replies of the same worker update in
   * place: read it here, do not keep it. `changes` names the summaries that
   * may differ from the last reply handed on; absent when the client cannot
   * tell (the first reply of a worker).
   */
  onReply(reply: PreviewReply, roundTripMs: number, changes?: SummaryChanges): void;
  /** The latest request ran past the backstop; the worker was replaced. */
  onTimeout(generation: number): void;
  /** The worker failed outright (crash, clone error); the worker was replaced. */
  onFailure?(generation: number, message: string): void;
}

export interface PreviewClient {
  /** Queues a run; returns its generation. A newer request replaces any not yet sent. */
  request(job: PreviewJob): number;
  nodeDetail(generation: number, nodeId: string): Promise<NodeDetail | null>;
  /**
   * The definition's compile diagnostics, from the same worker. A worker that
   * does not answer within `timeoutMs` is replaced (the preview carries on in
   * the new one) and the answer says so.
   */
  validate(definition: WorkflowDefinition, timeoutMs?: number): Promise<EngineAnswer<Diagnostic[]>>;
  /** The definition as a Step Functions state machine (ASL), or why not. */
  exportAsl(
    definition: WorkflowDefinition,
    timeoutMs?: number,
  ): Promise<EngineAnswer<AslExportResult>>;
  dispose(): void;
}

let shared: PreviewClient | null = null;

/** The editor's engine client, once the preview is connected. */
export function engineClient(): PreviewClient | null {
  return shared;
}

/** Makes `client` the one engineClient() answers (null to clear). */
export function setEngineClient(client: PreviewClient | null): void {
  shared = client;
}

export interface PreviewClientOptions {
  spawn?: () => PreviewWorkerHandle;
  /** A run that has not answered after this long is cut off. */
  timeoutMs?: number;
  events: PreviewEvents;
  /** Sub-workflows of the user's workspace, by definition id (asked from the worker). */
  findWorkflow?: WorkspaceLookup;
}

export const PREVIEW_TIMEOUT_MS = 3000;
/**
 * How long a new worker may take to start (load and compile its script)
 * before its first run counts as stuck. A run's own time limit counts from
 * the moment the worker has started: on a busy machine the start alone can
 * take seconds, and the first preview of a page must not be cut off for it.
 */
export const STARTUP_TIMEOUT_MS = 10_000;
/** How long a one-off call (validate, export) may take before the worker is replaced. */
export const CALL_TIMEOUT_MS = 10_000;

/**
 * What changed between two versions of a document, by object identity (the
 * store shares every unchanged part), or null when sending the whole document
 * is as cheap. Runs on every keystroke: one pass over the nodes, no cloning.
 */
export function diffDefinitions(
  before: WorkflowDefinition,
  after: WorkflowDefinition,
): DefinitionPatch | null {
  // Usually the same nodes in the same order, one of them edited: compared
  // position by position, without indexing a big canvas's nodes by id.
  let nodes: NodeDefinition[] | null = [];
  if (before.nodes.length === after.nodes.length) {
    for (let i = 0; i < after.nodes.length; i++) {
      const now = after.nodes[i] as NodeDefinition;
      const was = before.nodes[i] as NodeDefinition;
      if (now === was) continue;
      if (now.id !== was.id) {
        nodes = null;
        break;
      }
      nodes.push(now);
    }
  } else {
    nodes = null;
  }
  const reordered = nodes === null;
  if (nodes === null) {
    const old = new Map(before.nodes.map((n) => [n.id, n]));
    nodes = after.nodes.filter((n) => old.get(n.id) !== n);
  }
  if (nodes.length > after.nodes.length / 2) return null;
  const patch: DefinitionPatch = { nodes };
  if (reordered) patch.order = after.nodes.map((n) => n.id);
  if (before.edges !== after.edges) {
    const splice = edgeSpliceOf(before.edges, after.edges);
    // A new list of the very same edges is no change.
    if (!splice) patch.edges = after.edges;
    else if (splice.remove > 0 || splice.insert.length > 0) patch.edgeSplice = splice;
  }
  const { nodes: _a, edges: _b, ...restBefore } = before;
  const { nodes: _c, edges: _d, ...restAfter } = after;
  const keys = new Set([...Object.keys(restBefore), ...Object.keys(restAfter)]);
  for (const key of keys) {
    if (restBefore[key as keyof typeof restBefore] !== restAfter[key as keyof typeof restAfter]) {
      patch.rest = restAfter;
      break;
    }
  }
  return patch;
}

/**
 * The one stretch of `after` that differs from `before` by identity, as a
 * splice of `before`: the edges before it and after it are the very same
 * objects. Undefined when the stretch is most of the list (sending the whole
 * list then costs about as much).
 */
export function edgeSpliceOf(
  before: readonly EdgeDefinition[],
  after: readonly EdgeDefinition[],
): EdgeSplice | undefined {
  const shorter = Math.min(before.length, after.length);
  let head = 0;
  while (head < shorter && before[head] === after[head]) head++;
  let tail = 0;
  while (
    tail < shorter - head &&
    before[before.length - 1 - tail] === after[after.length - 1 - tail]
  ) {
    tail++;
  }
  const insert = after.slice(head, after.length - tail);
  if (insert.length > after.length / 2) return undefined;
  return { at: head, remove: before.length - head - tail, insert };
}

/** A name for one worker's reply channel that no other tab or worker uses. */
function replyChannelName(): string {
  const bytes = crypto.getRandomValues(new Uint32Array(4));
  return `weft-preview-replies-${Array.from(bytes, (b) => b.toString(36)).join('-')}`;
}

/** A reply mailbox to share with a new worker, when this page may share memory. */
function sharedMailbox(): { buffer: SharedArrayBuffer; reader: ReplyMailbox } | null {
  if (typeof SharedArrayBuffer !== 'function' || !globalThis.crossOriginIsolated) return null;
  const buffer = new SharedArrayBuffer(MAILBOX_BYTES);
  return { buffer, reader: replyMailbox(buffer) };
}

function spawnBrowserWorker(): PreviewWorkerHandle {
  // Written out in full: Vite bundles the worker only for this exact form.
  const worker = new Worker(new URL('../../engine/worker.ts', import.meta.url), {
    type: 'module',
    name: 'weft-preview',
  });
  if (typeof BroadcastChannel !== 'function') {
    return { api: wrap<PreviewWorkerApi>(worker), terminate: () => worker.terminate() };
  }
  // Previews are answered on a BroadcastChannel of this worker's own (see
  // `setReplyChannel` in engine/worker.ts): its messages can reach the page
  // before the frame of the keystroke that asked, where a worker's
  // postMessage always waits until that frame is drawn.
  const remote = wrap<
    PreviewWorkerApi & {
      setReplyChannel(name: string): void;
      setReplyMailbox(buffer: SharedArrayBuffer): void;
      ready(): boolean;
      previewToChannel(request: PreviewRequest): PreviewReply | null;
    }
  >(worker);
  const name = replyChannelName();
  const replies = new BroadcastChannel(name);
  // Comlink keeps the order of calls: the channel is set before any preview.
  void remote.setReplyChannel(name).catch(() => undefined);
  // Even a BroadcastChannel message waits while Chromium draws the
  // keystroke's frame first, so where the page may share memory with the
  // worker (a cross-origin isolated page) the reply is also left in a mailbox
  // that the page reads at the start of each frame: a reply that is ready by
  // then is painted in that frame, with the typed text.
  const mailbox = sharedMailbox();
  if (mailbox) void remote.setReplyMailbox(mailbox.buffer).catch(() => undefined);
  const waiting = new Map<
    number,
    { resolve(reply: PreviewReply): void; reject(error: Error): void }
  >();
  const settle = (message: ChannelReply) => {
    const waiter = waiting.get(message.generation);
    if (!waiter) return;
    if ('inMailbox' in message) {
      // Unless a frame took it first (and settled it), the reply is there:
      // one request is in flight at a time, so nothing newer replaced it.
      const taken = mailbox?.reader.take(message.generation) as ChannelReply | undefined;
      settle(
        taken && !('inMailbox' in taken)
          ? taken
          : { generation: message.generation, error: 'the reply was not in the mailbox' },
      );
      return;
    }
    waiting.delete(message.generation);
    if ('reply' in message) waiter.resolve(message.reply);
    else waiter.reject(new Error(message.error));
  };
  replies.onmessage = (event: MessageEvent<ChannelReply>) => settle(event.data);
  let polling = false;
  const poll = () => {
    polling = false;
    if (!mailbox || waiting.size === 0) return;
    for (const generation of waiting.keys()) {
      const message = mailbox.reader.take(generation) as ChannelReply | undefined;
      if (message) settle(message);
    }
    if (waiting.size > 0) watchMailbox();
  };
  const watchMailbox = () => {
    if (polling || !mailbox) return;
    polling = true;
    requestAnimationFrame(poll);
  };
  const api: PreviewWorkerApi = {
    preview(request) {
      return new Promise<PreviewReply>((resolve, reject) => {
        waiting.set(request.generation, { resolve, reject });
        watchMailbox();
        // Settles with null once the reply is on the channel (or with the
        // reply itself when the worker has no channel); a failure to post
        // the reply arrives here.
        remote.previewToChannel(request).then(
          (direct) => {
            if (direct === null) return;
            waiting.delete(request.generation);
            resolve(direct);
          },
          (error: unknown) => {
            waiting.delete(request.generation);
            reject(error instanceof Error ? error : new Error(String(error)));
          },
        );
      });
    },
    nodeDetail: (generation, nodeId) => remote.nodeDetail(generation, nodeId),
    validate: (definition) => remote.validate(definition),
    exportAsl: (definition) => remote.exportAsl(definition),
    setWorkspaceLookup: (lookup) => remote.setWorkspaceLookup(lookup),
  };
  return {
    api,
    ready: remote.ready(),
    terminate() {
      waiting.clear();
      replies.close();
      worker.terminate();
    },
  };
}

export function createPreviewClient(options: PreviewClientOptions): PreviewClient {
  const spawn = options.spawn ?? spawnBrowserWorker;
  const timeoutMs = options.timeoutMs ?? PREVIEW_TIMEOUT_MS;
  const { events, findWorkflow } = options;
  // One proxy for the client's life: each new worker is told where to look.
  const lookup = findWorkflow ? proxy(findWorkflow) : null;
  // Until the current worker has started: settles then (see STARTUP_TIMEOUT_MS).
  let starting: Promise<void> | null = null;
  const start = () => {
    const handle = spawn();
    if (lookup) void Promise.resolve(handle.api.setWorkspaceLookup(lookup)).catch(() => undefined);
    starting = null;
    if (handle.ready) {
      const started: Promise<void> = handle.ready.then(
        () => {
          if (starting === started) starting = null;
        },
        // A worker that cannot start is cut off by the start-up limit.
        () => new Promise<void>(() => undefined),
      );
      starting = started;
    }
    return handle;
  };
  let worker = start();
  // The definition object the current worker last received: when a job carries
  // the same object (a sample switch, a decision), it is not cloned across again.
  let definitionInWorker: WorkflowDefinition | null = null;
  // Likewise the input, compared by identity (the store shares the sample's data).
  let inputInWorker: { value: Json } | null = null;
  // The summaries of the last reply applied from the current worker, whose
  // generation each request names as its base: the worker then sends only the
  // summaries that changed. Stale replies are applied here too (never passed
  // on), so the next delta is against the worker's latest.
  let held: { generation: number; nodes: Record<string, NodeSummary> } | null = null;
  // The summaries last handed to onReply, and the ids that changed since in
  // the replies applied after it (null: unknown, a whole reply came).
  let handedOn: Record<string, NodeSummary> | null = null;
  let changedSince: Set<string> | null = null;
  let latest = 0;
  let inFlight = false;
  let pending: { generation: number; job: PreviewJob } | null = null;
  let disposed = false;
  // Gives up the run in flight (when a one-off call finds the worker stuck):
  // it is queued again unless something newer is.
  let abandonInFlight: (() => void) | null = null;

  // One timer watches the run in flight. It is set again only when a run's
  // limit ends before the timer fires, and otherwise left running: a timer set
  // and cleared for every run cost each keystroke about 0.2 ms of its task.
  let watched: { deadline: number; cutOff(): void } | null = null;
  let watchdog: ReturnType<typeof setTimeout> | undefined;
  let watchdogAt = Number.POSITIVE_INFINITY;

  function watchdogIn(ms: number) {
    clearTimeout(watchdog);
    watchdogAt = performance.now() + ms;
    watchdog = setTimeout(() => {
      watchdog = undefined;
      watchdogAt = Number.POSITIVE_INFINITY;
      if (!watched) return;
      const left = watched.deadline - performance.now();
      if (left > 0) watchdogIn(left);
      else watched.cutOff();
    }, ms);
  }

  /** Cuts the run off unless it settles within `ms` (or is watched again). */
  function watch(run: { deadline: number; cutOff(): void }, ms: number) {
    run.deadline = performance.now() + ms;
    watched = run;
    if (run.deadline < watchdogAt) watchdogIn(ms);
  }

  function replaceWorker() {
    worker.terminate();
    worker = start();
    definitionInWorker = null;
    inputInWorker = null;
    held = null;
    changedSince = null;
  }

  /** The reply's summaries applied to what the client holds; null when they do not apply. */
  function apply(reply: PreviewReply): Record<string, NodeSummary> | null {
    if (reply.base === undefined) {
      changedSince = null;
      return reply.nodes;
    }
    if (!held || held.generation !== reply.base) return null;
    // In place: not a copy of every node's summary for the few an edit
    // changed (on a big canvas, a copy per keystroke; bench/RESULTS.md).
    const nodes = held.nodes;
    for (const id in reply.nodes) {
      nodes[id] = reply.nodes[id] as NodeSummary;
      changedSince?.add(id);
    }
    for (const id of reply.removed ?? []) {
      delete nodes[id];
      changedSince?.add(id);
    }
    return nodes;
  }

  /** What changed since the summaries last handed on; starts counting again from `nodes`. */
  function handOn(nodes: Record<string, NodeSummary>): SummaryChanges | undefined {
    const changes =
      handedOn && changedSince ? { since: handedOn, ids: [...changedSince] } : undefined;
    handedOn = nodes;
    changedSince = new Set();
    return changes;
  }

  async function call<T>(
    run: (api: PreviewWorkerApi | Remote<PreviewWorkerApi>) => Promise<T> | T,
    limitMs: number,
  ): Promise<EngineAnswer<T>> {
    if (disposed) return { ok: false, reason: 'the engine is closed' };
    const current = worker;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<EngineAnswer<T>>((resolve) => {
      timer = setTimeout(() => {
        if (current === worker && !disposed) {
          abandonInFlight?.();
          replaceWorker();
          pump();
        }
        resolve({ ok: false, reason: 'the engine did not answer in time' });
      }, limitMs);
    });
    const answer = Promise.resolve()
      .then(() => run(current.api))
      .then(
        (value): EngineAnswer<T> => ({ ok: true, value }),
        (error: unknown): EngineAnswer<T> => ({
          ok: false,
          reason: `the engine failed: ${error instanceof Error ? error.message : String(error)}`,
        }),
      );
    try {
      return await Promise.race([answer, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  function pump() {
    if (inFlight || !pending || disposed) return;
    const { generation, job } = pending;
    pending = null;
    const request: PreviewRequest = { generation, options: { decisions: job.decisions } };
    if (!inputInWorker || inputInWorker.value !== job.input) request.input = job.input;
    inputInWorker = { value: job.input };
    if (held) request.base = held.generation;
    if (job.details && job.details.length > 0) request.details = job.details;
    if (job.definition !== definitionInWorker) {
      const patch = definitionInWorker && diffDefinitions(definitionInWorker, job.definition);
      if (patch) request.patch = patch;
      else request.definition = job.definition;
    }
    definitionInWorker = job.definition;
    const current = worker;
    const startedAt = performance.now();
    inFlight = true;
    let settled = false;
    const run = { deadline: 0, cutOff: () => cutOff() };
    const settle = () => {
      settled = true;
      if (watched === run) watched = null;
      inFlight = false;
      abandonInFlight = null;
    };
    abandonInFlight = () => {
      settle();
      pending ??= { generation, job };
    };
    const cutOff = () => {
      if (settled || current !== worker) return;
      settle();
      replaceWorker();
      if (generation === latest) events.onTimeout(generation);
      pump();
    };
    // The run's limit counts from the worker's start, not from its launch.
    watch(run, starting ? STARTUP_TIMEOUT_MS + timeoutMs : timeoutMs);
    void starting?.then(() => {
      if (settled || current !== worker) return;
      watch(run, timeoutMs);
    });
    Promise.resolve(current.api.preview(request)).then(
      (reply) => {
        if (settled || current !== worker) return;
        settle();
        if (!reply.ok) {
          // Not run (the definition does not compile, often for a keystroke
          // or two: an open bracket). The summaries held stay, as the worker
          // keeps its last run: the page goes on showing them, and the reply
          // to the mending edit is a delta against them.
          if (reply.generation === latest) {
            const nodes = held?.nodes ?? {};
            events.onReply({ ...reply, nodes }, performance.now() - startedAt, handOn(nodes));
          }
          pump();
          return;
        }
        const nodes = apply(reply);
        if (nodes === null) {
          // A delta against summaries this client does not hold (it cannot
          // happen with one request in flight): ask again for all of them.
          held = null;
          pending ??= { generation, job };
        } else {
          held = { generation: reply.generation, nodes };
          if (reply.generation === latest) {
            const { base: _base, removed: _removed, ...whole } = reply;
            events.onReply({ ...whole, nodes }, performance.now() - startedAt, handOn(nodes));
          }
        }
        pump();
      },
      (error: unknown) => {
        if (settled || current !== worker) return;
        settle();
        replaceWorker();
        if (generation === latest) {
          events.onFailure?.(generation, error instanceof Error ? error.message : String(error));
        }
        pump();
      },
    );
  }

  const client: PreviewClient = {
    request(job) {
      latest += 1;
      pending = { generation: latest, job };
      pump();
      return latest;
    },
    async nodeDetail(generation, nodeId) {
      if (disposed) return null;
      try {
        return await worker.api.nodeDetail(generation, nodeId);
      } catch {
        return null;
      }
    },
    validate(definition, limitMs = CALL_TIMEOUT_MS) {
      return call((api) => api.validate(definition), limitMs);
    },
    exportAsl(definition, limitMs = CALL_TIMEOUT_MS) {
      return call((api) => api.exportAsl(definition), limitMs);
    },
    dispose() {
      if (shared === client) shared = null;
      disposed = true;
      pending = null;
      watched = null;
      clearTimeout(watchdog);
      worker.terminate();
    },
  };
  return client;
}
