import { describe, expect, it } from 'vitest';
import type { NodeDefinition } from '../engine/client.ts';
import { estimatedCard } from './cardGeometry.ts';

// An edge whose handle a node does not have is not drawn at all, so a card
// out of view (never drawn, so never measured) must offer the same handles
// as the card WeftNode.tsx draws.
describe('a card estimated before it is drawn', () => {
  const handles = (node: NodeDefinition) =>
    estimatedCard(node).handles.map((h) => `${h.type}:${h.id}`);

  it('has the handles its card draws: an input unless a trigger, each out port, and error', () => {
    expect(handles({ id: 't', kind: 'trigger' })).toEqual(['source:out', 'source:error']);
    expect(handles({ id: 'c', kind: 'condition', config: { expression: 'true' } })).toEqual([
      'source:true',
      'source:false',
      'source:error',
      'target:in',
    ]);
    const cases = [
      { port: 'gold', expression: 'tier = "gold"' },
      { port: 'silver', expression: 'tier = "silver"' },
    ];
    expect(handles({ id: 's', kind: 'switch', config: { cases } })).toEqual([
      'source:gold',
      'source:silver',
      'source:default',
      'source:error',
      'target:in',
    ]);
    expect(handles({ id: 'o', kind: 'output' })).toEqual(['source:error', 'target:in']);
  });

  it('grows with its out ports, which sit top to bottom inside it', () => {
    const two = estimatedCard({ id: 'c', kind: 'condition', config: { expression: 'true' } });
    const cases = ['a', 'b', 'c', 'd'].map((port) => ({ port, expression: 'true' }));
    const five = estimatedCard({ id: 's', kind: 'switch', config: { cases } });
    expect(five.height).toBeGreaterThan(two.height);
    const ys = five.handles.filter((h) => h.position === 'right').map((h) => h.y);
    expect(ys).toEqual([...ys].sort((a, b) => a - b));
    expect(ys[0]).toBeGreaterThan(0);
    expect((ys.at(-1) ?? Infinity) + 11).toBeLessThanOrEqual(five.height);
  });
});
