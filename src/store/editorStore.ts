// The editor store: one zustand store per editor (vanilla, so tests run without
// React), in the slices of types.ts. Every document change is a named action
// that goes through `commit`, which records one undo step; a drag records its
// step when it ends (`commitMove`), and consecutive edits of one field within a
// second merge into one step so undo does not replay every keystroke.

import { useSyncExternalStore } from 'react';
import { createStore, type StoreApi } from 'zustand/vanilla';
import {
  PREVIEW_TIMEOUT_MS,
  nodeKindInfo,
  outPortsOf,
  type EdgeDefinition,
  type NodeDefinition,
  type NodeDetail,
  type NodeSummary,
  type WorkflowDefinition,
} from '../engine/client.ts';
import {
  copyPayload,
  edgeKey,
  followCasePorts,
  freshId,
  pastePayload,
  reaches,
} from './documentOps.ts';
import { layoutDocument } from './layout.ts';
import { createRenderHold } from './renderHold.ts';
import { shareStructure } from './shareStructure.ts';
import type { ClipboardPayload, EditorState } from './types.ts';

export { edgeKey } from './documentOps.ts';

export type EditorStore = StoreApi<EditorState>;

export interface EditorStoreOptions {
  /** The clock used to merge rapid edits of one field into one undo step. */
  now?: () => number;
}

const HISTORY_LIMIT = 200;
const MERGE_WINDOW_MS = 1000;
const PASTE_OFFSET = 40;

export function emptyDocument(): WorkflowDefinition {
  return {
    format: 'weft/v1',
    id: 'untitled',
    name: 'Untitled workflow',
    nodes: [{ id: 'start', kind: 'trigger', position: { x: 0, y: 0 } }],
    edges: [],
  };
}

function nodeName(node: NodeDefinition): string {
  return node.label ?? node.id;
}

/** Durations jitter from run to run; a card only re-renders for one that really moved. */
function similarDuration(a: number, b: number): boolean {
  if (a < 0.1 && b < 0.1) return true;
  return Math.abs(a - b) <= 0.5 * Math.max(a, b);
}

function sameSummary(a: NodeSummary, b: NodeSummary): boolean {
  return (
    a.status === b.status &&
    a.port === b.port &&
    a.preview === b.preview &&
    a.error?.code === b.error?.code &&
    a.error?.message === b.error?.message &&
    similarDuration(a.durationMs, b.durationMs)
  );
}

/** Which summaries differ between a record of the store and the one before it. */
export interface SummaryDelta {
  from: ReadonlyMap<string, NodeSummary>;
  /** Ids whose summary differs in the newer record (changed, added or removed). */
  ids: readonly string[];
}

const deltas = new WeakMap<ReadonlyMap<string, NodeSummary>, SummaryDelta>();

/**
 * How `summaries` (a record stableSummaries made) differs from the record it
 * replaced, so that what the page derives from all the summaries at once (the
 * minimap's colours) is updated by the few ids an edit changed instead of by a
 * walk over every node.
 */
export function summaryDelta(
  summaries: ReadonlyMap<string, NodeSummary>,
): SummaryDelta | undefined {
  return deltas.get(summaries);
}

/**
 * Keeps the previous summary object for every node whose result did not
 * visibly change, and the previous record when none did, so a 1,000-node
 * canvas re-renders only the cards the edit affected. The preview client
 * already hands back unchanged summaries as the same objects (the worker sends
 * only what changed), and with `ids` (the client's SummaryChanges, against the
 * record `previous` was made from) only those are looked at; without, every
 * node is (after a worker restart, whose first reply is all new objects).
 * A Map, not an object: a keystroke's new record is a copy of the last, and
 * in V8 copying an object of 1,000 keys costs about ten times copying a Map
 * of them (bench/RESULTS.md).
 */
