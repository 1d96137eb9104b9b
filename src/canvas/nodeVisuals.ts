// How kinds and statuses look on the canvas: one glyph per kind, one colour and
// icon per status, and an edge's look by what the run did. Kept as data so the
// node card, the edges, the minimap and the palette agree.

import type { NodeKindName, NodeSummary } from '../engine/client.ts';
import type { EditorState } from '../store/types.ts';

export type CanvasStatus = NodeSummary['status'] | 'idle';

export const kindGlyph: Record<NodeKindName, string> = {
  trigger: '▶',
  transform: 'ƒ',
  condition: '◇',
  switch: '⇉',
  map: '⟳',
  merge: '⋈',
  validate: '✓',
  http: '⇄',
  llm: '✦',
  approval: '☑',
  delay: '◷',
  subworkflow: '⊞',
  fail: '✕',
  output: '■',
};

export const statusIcon: Record<CanvasStatus, string> = {
  succeeded: '✓',
  failed: '!',
  skipped: '–',
  waiting: '⏸',
  'timed-out': '⌛',
  idle: '○',
};

export const statusText: Record<CanvasStatus, string> = {
  succeeded: 'Succeeded',
  failed: 'Failed',
  skipped: 'Skipped',
  waiting: 'Waiting',
  'timed-out': 'Timed out',
  idle: 'Not run',
};

/** CSS colours per status (also used by the minimap, which takes colours, not classes). */
export const statusColour: Record<CanvasStatus, string> = {
  succeeded: '#16a34a',
  failed: '#dc2626',
  skipped: '#a1a1aa',
  waiting: '#d97706',
  'timed-out': '#9333ea',
  idle: '#cbd5e1',
};

export function formatDuration(ms: number | undefined): string {
  if (ms === undefined) return '';
  if (ms < 1) return `${(ms * 1000).toFixed(0)} µs`;
  if (ms < 1000) return `${ms.toFixed(ms < 10 ? 2 : 0)} ms`;
  return `${(ms / 1000).toFixed(2)} s`;
}

/** An edge the run took: its source ran and emitted on the edge's port. */
function isTaken(summary: NodeSummary | undefined, port: string): boolean {
  return summary !== undefined && summary.status !== 'skipped' && summary.port === port;
}

/**
 * The classes of an edge out of `source`'s `port` (App.css): taken or dimmed
 * while a run is shown (the latest, the one before a run in flight, or the
 * last one while the workflow does not compile), and `edge-error` out of an
 * error port.
 */
export function edgeLook(
  state: Pick<EditorState, 'run' | 'previewState' | 'nodeSummaries'>,
  source: string,
  port: string,
): string {
  const shown = state.run !== null && state.previewState !== 'timed-out';
  const look = shown
    ? isTaken(state.nodeSummaries.get(source), port)
      ? 'edge-taken'
      : 'edge-dimmed'
    : '';
  if (port !== 'error') return look;
  return look ? `edge-error ${look}` : 'edge-error';
}
