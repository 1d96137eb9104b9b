import { describe, expect, it } from 'vitest';
import { upstreamOf } from './upstream.ts';

describe('upstreamOf', () => {
  it('lists every node a path leads from, nearest first, and nothing downstream', () => {
    const edges = [
      { source: 'start', target: 'policy' },
      { source: 'policy', sourcePort: 'valid', target: 'total' },
      { source: 'total', target: 'budget' },
      { source: 'budget', sourcePort: 'true', target: 'approve' },
      { source: 'approve', sourcePort: 'approved', target: 'erp' },
      { source: 'budget', sourcePort: 'false', target: 'erp' },
    ];
    expect(upstreamOf(edges, 'erp')).toEqual(['approve', 'budget', 'total', 'policy', 'start']);
    expect(upstreamOf(edges, 'total')).toEqual(['policy', 'start']);
    expect(upstreamOf(edges, 'start')).toEqual([]);
  });
});
