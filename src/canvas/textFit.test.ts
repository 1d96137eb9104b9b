import { describe, expect, it } from 'vitest';
import { nodeKinds } from '../engine/client.ts';
import { fitsMonospace, fitsProportional } from './textFit.ts';

// The card's title column: 145 px, label 12.5 px, id 10 px (WeftNode.tsx).
describe('card text fit', () => {
  it('leaves every kind label and a typical id unclipped', () => {
    for (const { label } of nodeKinds) expect(fitsProportional(label, 145, 12.5)).toBe(true);
    expect(fitsMonospace('s4_totals', 145, 10)).toBe(true);
  });

  it('clips a label or id that may not fit, so it ends in an ellipsis', () => {
    expect(fitsProportional('Approve the purchase order', 145, 12.5)).toBe(false);
    expect(fitsProportional('WWWWWWWWWWWW', 145, 12.5)).toBe(false);
    expect(fitsMonospace('a_very_long_node_identifier_here', 145, 10)).toBe(false);
    expect(fitsMonospace('合計合計合計合計合計合計', 145, 10)).toBe(false);
  });
});
