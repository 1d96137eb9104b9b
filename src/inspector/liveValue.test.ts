import { describe, expect, it } from 'vitest';
import type { NodeResult } from '../engine/client.ts';
import { liveValueOf } from './liveValue.ts';

const ok = (partial: Partial<NodeResult>): NodeResult => ({
  status: 'succeeded',
  durationMs: 0.1,
  ...partial,
});

describe('liveValueOf', () => {
  it("shows a transform's output under its expression", () => {
    expect(
      liveValueOf('transform', 'expression', ok({ port: 'out', output: { total: 3 } })),
    ).toEqual({
      type: 'value',
      value: { total: 3 },
    });
  });

  it('shows the port a condition chose', () => {
    expect(liveValueOf('condition', 'expression', ok({ port: 'false', output: {} }))).toEqual({
      type: 'port',
      port: 'false',
    });
  });

  it('counts the items a map went over', () => {
    expect(liveValueOf('map', 'items', ok({ output: [1, 2, 3] }))).toEqual({
      type: 'status',
      text: '3 items',
    });
  });

  it('shows the error of a failed node rather than a value', () => {
    const failed: NodeResult = {
      status: 'failed',
      durationMs: 0,
      error: { code: 'EXPRESSION_ERROR', message: 'T2002: not a number' },
    };
    expect(liveValueOf('transform', 'expression', failed)).toEqual({
      type: 'error',
      code: 'EXPRESSION_ERROR',
      message: 'T2002: not a number',
    });
  });

  it('says when the node did not run', () => {
    expect(liveValueOf('transform', 'expression', undefined)).toEqual({
      type: 'status',
      text: 'Not run yet',
    });
    expect(liveValueOf('output', 'expression', { status: 'skipped', durationMs: 0 })).toEqual({
      type: 'status',
      text: 'Skipped: no active input',
    });
  });

  it('shows nothing for fields whose own value the run does not record', () => {
    expect(liveValueOf('http', 'url', ok({ output: { status: 200 } }))).toEqual({ type: 'none' });
  });
});