export function stableSummaries(
  previous: ReadonlyMap<string, NodeSummary>,
  next: Readonly<Record<string, NodeSummary>>,
  ids?: readonly string[],
): ReadonlyMap<string, NodeSummary> {
  const changedIds: string[] = [];
  let out: Map<string, NodeSummary> | null = null;
  if (ids) {
    for (const id of ids) {
      const now = next[id];
      const before = previous.get(id);
      if (now === undefined) {
        if (before === undefined) continue;
        out ??= new Map(previous);
        out.delete(id);
      } else if (before === now || (before && sameSummary(before, now))) {
        continue;
      } else {
        out ??= new Map(previous);
        out.set(id, now);
      }
      changedIds.push(id);
    }
  } else {
    const all = new Map<string, NodeSummary>();
    for (const id in next) {
      const now = next[id] as NodeSummary;
      const before = previous.get(id);
      if (before === now || (before && sameSummary(before, now))) {
        all.set(id, before);
      } else {
        all.set(id, now);
        changedIds.push(id);
      }
    }
    for (const id of previous.keys()) if (!all.has(id)) changedIds.push(id);
    if (changedIds.length > 0) out = all;
  }
  if (!out) return previous;
  deltas.set(out, { from: previous, ids: changedIds });
  return out;
}

type Listener = (state: EditorState, previous: EditorState) => void;

const firstListeners = new WeakMap<EditorStore, Set<Listener>>();

/**
 * Subscribes `listener` ahead of every ordinary subscriber (the page's
 * components), whenever it subscribes. The preview bridge sends a keystroke's
 * run request from here, before a thousand cards check whether the change is
 * theirs: the sooner the request leaves, the likelier its reply makes the
 * keystroke's own frame.
 */
export function subscribeFirst(store: EditorStore, listener: Listener): () => void {
  const first = firstListeners.get(store);
  if (!first) return store.subscribe(listener);
  first.add(listener);
  return () => first.delete(listener);
}

/**
 * The details of a reply by node id, each sharing the parts of its input and
 * output that equal those of the node's previous detail: the inspector's JSON
 * trees then re-render only what the edit changed (usually a number or two),
 * not every line of the node's input on every keystroke.
 */
function sharedDetails(
  previous: Record<string, NodeDetail>,
  details: readonly NodeDetail[],
): Record<string, NodeDetail> {
  const out: Record<string, NodeDetail> = {};
  for (const detail of details) {
    const before = previous[detail.nodeId];
    if (!before) {
      out[detail.nodeId] = detail;
      continue;
    }
    const shared: NodeDetail = { ...detail };
    if ('input' in detail) shared.input = shareStructure(before.input, detail.input);
    if ('output' in detail) shared.output = shareStructure(before.output, detail.output);
    out[detail.nodeId] = shared;
  }
  return out;
}

export function createEditorStore(
  initial?: WorkflowDefinition,
  options: EditorStoreOptions = {},
): EditorStore {
  const store = createEditorStoreApi(initial, options);
  // Registered before anything else can subscribe, so it is notified first.
  const first = new Set<Listener>();
  store.subscribe((state, previous) => {
    for (const listener of first) listener(state, previous);
  });
  firstListeners.set(store, first);
  return store;
}

