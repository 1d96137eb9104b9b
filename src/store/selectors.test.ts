import { describe, expect, it } from 'vitest';
import type { WorkflowDefinition } from '../engine/client.ts';
import { nodeById } from './selectors.ts';

const doc = (ids: string[]): WorkflowDefinition => ({
  format: 'weft/v1',
  id: 'w',
  name: 'w',
  nodes: ids.map((id) => ({ id, kind: id === 'start' ? 'trigger' : 'transform' })),
  edges: [],
});

describe('nodeById', () => {
  it('finds each node of a document, after an edit, a reorder and a removal', () => {
    const first = doc(['start', 'a', 'b']);
    expect(nodeById(first, 'b')).toBe(first.nodes[2]);
    const edited = { ...first, nodes: first.nodes.map((n) => (n.id === 'a' ? { ...n } : n)) };
    expect(nodeById(edited, 'a')).toBe(edited.nodes[1]);
    const reordered = { ...first, nodes: [...first.nodes].reverse() };
    for (const node of reordered.nodes) expect(nodeById(reordered, node.id)).toBe(node);
    const removed = doc(['start', 'b']);
    expect(nodeById(removed, 'a')).toBeUndefined();
    expect(nodeById(removed, 'b')).toBe(removed.nodes[1]);
    // Back to an older document: its nodes, not the newer ones.
    expect(nodeById(first, 'a')).toBe(first.nodes[1]);
    expect(nodeById(first, 'missing')).toBeUndefined();
  });
});
