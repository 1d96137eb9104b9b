// Selectors shared by the canvas, the inspector and the status bar. Lookups by
// id go through a Map of each node's position in the `nodes` array, so a canvas
// of 1,000 nodes, each selecting its own node, costs 1,000 Map reads per change
// rather than a million comparisons. The positions stay valid while nodes keep
// their order (a keystroke or a drag replaces one node in a new array), so the
// Map is rebuilt only when a lookup finds another node at the remembered place.

import type { Diagnostic, NodeDefinition, WorkflowDefinition } from '../engine/client.ts';
import type { EditorState } from './types.ts';

let positions = new Map<string, number>();
/** The array `positions` was last built from. */
let positionsOf: readonly NodeDefinition[] | null = null;

export function nodeById(document: WorkflowDefinition, id: string): NodeDefinition | undefined {
  const nodes = document.nodes;
  const at = positions.get(id);
  const node = at === undefined ? undefined : nodes[at];
  if (node?.id === id) return node;
  if (positionsOf === nodes) return undefined;
  positions = new Map(nodes.map((n, i) => [n.id, i]));
  positionsOf = nodes;
  const found = positions.get(id);
  return found === undefined ? undefined : nodes[found];
}

export const selectNode =
  (id: string) =>
  (state: EditorState): NodeDefinition | undefined =>
    nodeById(state.document, id);

export const selectNodeSummary = (id: string) => (state: EditorState) =>
  state.nodeSummaries.get(id);

export const selectNodeDetail = (id: string) => (state: EditorState) => state.nodeDetails[id];

const diagnosticsByNode = new WeakMap<Diagnostic[], Map<string, Diagnostic[]>>();
const NO_DIAGNOSTICS: Diagnostic[] = [];

/**
 * The diagnostics about one node (by `node`, else by a `/nodes/<index>` path),
 * errors first; the same array until the diagnostics change.
 */
export function nodeDiagnostics(state: EditorState, id: string): Diagnostic[] {
  const { diagnostics, document } = state;
  let index = diagnosticsByNode.get(diagnostics);
  if (!index) {
    index = new Map();
    for (const d of diagnostics) {
      const at = /^\/nodes\/(\d+)/.exec(d.path)?.[1];
      const node = d.node ?? (at === undefined ? undefined : document.nodes[Number(at)]?.id);
      if (node === undefined) continue;
      const list = index.get(node) ?? [];
      list.push(d);
      index.set(node, list);
    }
    for (const list of index.values()) {
      list.sort((a, b) => Number(b.severity === 'error') - Number(a.severity === 'error'));
    }
    diagnosticsByNode.set(diagnostics, index);
  }
  return index.get(id) ?? NO_DIAGNOSTICS;
}
