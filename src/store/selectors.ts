// Selectors shared by the canvas, the inspector and the status bar. Lookups by
// id go through a Map built once per `nodes` array (structural sharing keeps the
// array until a node changes), so a canvas of 1,000 nodes, each selecting its
// own node, costs 1,000 Map reads per change rather than a million comparisons.

import type { Diagnostic, NodeDefinition, WorkflowDefinition } from '../engine/client.ts';
import type { EditorState } from './types.ts';

const indexes = new WeakMap<readonly NodeDefinition[], Map<string, NodeDefinition>>();

export function nodeById(document: WorkflowDefinition, id: string): NodeDefinition | undefined {
  let index = indexes.get(document.nodes);
  if (!index) {
    index = new Map(document.nodes.map((n) => [n.id, n]));
    indexes.set(document.nodes, index);
  }
  return index.get(id);
}

export const selectNode =
  (id: string) =>
  (state: EditorState): NodeDefinition | undefined =>
    nodeById(state.document, id);

export const selectNodeSummary = (id: string) => (state: EditorState) => state.nodeSummaries[id];

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
