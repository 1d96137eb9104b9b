import { describe, expect, it } from 'vitest';
import type { NodeSummary, RunResult } from '../engine/client.ts';
import type { PreviewState } from '../store/types.ts';
import { edgeLook } from './nodeVisuals.ts';

const RUN: RunResult = { status: 'succeeded', output: null, nodes: {} };

/** A condition `check` that emitted on `true`, an `erp` that failed, a skipped `approve`. */
function shown(previewState: PreviewState, run: RunResult | null = RUN) {
  const summaries = new Map<string, NodeSummary>([
    ['check', { status: 'succeeded', port: 'true', preview: '{}', durationMs: 0.1 }],
    ['erp', { status: 'failed', port: 'error', preview: '', durationMs: 0.2 }],
    ['approve', { status: 'skipped', preview: '', durationMs: 0 }],
  ]);
  return { run, previewState, nodeSummaries: summaries };
}

describe('edgeLook', () => {
  it('marks the edge a run took and dims the ones it did not', () => {
    const state = shown('done');
    expect(edgeLook(state, 'check', 'true')).toBe('edge-taken');
    expect(edgeLook(state, 'check', 'false')).toBe('edge-dimmed');
    expect(edgeLook(state, 'approve', 'out')).toBe('edge-dimmed');
    expect(edgeLook(state, 'erp', 'error')).toBe('edge-error edge-taken');
    expect(edgeLook(state, 'check', 'error')).toBe('edge-error edge-dimmed');
  });

  it('keeps the last run’s looks while a run is in flight or the workflow does not compile', () => {
    expect(edgeLook(shown('running'), 'check', 'true')).toBe('edge-taken');
    expect(edgeLook(shown('invalid'), 'check', 'false')).toBe('edge-dimmed');
  });

  it('shows no run’s looks before the first run or after a run timed out', () => {
    expect(edgeLook(shown('idle', null), 'check', 'true')).toBe('');
    expect(edgeLook(shown('timed-out'), 'check', 'true')).toBe('');
    expect(edgeLook(shown('timed-out'), 'erp', 'error')).toBe('edge-error');
  });
});
