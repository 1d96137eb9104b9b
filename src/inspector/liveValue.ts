// What the inspector shows under an expression field: the value that
// expression produced for the current sample. Only fields whose value the run
// result determines get one; showing a guess would mislead more than showing
// nothing.
import type { Json, NodeKindName, NodeResult } from '../engine/client.ts';

export type LiveValue =
  | { type: 'none' }
  | { type: 'status'; text: string }
  | { type: 'value'; value: Json | undefined }
  | { type: 'port'; port: string }
  | { type: 'error'; code: string; message: string };

const VALUE_FIELDS: Partial<Record<NodeKindName, string>> = {
  transform: 'expression',
  output: 'expression',
  map: 'expression',
};

/** The live value of `field` (a top-level config key) of a `kind` node, given its result. */
export function liveValueOf(
  kind: NodeKindName,
  field: string,
  result: NodeResult | undefined,
): LiveValue {
  const determined =
    VALUE_FIELDS[kind] === field ||
    (kind === 'map' && field === 'items') ||
    (kind === 'condition' && field === 'expression') ||
    (kind === 'fail' && field === 'cause');
  if (!determined) return { type: 'none' };
  if (!result) return { type: 'status', text: 'Not run yet' };
  if (result.status === 'skipped') return { type: 'status', text: 'Skipped: no active input' };
  if (result.status === 'waiting') return { type: 'status', text: 'Waiting' };
  if (result.status === 'failed' || result.port === 'error') {
    if (result.error)
      return { type: 'error', code: result.error.code, message: result.error.message };
    return { type: 'status', text: 'Failed' };
  }
  if (kind === 'condition')
    return result.port ? { type: 'port', port: result.port } : { type: 'none' };
  if (kind === 'map' && field === 'items') {
    const count = Array.isArray(result.output) ? result.output.length : 0;
    return { type: 'status', text: `${count} item${count === 1 ? '' : 's'}` };
  }
  return { type: 'value', value: result.output };
}