function createEditorStoreApi(
  initial: WorkflowDefinition | undefined,
  options: EditorStoreOptions,
): EditorStore {
  const now = options.now ?? (() => Date.now());
  // Undo bookkeeping that no component renders, so it lives outside the state.
  let dragOrigin: WorkflowDefinition | null = null;
  // The summaries of the last reply applied, which a reply's SummaryChanges
  // are counted from; null when the shown summaries came from elsewhere.
  let replied: Record<string, NodeSummary> | null = null;
  let lastMerge: { key: string; at: number } | null = null;
  let pasteCount = 0;

  return createStore<EditorState>()((set, get) => {
    /** Applies a document change as one undo step (or merges it into the last one). */
    function commit(
      next: WorkflowDefinition,
      extra: Partial<EditorState> = {},
      mergeKey?: string,
    ): void {
      const state = get();
      if (next === state.document) return;
      const at = now();
      const merge =
        mergeKey !== undefined &&
        lastMerge !== null &&
        lastMerge.key === mergeKey &&
        at - lastMerge.at < MERGE_WINDOW_MS &&
        state.past.length > 0;
      lastMerge = mergeKey === undefined ? null : { key: mergeKey, at };
      const past = merge ? state.past : [...state.past, state.document].slice(-HISTORY_LIMIT);
      set({ ...extra, document: next, past, future: [], connectionRefusal: null });
    }

    function updateNode(id: string, change: (node: NodeDefinition) => NodeDefinition, key: string) {
      const { document } = get();
      const index = document.nodes.findIndex((n) => n.id === id);
      const node = document.nodes[index];
      if (!node) return;
      const nodes = document.nodes.slice();
      nodes[index] = change(node);
      commit({ ...document, nodes }, {}, key);
    }

    /**
     * The selection without what `document` no longer has. A list that loses
     * nothing is kept as it is: the canvas rebuilds its lists only for a new
     * one, and an empty one needs no pass over a thousand nodes or edges (a
     * switch's case renamed, keystroke by keystroke, or an undo).
     */
    function prunedSelection(document: WorkflowDefinition): Partial<EditorState> {
      const { selectedNodeIds, selectedEdgeIds } = get();
      const kept = <T>(ids: string[], all: readonly T[], key: (item: T) => string) => {
        if (ids.length === 0) return ids;
        const present = new Set(all.map(key));
        const next = ids.filter((id) => present.has(id));
        return next.length === ids.length ? ids : next;
      };
      return {
        selectedNodeIds: kept(selectedNodeIds, document.nodes, (n) => n.id),
        selectedEdgeIds: kept(selectedEdgeIds, document.edges, edgeKey),
      };
    }

    function pasteInto(payload: ClipboardPayload) {
      pasteCount += 1;
      const offset = { x: PASTE_OFFSET * pasteCount, y: PASTE_OFFSET * pasteCount };
      const { document, pastedIds } = pastePayload(get().document, payload, offset);
      if (pastedIds.length === 0) return;
      commit(document, { selectedNodeIds: pastedIds, selectedEdgeIds: [] });
    }

    const document = initial ?? emptyDocument();
    return {
      document,
      past: [],
      future: [],
      selectedNodeIds: [],
      selectedEdgeIds: [],
      activeSample: document.input?.samples?.[0]?.name ?? null,
      connectionRefusal: null,
      decisions: {},
      clipboard: null,
      previewState: 'idle',
      diagnostics: [],
      run: null,
      previewMs: null,
      generation: 0,
      nodeSummaries: new Map(),
      nodeDetails: {},

      loadDocument(definition) {
        dragOrigin = null;
        replied = null;
        lastMerge = null;
        set({
          document: definition,
          past: [],
          future: [],
          selectedNodeIds: [],
          selectedEdgeIds: [],
          activeSample: definition.input?.samples?.[0]?.name ?? null,
          connectionRefusal: null,
          decisions: {},
          previewState: 'idle',
          diagnostics: [],
          run: null,
          nodeSummaries: new Map(),
          nodeDetails: {},
        });
      },

      addNode(kind, position) {
        const { document } = get();
        const id = freshId(kind, new Set(document.nodes.map((n) => n.id)), kind === 'trigger');
        const node: NodeDefinition = { id, kind, position: { x: position.x, y: position.y } };
        const defaults = nodeKindInfo(kind)?.defaultConfig;
        if (defaults && Object.keys(defaults).length > 0) node.config = structuredClone(defaults);
        commit(
          { ...document, nodes: [...document.nodes, node] },
          { selectedNodeIds: [id], selectedEdgeIds: [] },
        );
        return id;
      },

      removeSelection() {
        const { document, selectedNodeIds, selectedEdgeIds } = get();
        if (selectedNodeIds.length === 0 && selectedEdgeIds.length === 0) return;
        const nodeIds = new Set(selectedNodeIds);
        const edgeKeys = new Set(selectedEdgeIds);
        const nodes = document.nodes.filter((n) => !nodeIds.has(n.id));
        const edges = document.edges.filter(
          (e) => !nodeIds.has(e.source) && !nodeIds.has(e.target) && !edgeKeys.has(edgeKey(e)),
        );
        if (nodes.length === document.nodes.length && edges.length === document.edges.length) {
          set({ selectedNodeIds: [], selectedEdgeIds: [] });
          return;
        }
        commit({ ...document, nodes, edges }, { selectedNodeIds: [], selectedEdgeIds: [] });
      },

      moveNodes(moves) {
        if (moves.length === 0) return;
        const { document } = get();
        const wanted = new Map(moves.map((m) => [m.id, m.position]));
        let changed = false;
        // Only moved nodes get new objects, so the canvas re-renders only them.
        const nodes = document.nodes.map((node) => {
          const to = wanted.get(node.id);
          if (!to || (node.position && node.position.x === to.x && node.position.y === to.y)) {
            return node;
          }
          changed = true;
          return { ...node, position: { x: to.x, y: to.y } };
        });
        if (!changed) return;
        if (dragOrigin === null) dragOrigin = document;
        set({ document: { ...document, nodes } });
      },

      commitMove() {
        const origin = dragOrigin;
        dragOrigin = null;
        lastMerge = null;
        const state = get();
        if (origin === null || origin === state.document) return;
        set({ past: [...state.past, origin].slice(-HISTORY_LIMIT), future: [] });
      },

      connect(edge) {
        const { document } = get();
        const refuse = (reason: string) => {
          set({ connectionRefusal: reason });
          return { ok: false as const, reason };
        };
        const source = document.nodes.find((n) => n.id === edge.source);
        const target = document.nodes.find((n) => n.id === edge.target);
        if (!source) return refuse(`There is no node "${edge.source}" to connect from.`);
        if (!target) return refuse(`There is no node "${edge.target}" to connect to.`);
        const sourcePort = edge.sourcePort ?? 'out';
        const targetPort = edge.targetPort ?? 'in';
        if (!outPortsOf(source).includes(sourcePort)) {
          return refuse(`"${nodeName(source)}" has no "${sourcePort}" port.`);
        }
        if (targetPort !== 'in' || nodeKindInfo(target.kind)?.hasInput === false) {
          return refuse(
            targetPort !== 'in'
              ? `"${nodeName(target)}" has no "${targetPort}" input port.`
              : `"${nodeName(target)}" is a trigger: it has no input.`,
          );
        }
        if (
          document.edges.some(
            (e) =>
              e.source === source.id &&
              (e.sourcePort ?? 'out') === sourcePort &&
              e.target === target.id &&
              (e.targetPort ?? 'in') === targetPort,
          )
        ) {
          return refuse(
            `"${nodeName(source)}" ${sourcePort} is already connected to "${nodeName(target)}".`,
          );
        }
        if (reaches(document.edges, target.id, source.id)) {
          return refuse(
            source.id === target.id
              ? `"${nodeName(source)}" cannot connect to itself: workflows have no cycles.`
              : `Connecting "${nodeName(source)}" to "${nodeName(target)}" would make a cycle: "${nodeName(target)}" already leads to "${nodeName(source)}".`,
          );
        }
        const added: EdgeDefinition = { source: source.id, target: target.id };
        if (sourcePort !== 'out') added.sourcePort = sourcePort;
        if (edge.id !== undefined) added.id = edge.id;
        commit({ ...document, edges: [...document.edges, added] });
        return { ok: true as const };
      },

      removeEdges(edgeIds) {
        const { document, selectedEdgeIds } = get();
        const keys = new Set(edgeIds);
        const edges = document.edges.filter((e) => !keys.has(edgeKey(e)));
        if (edges.length === document.edges.length) return;
        commit(
          { ...document, edges },
          { selectedEdgeIds: selectedEdgeIds.filter((k) => !keys.has(k)) },
        );
      },

      updateNodeLabel(id, label) {
        updateNode(
          id,
          (node) => {
            const next = { ...node };
            if (label.trim() === '') delete next.label;
            else next.label = label;
            return next;
          },
          `label:${id}`,
        );
      },

      updateNodeConfig(id, config) {
        const { document } = get();
        const node = document.nodes.find((n) => n.id === id);
        if (node?.kind !== 'switch') {
          updateNode(id, (n) => ({ ...n, config }), `config:${id}`);
          return;
        }
        // A renamed case keeps its edges and a removed case drops them, in
        // the same undo step as the config change.
        const edges = followCasePorts(id, node.config, config, document.edges);
        const nodes = document.nodes.map((n) => (n === node ? { ...n, config } : n));
        if (edges === document.edges) {
          commit({ ...document, nodes }, {}, `config:${id}`);
          return;
        }
        const next = { ...document, nodes, edges: [...edges] };
        commit(next, prunedSelection(next), `config:${id}`);
      },

      setWorkflowMeta(meta) {
        const { document } = get();
        const next = { ...document };
        if (meta.name !== undefined) next.name = meta.name;
        if (meta.description !== undefined) {
          if (meta.description === '') delete next.description;
          else next.description = meta.description;
        }
        commit(next, {}, `meta:${Object.keys(meta).join(',')}`);
      },

      setInputSchema(schema) {
        const { document } = get();
        const input = { ...document.input };
        if (schema === undefined) delete input.schema;
        else input.schema = schema;
        const next: WorkflowDefinition = { ...document, input };
        if (Object.keys(input).length === 0) delete next.input;
        commit(next, {}, 'input-schema');
      },

      setSamples(samples) {
        const { document } = get();
        const input = { ...document.input, samples };
        commit({ ...document, input }, {}, 'samples');
      },

      setActiveSample(name) {
        set({ activeSample: name });
      },

      select(nodeIds, edgeIds = []) {
        set({ selectedNodeIds: nodeIds, selectedEdgeIds: edgeIds });
      },

      selectAll() {
        const { document } = get();
        set({
          selectedNodeIds: document.nodes.map((n) => n.id),
          selectedEdgeIds: document.edges.map(edgeKey),
        });
      },

      copySelection() {
        const { document, selectedNodeIds } = get();
        const payload = copyPayload(document, selectedNodeIds);
        if (!payload) return;
        pasteCount = 0;
        set({ clipboard: payload });
      },

      paste(payload) {
        const source = payload ?? get().clipboard;
        if (source) pasteInto(source);
      },

      duplicateSelection() {
        const { document, selectedNodeIds } = get();
        const payload = copyPayload(document, selectedNodeIds);
        if (!payload) return;
        const { document: next, pastedIds } = pastePayload(document, payload, {
          x: PASTE_OFFSET,
          y: PASTE_OFFSET,
        });
        if (pastedIds.length > 0) commit(next, { selectedNodeIds: pastedIds, selectedEdgeIds: [] });
      },

      async autoLayout(options = {}) {
        const record = options.record !== false;
        const before = get().document;
        const positions = await layoutDocument(before);
        const { document } = get();
        // A user's layout is stale when an edit landed while elk worked: the
        // edit wins. An opening layout only places nodes that still have no place.
        if (record && document !== before) return;
        const next = {
          ...document,
          nodes: document.nodes.map((node) => {
            const at = positions.get(node.id);
            return at && (record || !node.position) ? { ...node, position: at } : node;
          }),
        };
        if (record) commit(next);
        else set({ document: next });
      },

      undo() {
        const { past, future, document } = get();
        const previous = past[past.length - 1];
        if (!previous) return;
        dragOrigin = null;
        lastMerge = null;
        set({
          document: previous,
          past: past.slice(0, -1),
          future: [document, ...future],
          connectionRefusal: null,
          ...prunedSelection(previous),
        });
      },

      redo() {
        const { past, future, document } = get();
        const next = future[0];
        if (!next) return;
        dragOrigin = null;
        lastMerge = null;
        set({
          document: next,
          past: [...past, document],
          future: future.slice(1),
          connectionRefusal: null,
          ...prunedSelection(next),
        });
      },

      setDecision(nodeId, decision) {
        const decisions = { ...get().decisions };
        if (decision === null) delete decisions[nodeId];
        else decisions[nodeId] = decision;
        set({ decisions });
      },

      dismissRefusal() {
        set({ connectionRefusal: null });
      },

      previewStarted() {
        if (get().previewState !== 'running') set({ previewState: 'running' });
      },

      previewFinished(reply, roundTripMs, changes) {
        const known = changes !== undefined && changes.since === replied;
        replied = reply.nodes;
        if (!reply.ok) {
          // Not run: the definition does not compile. The last run, its
          // summaries (the client hands them on again) and details stay, shown
          // as stale, with the generation they came from: a node selected now
          // fetches its detail from that run, and the edges keep their looks.
          // Summaries that do not count from those shown (another document's,
          // since one was loaded) are not shown, and the next run's are then
          // taken whole.
          if (!known) replied = null;
          set({
            previewState: 'invalid',
            diagnostics: reply.diagnostics,
            nodeSummaries: known
              ? stableSummaries(get().nodeSummaries, reply.nodes, changes.ids)
              : get().nodeSummaries,
            previewMs: roundTripMs,
          });
          return;
        }
        set({
          previewState: 'done',
          diagnostics: reply.diagnostics,
          run: reply.run,
          nodeSummaries: stableSummaries(
            get().nodeSummaries,
            reply.nodes,
            known ? changes.ids : undefined,
          ),
          nodeDetails: sharedDetails(get().nodeDetails, reply.details ?? []),
          generation: reply.generation,
          previewMs: roundTripMs,
        });
      },

      previewTimedOut(generation, message) {
        const error = {
          code: 'RUN_TIMEOUT',
          message:
            message ??
            `The preview did not finish within ${PREVIEW_TIMEOUT_MS / 1000} s and was stopped.`,
        };
        replied = null;
        const nodeSummaries = new Map<string, NodeSummary>();
        for (const node of get().document.nodes) {
          nodeSummaries.set(node.id, { status: 'timed-out', durationMs: 0, error });
        }
        set({
          previewState: 'timed-out',
          run: { status: 'failed', output: null, error, nodes: {} },
          nodeSummaries,
          nodeDetails: {},
          generation,
          previewMs: null,
        });
      },

      setNodeDetail(detail) {
        const state = get();
        if (detail.generation !== state.generation) return;
        const [shared] = Object.values(sharedDetails(state.nodeDetails, [detail]));
        set({ nodeDetails: { ...state.nodeDetails, [detail.nodeId]: shared ?? detail } });
      },
    };
  });
}

/** The app-wide editor. */
export const editorStore: EditorStore = createEditorStore();

const renders = createRenderHold(editorStore);

/**
 * Makes a change to the app-wide editor whose renders wait for the next frame
 * (renderHold.ts): for a field that owns its text, so a keystroke renders the
 * page once, with its preview, rather than also in the key's own task.
 */
export const holdRenders = renders.hold;

/**
 * Renders every held change now, inside `flush` (React's `flushSync`), if any
 * is held: before the next input's handlers run, they see the latest state.
 */
export function releaseRenders(flush: (render: () => void) => void): void {
  if (renders.pending()) flush(renders.release);
}

/** Reads from the app-wide editor; pass `useShallow(...)` for object or array picks. */
export function useEditor<T>(selector: (state: EditorState) => T): T {
  // zustand's useStore, subscribed through the render hold.
  const read = () => selector(editorStore.getState());
  return useSyncExternalStore(renders.subscribe, read, read);
}
