import { describe, expect, it } from 'vitest';
import type { Json, NodeSummary } from '../engine/client.ts';
import { liveValueOf, type NodeView } from './liveValue.ts';

function ran(summary: Partial<NodeSummary>, output?: Json, truncated = false): NodeView {
  return {
    summary: { status: 'succeeded', port: 'out', ...summary },
    detail: output === undefined ? { truncated } : { output, truncated },
  };
}

describe('liveValueOf', () => {
  it("shows a transform's output under its expression", () => {
    expect(liveValueOf('transform', 'expression', ran({}, { total: 3 }))).toEqual({
      type: 'value',
      value: { total: 3 },
      truncated: false,
    });
  });

  it('shows the port a condition chose', () => {
    expect(liveValueOf('condition', 'expression', ran({ port: 'false' }, {}))).toEqual({
      type: 'port',
      port: 'false',
    });
  });

  it('counts the items a map went over, including those cut from the detail', () => {
    expect(liveValueOf('map', 'items', ran({}, [1, 2, 3]))).toEqual({
      type: 'status',
      text: '3 items',
    });
    expect(liveValueOf('map', 'items', ran({}, [1, 2, '… 98 more items'], true))).toEqual({
      type: 'status',
      text: '100 items',
    });
  });

  it('shows the error of a failed node rather than a value', () => {
    const failed: NodeView = {
      summary: {
        status: 'failed',
        error: { code: 'EXPRESSION_ERROR', message: 'T2002: not a number' },
      },
    };
    expect(liveValueOf('transform', 'expression', failed)).toEqual({
      type: 'error',
      code: 'EXPRESSION_ERROR',
      message: 'T2002: not a number',
    });
  });

  it('says when the node did not run, or its value has not arrived yet', () => {
    expect(liveValueOf('transform', 'expression', undefined)).toEqual({
      type: 'status',
      text: 'Not run yet',
    });
    expect(liveValueOf('output', 'expression', { summary: { status: 'skipped' } })).toEqual({
      type: 'status',
      text: 'Skipped: no active input',
    });
    expect(liveValueOf('output', 'expression', { summary: { status: 'succeeded' } })).toEqual({
      type: 'status',
      text: 'Loading…',
    });
  });

  it('shows nothing for fields whose own value the run does not record', () => {
    expect(liveValueOf('http', 'url', ran({}, { status: 200 }))).toEqual({ type: 'none' });
  });
});
