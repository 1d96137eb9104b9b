// Structural checks for data that comes from outside the running app: stored
// records (which another version of the app, a bug or a crash may have left in
// any shape) and imported files (which a stranger may have written). These are
// the cheap, synchronous checks that decide whether a value can be handed to
// the editor at all; the engine's compileWorkflow then judges its meaning.
//
// Nothing here copies properties from untrusted objects: values are only read,
// so keys such as `__proto__` stay inert data.

import type { WorkflowDefinition } from '../engine/client.ts';

/** Imports larger than this are refused before they are read. */
export const MAX_IMPORT_BYTES = 5 * 1024 * 1024;
/** Nesting deeper than this is refused: it would overflow recursive code downstream. */
export const MAX_JSON_DEPTH = 64;
/** Far beyond any hand-built workflow (the engine's budgets are set at 1,000 nodes). */
export const MAX_NODES = 5000;
export const MAX_EDGES = 20000;

export type ParseOutcome = { ok: true; value: unknown } | { ok: false; message: string };

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function own(object: Record<string, unknown>, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(object, key) ? object[key] : undefined;
}

/** Depth of a parsed JSON value, walked iteratively so a hostile value cannot overflow the stack. */
export function jsonDepthExceeds(value: unknown, limit: number): boolean {
  const stack: Array<{ value: unknown; depth: number }> = [{ value, depth: 0 }];
  while (stack.length > 0) {
    const item = stack.pop();
    if (!item || typeof item.value !== 'object' || item.value === null) continue;
    const depth = item.depth + 1;
    if (depth > limit) return true;
    const children = Array.isArray(item.value)
      ? item.value
      : Object.values(item.value as Record<string, unknown>);
    for (const child of children) stack.push({ value: child, depth });
  }
  return false;
}

/**
 * Parses text as JSON, and only JSON, with the caps an import needs.
 * `JSON.parse` keeps `__proto__` as an own data property, never a prototype.
 */
export function parseJsonText(text: string, maxBytes = MAX_IMPORT_BYTES): ParseOutcome {
  if (text.length > maxBytes) {
    return {
      ok: false,
      message: `The file is too large (${formatBytes(text.length)}); the limit is ${formatBytes(maxBytes)}.`,
    };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return { ok: false, message: `The file is not valid JSON: ${detail}` };
  }
  if (jsonDepthExceeds(value, MAX_JSON_DEPTH)) {
    return { ok: false, message: `The file is nested more than ${MAX_JSON_DEPTH} levels deep.` };
  }
  return { ok: true, value };
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

export interface ShapeProblem {
  /** JSON Pointer to the offending value. */
  path: string;
  message: string;
}

/**
 * Whether a value has the shape of a workflow definition: enough for the editor
 * to open it without crashing. The full definition schema and the graph rules
 * are the engine's job (compileWorkflow); a definition with compile errors is
 * still a document the author can open and fix.
 */
export function checkDefinitionShape(value: unknown): ShapeProblem[] {
  const problems: ShapeProblem[] = [];
  if (!isPlainObject(value)) {
    return [{ path: '', message: 'A workflow definition must be a JSON object.' }];
  }
  if (own(value, 'format') !== 'weft/v1') {
    problems.push({ path: '/format', message: 'format must be "weft/v1".' });
  }
  if (typeof own(value, 'id') !== 'string') {
    problems.push({ path: '/id', message: 'id must be a string.' });
  }
  if (typeof own(value, 'name') !== 'string') {
    problems.push({ path: '/name', message: 'name must be a string.' });
  }
  const description = own(value, 'description');
  if (description !== undefined && typeof description !== 'string') {
    problems.push({ path: '/description', message: 'description must be a string.' });
  }
  const input = own(value, 'input');
  if (input !== undefined && !isPlainObject(input)) {
    problems.push({ path: '/input', message: 'input must be an object.' });
  }
  if (isPlainObject(input)) {
    const samples = own(input, 'samples');
    if (samples !== undefined) {
      if (!Array.isArray(samples)) {
        problems.push({ path: '/input/samples', message: 'samples must be an array.' });
      } else {
        samples.forEach((sample: unknown, index) => {
          if (!isPlainObject(sample) || typeof own(sample, 'name') !== 'string') {
            problems.push({
              path: `/input/samples/${index}`,
              message: 'A sample must be an object with a string name.',
            });
          }
        });
      }
    }
  }
  const nodes = own(value, 'nodes');
  if (!Array.isArray(nodes)) {
    problems.push({ path: '/nodes', message: 'nodes must be an array.' });
  } else if (nodes.length > MAX_NODES) {
    problems.push({
      path: '/nodes',
      message: `The workflow has ${nodes.length} nodes; the limit is ${MAX_NODES}.`,
    });
  } else {
    nodes.forEach((node: unknown, index) => {
      if (!isPlainObject(node)) {
        problems.push({ path: `/nodes/${index}`, message: 'A node must be an object.' });
        return;
      }
      if (typeof own(node, 'id') !== 'string') {
        problems.push({ path: `/nodes/${index}/id`, message: 'A node id must be a string.' });
      }
      if (typeof own(node, 'kind') !== 'string') {
        problems.push({ path: `/nodes/${index}/kind`, message: 'A node kind must be a string.' });
      }
      const config = own(node, 'config');
      if (config !== undefined && !isPlainObject(config)) {
        problems.push({ path: `/nodes/${index}/config`, message: 'config must be an object.' });
      }
      const position = own(node, 'position');
      if (
        position !== undefined &&
        (!isPlainObject(position) ||
          typeof own(position, 'x') !== 'number' ||
          typeof own(position, 'y') !== 'number')
      ) {
        problems.push({
          path: `/nodes/${index}/position`,
          message: 'position must be an object with numbers x and y.',
        });
      }
    });
  }
  const edges = own(value, 'edges');
  if (!Array.isArray(edges)) {
    problems.push({ path: '/edges', message: 'edges must be an array.' });
  } else if (edges.length > MAX_EDGES) {
    problems.push({
      path: '/edges',
      message: `The workflow has ${edges.length} edges; the limit is ${MAX_EDGES}.`,
    });
  } else {
    edges.forEach((edge: unknown, index) => {
      if (
        !isPlainObject(edge) ||
        typeof own(edge, 'source') !== 'string' ||
        typeof own(edge, 'target') !== 'string'
      ) {
        problems.push({
          path: `/edges/${index}`,
          message: 'An edge must be an object with string source and target.',
        });
      }
    });
  }
  return problems;
}

export function isDefinitionShaped(value: unknown): value is WorkflowDefinition {
  return checkDefinitionShape(value).length === 0;
}
