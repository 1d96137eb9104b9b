// The editor store's shape: the contract between the canvas, the inspector and
// the workspace/persistence code. One zustand store per editor, in slices:
// `document` (the workflow; undoable), `session` (selection, viewport, UI state)
// and `preview` (engine results). Every document change goes through a named
// action; a drag records one undo step when it ends.

import type {
  ApprovalDecision,
  Diagnostic,
  Json,
  JsonObject,
  JsonSchema,
  InputSample,
  NodeDefinition,
  NodeDetail,
  NodeKindName,
  NodeResult,
  NodeSummary,
  Position,
  PreviewReply,
  RunResult,
  SummaryChanges,
  WorkflowDefinition,
  EdgeDefinition,
} from '../engine/client.ts';

export interface DocumentSlice {
  document: WorkflowDefinition;
  /** Past and future documents for undo/redo (structural sharing keeps this cheap). */
  past: WorkflowDefinition[];
  future: WorkflowDefinition[];
}

/** What copy puts on the clipboard: nodes and the edges between them. */
export interface ClipboardPayload {
  format: 'weft/clipboard';
  nodes: NodeDefinition[];
  edges: EdgeDefinition[];
}

export interface SessionSlice {
  selectedNodeIds: string[];
  /** Edge keys, see `edgeKey` in editorStore.ts (an edge's `id`, else source:port->target:port). */
  selectedEdgeIds: string[];
  /** Name of the input sample the preview runs on. */
  activeSample: string | null;
  /** Why the last connection attempt was refused, shown to the user; null when none. */
  connectionRefusal: string | null;
  /**
   * Approval node id -> the decision the preview assumes (added by INSPECTOR: the
   * approval inspector writes it; EDITOR-CORE passes it to the worker as
   * `RunOptions.decisions`). Session state, not document: a decision is a
   * what-if for the preview, not part of the definition. Missing = `approved`.
   */
  decisions: Record<string, ApprovalDecision>;
  /** The in-app clipboard (the system clipboard gets the same payload as JSON text when available). */
  clipboard: ClipboardPayload | null;
}

export type PreviewState = 'idle' | 'running' | 'done' | 'timed-out' | 'invalid';

export interface PreviewSlice {
  previewState: PreviewState;
  /** Compile diagnostics for the current document (errors and warnings). */
  diagnostics: Diagnostic[];
  /**
   * The latest run for the current document and sample; null before the first run. While the
   * workflow does not compile, the last run that did (the canvas shows it under a notice,
   * `previewState` says `invalid`).
   * Compact: `run.nodes[id]` carries status, port, error and duration but no input/output (those
   * are in `nodeDetails`, fetched for the selected node); `run.output` may be truncated.
   */
  run: RunResult | null;
  /** Wall time of the last preview round trip, ms. */
  previewMs: number | null;
  /** Generation of the run shown (tags every request to the worker). */
  generation: number;
  /** Per-node summaries of the run shown, for the canvas (status, port, one-line preview, time, error). */
  nodeSummaries: ReadonlyMap<string, NodeSummary>;
  /** Full (large arrays truncated) input/output of selected nodes for the run shown, by node id. */
  nodeDetails: Record<string, NodeDetail>;
}

export interface EditorActions {
  /** Replace the whole document (open, import, gallery). Clears undo history and selection. */
  loadDocument(definition: WorkflowDefinition): void;
  addNode(kind: NodeKindName, position: Position): string;
  removeSelection(): void;
  /** Moves nodes without recording undo; `commitMove` records the whole drag as one step. */
  moveNodes(moves: Array<{ id: string; position: Position }>): void;
  commitMove(): void;
  connect(edge: EdgeDefinition): { ok: true } | { ok: false; reason: string };
  removeEdges(edgeIds: string[]): void;
  updateNodeLabel(id: string, label: string): void;
  updateNodeConfig(id: string, config: JsonObject): void;
  setWorkflowMeta(meta: { name?: string; description?: string }): void;
  setInputSchema(schema: JsonSchema | undefined): void;
  setSamples(samples: InputSample[]): void;
  setActiveSample(name: string | null): void;
  select(nodeIds: string[], edgeIds?: string[]): void;
  selectAll(): void;
  copySelection(): void;
  /** Pastes `payload` (e.g. read from the system clipboard) or else the in-app clipboard; new ids. */
  paste(payload?: ClipboardPayload): void;
  duplicateSelection(): void;
  /**
   * Lays the graph out left to right (elkjs). One undo step; with `record: false`
   * (a definition opened without positions) it becomes part of the loaded document.
   */
  autoLayout(options?: { record?: boolean }): Promise<void>;
  undo(): void;
  redo(): void;
  /** Sets the preview's decision for one approval node (null: back to `approved`); re-runs the preview. */
  setDecision(nodeId: string, decision: ApprovalDecision | null): void;
  dismissRefusal(): void;
  /** Preview plumbing (called by the preview bridge, not by components). */
  previewStarted(): void;
  /** `changes`: which summaries may differ from the last reply's (see the preview client). */
  previewFinished(reply: PreviewReply, roundTripMs: number, changes?: SummaryChanges): void;
  /** The run was cut off (or the worker died: `message` says so); every node shows as timed out. */
  previewTimedOut(generation: number, message?: string): void;
  setNodeDetail(detail: NodeDetail): void;
}

export type EditorState = DocumentSlice & SessionSlice & PreviewSlice & EditorActions;

export type { Json, NodeDefinition, NodeResult };
