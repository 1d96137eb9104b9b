// How kinds and statuses look on the canvas: one glyph per kind, one colour and
// icon per status. Kept as data so the node card, the minimap and the palette agree.

import type { NodeKindName, NodeSummary } from '../engine/client.ts';

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
