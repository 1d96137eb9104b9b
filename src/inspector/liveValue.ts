// What the inspector shows under an expression field: the value that
// expression produced for the current sample. Only fields whose value the run
// result determines get one; showing a guess would mislead more than showing
// nothing.
import type { Json, NodeKindName, NodeSummary } from '../engine/client.ts';

/** A node's result as the inspector sees it: the canvas summary plus the fetched output. */
export interface NodeView {
  summary: Pick<NodeSummary, 'status' | 'port' | 'error'>;
  /** Present once the node's detail arrived for the run shown. */
  detail?: { output?: Json; truncated: boolean };
}

export type LiveValue =
  | { type: 'none' }
  | { type: 'status'; text: string }
  | { type: 'value'; value: Json | undefined; truncated: boolean }
  | { type: 'port'; port: string }
  | { type: 'error'; code: string; message: string };

const VALUE_FIELDS: Partial<Record<NodeKindName, string>> = {
  transform: 'expression',
  output: 'expression',
  map: 'expression',
};

const CUT_MARKER = /^… (\d+) more items?$/;

/** Items in an output array, counting those a truncated detail left out. */
function itemCount(output: Json | undefined): number {
  if (!Array.isArray(output)) return 0;
  const last = output[output.length - 1];
  const cut = typeof last === 'string' ? CUT_MARKER.exec(last) : null;
  return cut ? output.length - 1 + Number(cut[1]) : output.length;
}

/** The live value of `field` (a top-level config key) of a `kind` node. */
export function liveValueOf(
  kind: NodeKindName,
  field: string,
  view: NodeView | undefined,
  /** Why there is no run at all (an invalid workflow), when that is the case. */
  notRunReason = 'Not run yet',
): LiveValue {
  const determined =
    VALUE_FIELDS[kind] === field ||
    (kind === 'map' && field === 'items') ||
    (kind === 'condition' && field === 'expression') ||
    (kind === 'fail' && field === 'cause');
  if (!determined) return { type: 'none' };
  if (!view) return { type: 'status', text: notRunReason };
  const { summary, detail } = view;
  if (summary.status === 'skipped') return { type: 'status', text: 'Skipped: no active input' };
  if (summary.status === 'waiting') return { type: 'status', text: 'Waiting' };
  if (summary.status === 'timed-out')
    return {
      type: 'error',
      code: 'RUN_TIMEOUT',
      message: 'The run was cut off: it took too long.',
    };
  if (summary.status === 'failed' || summary.port === 'error') {
    if (summary.error)
      return { type: 'error', code: summary.error.code, message: summary.error.message };
    return { type: 'status', text: 'Failed' };
  }
  if (kind === 'condition')
    return summary.port ? { type: 'port', port: summary.port } : { type: 'none' };
  if (!detail) return { type: 'status', text: 'Loading…' };
  if (kind === 'map' && field === 'items') {
    const count = itemCount(detail.output);
    return { type: 'status', text: `${count} item${count === 1 ? '' : 's'}` };
  }
  return { type: 'value', value: detail.output, truncated: detail.truncated };
}
