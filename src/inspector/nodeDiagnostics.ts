// Sorts the preview's compile diagnostics onto the inspector's fields. The
// engine addresses them by JSON Pointer into the definition
// (`/nodes/3/config/expression`), so a field finds its own by pointer.
import type { Diagnostic } from '../engine/client.ts';

function escapePointerToken(token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** The pointer of a node's config field: `configPointer(3, 'cases', 0, 'expression')`. */
export function configPointer(nodeIndex: number, ...tokens: Array<string | number>): string {
  return ['', 'nodes', nodeIndex, 'config', ...tokens]
    .map((t) => escapePointerToken(String(t)))
    .join('/');
}

function within(path: string, prefix: string): boolean {
  return path === prefix || path.startsWith(`${prefix}/`);
}

/** Diagnostics at `pointer` or inside it. */
export function diagnosticsAt(diagnostics: readonly Diagnostic[], pointer: string): Diagnostic[] {
  return diagnostics.filter((d) => within(d.path, pointer));
}

/**
 * Diagnostics about a node that no field of the form shows: the node itself
 * (`/nodes/3`, a duplicate id…), its config as a whole, and edges that name it.
 * `fieldKeys` are the config keys the form renders.
 */
export function nodeLevelDiagnostics(
  diagnostics: readonly Diagnostic[],
  nodeIndex: number,
  nodeId: string,
  fieldKeys: readonly string[],
): Diagnostic[] {
  const nodePointer = `/nodes/${nodeIndex}`;
  const fieldPointers = fieldKeys.map((key) => configPointer(nodeIndex, key));
  return diagnostics.filter((d) => {
    const aboutNode = within(d.path, nodePointer) || d.node === nodeId;
    return aboutNode && !fieldPointers.some((p) => within(d.path, p));
  });
}
