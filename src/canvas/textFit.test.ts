import { describe, expect, it } from 'vitest';
import { nodeKinds } from '../engine/client.ts';
import { fitMonospace, fitsMonospace, fitsProportional } from './textFit.ts';

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

// The preview line of a card with a lone out port: 178 px of 10.5 px monospace (WeftNode.tsx).
describe('card preview fit', () => {
  it('leaves a preview that fits as it is', () => {
    expect(fitMonospace('{"subtotal":336,"count":10}', 178, 10.5)).toBe(
      '{"subtotal":336,"count":10}',
    );
    expect(fitMonospace('', 178, 10.5)).toBe('');
  });

  it('cuts a long preview to the width, ending in an ellipsis', () => {
    const cut = fitMonospace('[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20]', 178, 10.5);
    expect(cut).toBe('[1,2,3,4,5,6,7,8,9,10,11,1…');
    // A monospace ellipsis takes one column, like the character it stands for.
    expect(fitsMonospace(cut.replace('…', '.'), 178, 10.5)).toBe(true);
  });

  it('counts wide characters twice and never splits one', () => {
    const cut = fitMonospace('"合計合計合計合計合計合計合計合計合計合計"', 178, 10.5);
    expect(cut).toBe('"合計合計合計合計合計合計…');
    expect(fitsMonospace(cut.replace('…', '.'), 178, 10.5)).toBe(true);
    expect(fitMonospace('😀😀😀😀😀😀😀😀😀😀😀😀😀😀', 178, 10.5)).toBe(
      '😀😀😀😀😀😀😀😀😀😀😀😀😀…',
    );
  });
});
